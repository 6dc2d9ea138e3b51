package io.kdx.analyzer.x86_64;

import io.kdx.analyzer.kernel.AddressTranslator;
import io.kdx.analyzer.kernel.PhysicalMemory;
import java.util.concurrent.atomic.LongAdder;

/**
 * x86_64 4- and 5-level page-table walk from the kernel's root table (init_top_pgt), with 1 GiB
 * (PUD) and 2 MiB (PMD) pages (Intel SDM vol. 3, 4.5), and a direct-mapped translation cache of
 * 4 KiB virtual pages. The cache is lock-free: each slot holds an immutable (virtual page, physical
 * page) pair published through its final fields, so a reader never pairs one writer's key with
 * another's value; a miss (a page-table walk) allocates one small pair, a hit allocates nothing.
 */
final class PageTables implements AddressTranslator {
    static final long PRESENT = 1L, PSE = 1L << 7;
    static final long ADDR_MASK = 0x000f_ffff_ffff_f000L;
    private record Entry(long vpage, long ppage) {}

    private final PhysicalMemory mem;
    private final long root;
    private final boolean fiveLevel;
    private final Entry[] slots;
    private final int mask;
    /** Plain counter: exact on one thread, may lose increments under concurrency (an atomic add per hit costs more than the hit). */
    private long hits;
    private final LongAdder misses = new LongAdder();

    PageTables(PhysicalMemory mem, long rootTable, boolean fiveLevel, int cacheEntries) {
        this.mem = mem;
        this.root = rootTable & ADDR_MASK;
        this.fiveLevel = fiveLevel;
        int n = Integer.highestOneBit(Math.max(16, cacheEntries));
        this.slots = new Entry[n];
        this.mask = n - 1;
    }

    @Override
    public long translate(long vaddr) {
        long vpage = vaddr & ~0xfffL;
        int i = (int) ((vpage >>> 12) ^ (vpage >>> 29)) & mask;
        Entry e = slots[i];
        if (e != null && e.vpage == vpage) {
            hits++;
            return e.ppage | (vaddr & 0xfff);
        }
        misses.increment();
        long p = translateUncached(vaddr);
        if (p >= 0) slots[i] = new Entry(vpage, p & ~0xfffL);
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
