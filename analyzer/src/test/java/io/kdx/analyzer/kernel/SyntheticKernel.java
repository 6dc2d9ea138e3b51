package io.kdx.analyzer.kernel;

import io.kdx.dump.DumpException;
import java.nio.charset.StandardCharsets;

/**
 * A tiny x86_64 kernel in a {@link MemDump}: phys_base 0, the image's first 2 MiB at
 * __START_KERNEL_map with one PMD page, physical memory 1:1 at the direct map (one 1 GiB page),
 * and VMCOREINFO naming KERNELOFFSET, phys_base and init_top_pgt. Objects are allocated in
 * physical memory and addressed through the direct map.
 */
public final class SyntheticKernel {
    public static final long START_KERNEL_MAP = 0xffff_ffff_8000_0000L;
    public static final long DIRECT_MAP = 0xffff_8880_0000_0000L;

    public final MemDump mem = new MemDump(0x8000, 0x200);
    public final FakeSymbols syms = new FakeSymbols();
    public final PageTableBuilder pt;
    private long nextImage = 0x1000; // image variables live in the first 2 MiB
    private long heapPage = -1;
    private int heapUsed;

    public SyntheticKernel() {
        this(false);
    }

    public SyntheticKernel(boolean fiveLevel) {
        pt = new PageTableBuilder(mem, fiveLevel);
        for (long p = 0; p < 0x200; p++) mem.pages.put(p, new byte[MemDump.PAGE]);
        pt.map2m(START_KERNEL_MAP, 0);
        pt.map1g(DIRECT_MAP, 0);
        mem.vmcoreinfo = "OSRELEASE=6.1.0-test\nPAGESIZE=4096\nKERNELOFFSET=0\nNUMBER(phys_base)=0\n"
                + "SYMBOL(init_top_pgt)=" + Long.toHexString(START_KERNEL_MAP + pt.root) + "\n"
                + "NUMBER(pgtable_l5_enabled)=" + (fiveLevel ? 1 : 0) + "\n";
    }

    /** A kernel-image variable of {@code size} bytes, 64-byte aligned; returns its virtual address. */
    public long variable(String name, int size) {
        long phys = nextImage;
        nextImage += (size + 63) & ~63;
        long v = START_KERNEL_MAP + phys;
        syms.symbol(name, v);
        return v;
    }

    /** {@code size} zeroed bytes in the direct map (never crossing a page when size <= 4096). */
    public long object(int size) {
        size = (size + 63) & ~63;
        if (heapPage < 0 || heapUsed + size > MemDump.PAGE) {
            heapPage = size > MemDump.PAGE ? mem.allocAligned((size + 4095) / 4096, 4096) : mem.alloc();
            heapUsed = 0;
        }
        long phys = heapPage + heapUsed;
        heapUsed += size;
        if (heapUsed >= MemDump.PAGE) heapPage = -1;
        return DIRECT_MAP + phys;
    }

    public long phys(long virt) {
        if (Long.compareUnsigned(virt, START_KERNEL_MAP) >= 0) return virt - START_KERNEL_MAP;
        return virt - DIRECT_MAP;
    }

    public void put64(long virt, long v) {
        mem.put64(phys(virt), v);
    }

    public void put32(long virt, int v) {
        mem.put32(phys(virt), v);
    }

    public void putString(long virt, String s) {
        mem.putBytes(phys(virt), (s + "\0").getBytes(StandardCharsets.UTF_8));
    }

    public Kernel open() throws DumpException {
        return Kernels.open(mem, syms);
    }
}
