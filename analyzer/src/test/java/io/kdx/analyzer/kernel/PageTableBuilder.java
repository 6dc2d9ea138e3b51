package io.kdx.analyzer.kernel;

/** Builds x86_64 page tables (4- or 5-level) in a {@link MemDump}. */
public final class PageTableBuilder {
    static final long P = 1, RW = 2, PSE = 0x80, NX = 1L << 63;
    public final MemDump mem;
    public final long root;
    final boolean fiveLevel;

    public PageTableBuilder(MemDump mem, boolean fiveLevel) {
        this.mem = mem;
        this.fiveLevel = fiveLevel;
        this.root = mem.alloc();
    }

    private long next(long table, int index) {
        long e = get(table + index * 8L);
        if ((e & P) == 0) {
            long t = mem.alloc();
            mem.put64(table + index * 8L, t | P | RW);
            return t;
        }
        return e & 0x000f_ffff_ffff_f000L;
    }

    public long get(long phys) {
        byte[] p = mem.pages.get(phys / MemDump.PAGE);
        if (p == null) return 0;
        return java.nio.ByteBuffer.wrap(p).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong((int) (phys % MemDump.PAGE));
    }

    /** The table at level {@code stop} (4 = PUD, 3 = PMD, 2 = PTE table) for {@code virt}. */
    private long tableFor(long virt, int stop) {
        long t = root;
        if (fiveLevel) t = next(t, (int) ((virt >>> 48) & 511));
        t = next(t, (int) ((virt >>> 39) & 511));
        if (stop == 4) return t;
        t = next(t, (int) ((virt >>> 30) & 511));
        if (stop == 3) return t;
        return next(t, (int) ((virt >>> 21) & 511));
    }

    public PageTableBuilder map4k(long virt, long phys) {
        mem.put64(tableFor(virt, 2) + ((virt >>> 12) & 511) * 8, phys | P | RW | NX);
        return this;
    }

    public PageTableBuilder map2m(long virt, long phys) {
        mem.put64(tableFor(virt, 3) + ((virt >>> 21) & 511) * 8, phys | P | RW | PSE);
        return this;
    }

    public PageTableBuilder map1g(long virt, long phys) {
        mem.put64(tableFor(virt, 4) + ((virt >>> 30) & 511) * 8, phys | P | RW | PSE);
        return this;
    }

    /** Physical address of the PTE table that maps {@code virt} (to corrupt or exclude it in tests). */
    public long pteTable(long virt) {
        return tableFor(virt, 2);
    }
}
