package io.kdx.analyzer.kernel;

import io.kdx.symbols.Type;

/**
 * Scalar members decoded from a struct's bytes as read from the dump: little-endian, sign-extended
 * when the type is signed, bit fields shifted and masked. One place for `kdx struct ADDR` and the
 * crash front's gdb-style values.
 */
public final class Scalars {
    private Scalars() {}

    /** {@code size} bytes at {@code off}, little-endian; bytes outside {@code b} read as zero. */
    public static long raw(byte[] b, long off, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            long p = off + i;
            v = (v << 8) | (p >= 0 && p < b.length ? b[(int) p] & 0xff : 0);
        }
        return v;
    }

    /** The value of a scalar of resolved type {@code r} at {@code off}; a bit field when {@code bitSize > 0}. */
    public static long scalar(Type r, byte[] b, long off, int bitOffset, int bitSize) {
        int size = (int) Math.min(8, Math.max(1, r.size()));
        long v = raw(b, off, size);
        if (bitSize > 0) {
            v = (v >>> bitOffset) & (bitSize == 64 ? -1L : (1L << bitSize) - 1);
            if (r.signed() && bitSize < 64 && ((v >>> (bitSize - 1)) & 1) != 0) v |= -1L << bitSize;
            return v;
        }
        if (r.signed() && size < 8) v = (v << (64 - size * 8)) >> (64 - size * 8);
        return v;
    }
}
