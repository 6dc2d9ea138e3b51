package io.kdx.analyzer.log;

import io.kdx.analyzer.kernel.Unreadable;
import java.util.List;

/**
 * The kernel log read from a dump: its records in order, which buffer layout held them, and what
 * could not be read (a record or a whole buffer that the dump lost or filtered out).
 *
 * @param layout     "lockless ring" (5.10+), "record buffer" (3.5 to 5.9) or "plain buffer" (before 3.5)
 * @param unreadable one record each for what could not be read; empty when the whole log was read
 */
public record KernelLog(String layout, List<LogRecord> records, List<Unreadable> unreadable) {
    /** The sentences of {@link #unreadable()}. */
    public List<String> problems() {
        return Unreadable.texts(unreadable);
    }
}
