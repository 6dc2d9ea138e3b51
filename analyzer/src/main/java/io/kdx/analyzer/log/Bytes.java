package io.kdx.analyzer.log;

/** Little-endian reads from a buffer copied out of the dump (x86_64 byte order). */
final class Bytes {
    private Bytes() {}

    static long u64(byte[] b, long i) {
        int o = (int) i;
        long v = 0;
        for (int k = 7; k >= 0; k--) v = (v << 8) | (b[o + k] & 0xff);
        return v;
    }

    static int u32(byte[] b, long i) {
        int o = (int) i;
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
    }

    static int u16(byte[] b, long i) {
        int o = (int) i;
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8;
    }

    static int u8(byte[] b, long i) {
        return b[(int) i] & 0xff;
    }

    /** An unsigned bit field inside one byte: {byteOffset, bitOffset, bitSize} relative to {@code base}. */
    static int bits(byte[] b, long base, int[] field) {
        int v = u8(b, base + field[0] + (field[1] >> 3));
        return (v >>> (field[1] & 7)) & ((1 << field[2]) - 1);
    }
}
