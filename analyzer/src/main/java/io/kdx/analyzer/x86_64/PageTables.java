package io.kdx.analyzer.x86_64;

import io.kdx.analyzer.kernel.AddressTranslator;
import io.kdx.analyzer.kernel.PhysicalMemory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * x86_64 4- and 5-level page-table walk from the kernel's root table (init_top_pgt), with 1 GiB
 * (PUD) and 2 MiB (PMD) pages (Intel SDM vol. 3, 4.5), and a direct-mapped translation cache of
 * 4 KiB virtual pages that allocates nothing. Each slot is a (virtual page, physical page) pair
 * under a per-slot seqlock: a writer takes the slot by a CAS of its version from even to odd (so
 * two writers never interleave), a reader keeps the pair only if the version did not move.
 */
final class PageTables implements AddressTranslator {
    static final long PRESENT = 1L, PSE = 1L << 7;
    static final long ADDR_MASK = 0x000f_ffff_ffff_f000L;
    private static final VarHandle VERSION = MethodHandles.arrayElementVarHandle(long[].class);

    private final PhysicalMemory mem;
    private final long root;
    private final boolean fiveLevel;
    private final long[] keys, values, versions;
    private final int mask;
    /** Plain counter: exact on one thread, may lose increments under concurrency (an atomic add per hit costs more than the hit). */
    private long hits;
    private final LongAdder misses = new LongAdder();

    PageTables(PhysicalMemory mem, long rootTable, boolean fiveLevel, int cacheEntries) {
        this.mem = mem;
        this.root = rootTable & ADDR_MASK;
        this.fiveLevel = fiveLevel;
        int n = Integer.highestOneBit(Math.max(16, cacheEntries));
        this.keys = new long[n];
        java.util.Arrays.fill(keys, 1L); // never a page-aligned virtual page
        this.values = new long[n];
        this.versions = new long[n];
        this.mask = n - 1;
    }

    @Override
    public long translate(long vaddr) {
        long vpage = vaddr & ~0xfffL;
        int i = (int) ((vpage >>> 12) ^ (vpage >>> 29)) & mask;
        long v1 = (long) VERSION.getAcquire(versions, i);
        if ((v1 & 1) == 0 && keys[i] == vpage) {
            long ppage = values[i];
            VarHandle.acquireFence();
            if ((long) VERSION.getAcquire(versions, i) == v1) {
                hits++;
                return ppage | (vaddr & 0xfff);
            }
        }
        misses.increment();
        long p = translateUncached(vaddr);
        if (p >= 0) {
            long v = (long) VERSION.getAcquire(versions, i);
            if ((v & 1) == 0 && VERSION.compareAndSet(versions, i, v, v + 1)) {
                keys[i] = vpage;
                values[i] = p & ~0xfffL;
                VERSION.setRelease(versions, i, v + 2);
            }
        }
        return p;
    }

    @Override
    public long translateUncached(long vaddr) {
        int top = fiveLevel ? 56 : 47;
        long sign = vaddr >> top;
        if (sign != 0 && sign != -1) return UNMAPPED; // not canonical
        long table = root;
        long e;
        if (fiveLevel) {
            e = entry(table, (vaddr >>> 48) & 511);
            if (e == TABLE_UNREADABLE_WORD) return TABLE_UNREADABLE;
            if ((e & PRESENT) == 0) return UNMAPPED;
            table = e & ADDR_MASK;
        }
        e = entry(table, (vaddr >>> 39) & 511);            // PGD (P4D folded)
        if (e == TABLE_UNREADABLE_WORD) return TABLE_UNREADABLE;
        if ((e & PRESENT) == 0) return UNMAPPED;
        e = entry(e & ADDR_MASK, (vaddr >>> 30) & 511);    // PUD
        if (e == TABLE_UNREADABLE_WORD) return TABLE_UNREADABLE;
        if ((e & PRESENT) == 0) return UNMAPPED;
        if ((e & PSE) != 0) return (e & ADDR_MASK & ~((1L << 30) - 1)) | (vaddr & ((1L << 30) - 1));
        e = entry(e & ADDR_MASK, (vaddr >>> 21) & 511);    // PMD
        if (e == TABLE_UNREADABLE_WORD) return TABLE_UNREADABLE;
        if ((e & PRESENT) == 0) return UNMAPPED;
        if ((e & PSE) != 0) return (e & ADDR_MASK & ~((1L << 21) - 1)) | (vaddr & ((1L << 21) - 1));
        e = entry(e & ADDR_MASK, (vaddr >>> 12) & 511);    // PTE
        if (e == TABLE_UNREADABLE_WORD) return TABLE_UNREADABLE;
        if ((e & PRESENT) == 0) return UNMAPPED;
        return (e & ADDR_MASK) | (vaddr & 0xfff);
    }

    /** An unreadable table reads as this word: not present, reserved bits set, never a real entry. */
    static final long TABLE_UNREADABLE_WORD = 0xfff0_0000_0000_0f00L;

    private long entry(long tablePhys, long index) {
        return mem.u64OrElse(tablePhys + index * 8, TABLE_UNREADABLE_WORD);
    }

    @Override
    public long cacheHits() {
        return hits;
    }

    @Override
    public long cacheMisses() {
        return misses.sum();
    }
}
