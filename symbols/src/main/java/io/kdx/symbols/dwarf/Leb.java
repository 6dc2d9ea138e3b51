package io.kdx.symbols.dwarf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A position in a segment with LEB128 and fixed-size little-endian reads; one per scan, reused. */
final class Leb {
    final MemorySegment seg;
    long pos;

    Leb(MemorySegment seg, long pos) {
        this.seg = seg;
        this.pos = pos;
    }

    int u8() {
        return seg.get(ValueLayout.JAVA_BYTE, pos++) & 0xff;
    }

    int u16() {
        int v = seg.get(ValueLayout.JAVA_SHORT_UNALIGNED, pos) & 0xffff;
        pos += 2;
        return v;
    }

    long u32() {
        long v = seg.get(ValueLayout.JAVA_INT_UNALIGNED, pos) & 0xffffffffL;
        pos += 4;
        return v;
    }

    long u64() {
        long v = seg.get(ValueLayout.JAVA_LONG_UNALIGNED, pos);
        pos += 8;
        return v;
    }

    long uleb() {
        long result = 0;
        int shift = 0;
        while (true) {
            byte b = seg.get(ValueLayout.JAVA_BYTE, pos++);
            if (shift < 64) result |= (long) (b & 0x7f) << shift;
            if (b >= 0) return result;
            shift += 7;
        }
    }

    long sleb() {
        long result = 0;
        int shift = 0;
        byte b;
        do {
            b = seg.get(ValueLayout.JAVA_BYTE, pos++);
            if (shift < 64) result |= (long) (b & 0x7f) << shift;
            shift += 7;
        } while (b < 0);
        if (shift < 64 && (b & 0x40) != 0) result |= -1L << shift;
        return result;
    }

    void skipUleb() {
        while (seg.get(ValueLayout.JAVA_BYTE, pos++) < 0) { }
    }

    void skipCString() {
        while (seg.get(ValueLayout.JAVA_BYTE, pos++) != 0) { }
    }
}
