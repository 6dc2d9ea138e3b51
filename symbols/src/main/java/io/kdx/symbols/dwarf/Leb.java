package io.kdx.symbols.dwarf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A position in a section with LEB128 and little-endian reads; one per scan, reused. Reads come
 * from the mapped segment, or, after {@link #window}, from a heap copy of one run of units: a cold
 * JVM interprets plain array reads far faster than segment accesses, and the index scan is the
 * start-up's hot loop. Positions stay section offsets either way.
 */
final class Leb {
    final MemorySegment seg;
    long pos;
    private byte[] buf;
    private long base;

    Leb(MemorySegment seg, long pos) {
        this.seg = seg;
        this.pos = pos;
    }

    /** Reads [start, end) of the section from a heap copy from now on (end - start < 2 GiB). */
    void window(long start, long end) {
        int n = (int) (end - start);
        if (buf == null || buf.length < n) buf = new byte[n];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, start, buf, 0, n);
        base = start;
    }

    private int b(long p) {
        return buf != null ? buf[(int) (p - base)] & 0xff : seg.get(ValueLayout.JAVA_BYTE, p) & 0xff;
    }

    int u8() {
        return b(pos++);
    }

    int u16() {
        int v = b(pos) | b(pos + 1) << 8;
        pos += 2;
        return v;
    }

    long u32() {
        long v;
        if (buf != null) {
            int i = (int) (pos - base);
            v = (buf[i] & 0xff) | (buf[i + 1] & 0xff) << 8 | (buf[i + 2] & 0xff) << 16 | (long) (buf[i + 3] & 0xff) << 24;
        } else {
            v = seg.get(ValueLayout.JAVA_INT_UNALIGNED, pos) & 0xffffffffL;
        }
        pos += 4;
        return v;
    }

    long u64() {
        long v;
        if (buf != null) {
            long lo = u32(), hi = u32();
            return lo | hi << 32;
        }
        v = seg.get(ValueLayout.JAVA_LONG_UNALIGNED, pos);
        pos += 8;
        return v;
    }

    long uleb() {
        long result = 0;
        int shift = 0;
        while (true) {
            int b = b(pos++);
            if (shift < 64) result |= (long) (b & 0x7f) << shift;
            if (b < 0x80) return result;
            shift += 7;
        }
    }

    long sleb() {
        long result = 0;
        int shift = 0;
        int b;
        do {
            b = b(pos++);
            if (shift < 64) result |= (long) (b & 0x7f) << shift;
            shift += 7;
        } while (b >= 0x80);
        if (shift < 64 && (b & 0x40) != 0) result |= -1L << shift;
        return result;
    }

    void skipUleb() {
        while (b(pos++) >= 0x80) { }
    }

    void skipCString() {
        while (b(pos++) != 0) { }
    }
}
