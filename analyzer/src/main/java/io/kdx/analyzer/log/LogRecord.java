package io.kdx.analyzer.log;

import java.nio.charset.StandardCharsets;

/**
 * One kernel log record as the kernel stored it. {@code text} holds the stored bytes (the kernel
 * does not promise UTF-8). {@code tsNsec} is local_clock() at printk time, or -1 for the plain
 * buffer of kernels before 3.5, which kept no per-record metadata ({@code level}, {@code facility}
 * and {@code seq} are then -1 too).
 */
public record LogRecord(long seq, long tsNsec, int level, int facility, byte[] text) {

    /** The text decoded as UTF-8 (for people and JSON; the dmesg form keeps the bytes). */
    public String message() {
        return new String(text, StandardCharsets.UTF_8);
    }

    /** Seconds since boot, as dmesg shows them, or NaN when the record carries no time. */
    public double seconds() {
        return tsNsec < 0 ? Double.NaN : tsNsec / 1e9;
    }
}
