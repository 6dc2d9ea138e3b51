package io.kdx.dump.testing;

import java.util.Arrays;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A short description of a machine's physical memory for synthetic dumps: which pfns hold what,
 * which are all zeros, which are RAM that filtering excluded, and the rest (holes). Writers turn it
 * into ELF or kdump files; tests read those back and compare with {@link #page(long)}.
 */
public final class Memory {
    public final int pageSize;
    public final long maxPfn;
    /** pfn -> contents of every page that is in the dump (all-zero arrays for zero pages). */
    public final TreeMap<Long, byte[]> pages = new TreeMap<>();
    /** RAM pages that a filter left out (makedumpfile -d). */
    public final TreeSet<Long> excluded = new TreeSet<>();
    public String vmcoreinfo = "OSRELEASE=6.1.0-test\nPAGESIZE=4096\nKERNELOFFSET=1e000000\nSYMBOL(init_top_pgt)=ffffffff9f40a000\nNUMBER(phys_base)=123456\n";
    public int cpus = 2;

    public Memory(int pageSize, long maxPfn) {
        this.pageSize = pageSize;
        this.maxPfn = maxPfn;
    }

    /** Deterministic, moderately compressible contents for a pfn (never all zeros). */
    public static byte[] pattern(long pfn, int pageSize) {
        byte[] b = new byte[pageSize];
        long x = pfn * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < pageSize; i += 8) {
            if ((i & 64) == 0) { // half the page repeats, half is pseudo-random
                x ^= x << 13; x ^= x >>> 7; x ^= x << 17;
            }
            for (int k = 0; k < 8; k++) b[i + k] = (byte) (x >>> (8 * k));
        }
        b[0] = (byte) pfn;
        b[1] = (byte) (pfn >>> 8);
        b[2] = 1;
        return b;
    }

    public Memory data(long first, long count) {
        for (long p = first; p < first + count; p++) pages.put(p, pattern(p, pageSize));
        return this;
    }

    public Memory zero(long... pfns) {
        for (long p : pfns) pages.put(p, new byte[pageSize]);
        return this;
    }

    public Memory exclude(long... pfns) {
        for (long p : pfns) {
            pages.remove(p);
            excluded.add(p);
        }
        return this;
    }

    public byte[] page(long pfn) {
        return pages.get(pfn);
    }

    public static boolean isZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    /** A typical small machine: data pages with holes, zero pages and excluded pages. */
    public static Memory sample() {
        Memory m = new Memory(4096, 600);
        m.data(0, 160).data(256, 200).data(520, 70);
        m.zero(3, 7, 300, 301, 589);
        m.exclude(10, 11, 12, 400, 401, 525);
        return m;
    }

    @Override
    public String toString() {
        return "Memory[" + pages.size() + " pages, " + excluded.size() + " excluded, maxPfn " + maxPfn + "]";
    }

    static byte[] grow(byte[] b, int n) {
        return b.length >= n ? b : Arrays.copyOf(b, Math.max(n, b.length * 2));
    }
}
