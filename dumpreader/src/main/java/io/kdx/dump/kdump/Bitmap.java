package io.kdx.dump.kdump;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A kdump bitmap (bit n of byte pfn/8 is pfn % 8, i.e. little-endian 64-bit words) with a precomputed
 * popcount rank index, so that the rank of a pfn among the set bits (the index of its page descriptor)
 * costs at most eight popcounts: a long per 65536 pfns plus a char per 512 pfns relative to it.
 */
final class Bitmap {
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int BLOCK_SHIFT = 9, SUPER_SHIFT = 16;

    private final MemorySegment bits;
    private final long nbits;
    private final long[] superRank;
    private final char[] blockRank;
    private final long total;

    /** {@code bits} holds at least ceil(nbits / 64) words; bits at and past nbits read as clear. */
    Bitmap(MemorySegment bits, long nbits) {
        this.bits = bits;
        this.nbits = Math.min(nbits, bits.byteSize() * 8);
        long words = (this.nbits + 63) >>> 6;
        long blocks = (this.nbits + (1 << BLOCK_SHIFT) - 1) >>> BLOCK_SHIFT;
        if (blocks > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("bitmap too large");
        this.superRank = new long[(int) ((this.nbits >>> SUPER_SHIFT) + 1)];
        this.blockRank = new char[(int) blocks + 1];
        long rank = 0, superBase = 0;
        for (long w = 0; w < words; w++) {
            long pfn = w << 6;
            if ((pfn & ((1 << SUPER_SHIFT) - 1)) == 0) {
                superRank[(int) (pfn >>> SUPER_SHIFT)] = rank;
                superBase = rank;
            }
            if ((pfn & ((1 << BLOCK_SHIFT) - 1)) == 0) blockRank[(int) (pfn >>> BLOCK_SHIFT)] = (char) (rank - superBase);
            rank += Long.bitCount(word(w));
        }
        this.total = rank;
    }

    long nbits() {
        return nbits;
    }

    /** Number of set bits. */
    long total() {
        return total;
    }

    long word(long w) {
        long v = bits.get(WORD, w << 3);
        long first = w << 6;
        if (first + 64 > nbits) v &= nbits <= first ? 0 : (-1L >>> (64 - (nbits - first)));
        return v;
    }

    boolean get(long pfn) {
        if (pfn < 0 || pfn >= nbits) return false;
        return (bits.get(ValueLayout.JAVA_BYTE, pfn >>> 3) & (1 << (pfn & 7))) != 0;
    }

    /** Number of set bits below {@code pfn} (0 <= pfn <= nbits). */
    long rank(long pfn) {
        if (pfn >= nbits) return total;
        if (pfn <= 0) return 0;
        long r = superRank[(int) (pfn >>> SUPER_SHIFT)] + blockRank[(int) (pfn >>> BLOCK_SHIFT)];
        long w = (pfn >>> BLOCK_SHIFT) << (BLOCK_SHIFT - 6);
        long last = pfn >>> 6;
        for (; w < last; w++) r += Long.bitCount(bits.get(WORD, w << 3));
        int bit = (int) (pfn & 63);
        if (bit != 0) r += Long.bitCount(bits.get(WORD, last << 3) & ((1L << bit) - 1));
        return r;
    }

    /** Number of pfns below nbits set in this bitmap and clear in {@code other} (null: none clear). */
    long countAndNot(Bitmap other) {
        long n = 0, words = (nbits + 63) >>> 6;
        for (long w = 0; w < words; w++) n += Long.bitCount(word(w) & ~(other == null ? 0 : other.word(w)));
        return n;
    }

    /** The first set bit at or after {@code pfn}, or -1. */
    long nextSet(long pfn) {
        if (pfn < 0) pfn = 0;
        if (pfn >= nbits) return -1;
        long w = pfn >>> 6;
        long v = word(w) & (-1L << (pfn & 63));
        long words = (nbits + 63) >>> 6;
        while (v == 0) {
            if (++w >= words) return -1;
            v = word(w);
        }
        return (w << 6) + Long.numberOfTrailingZeros(v);
    }
}
