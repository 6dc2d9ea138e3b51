package io.kdx.analyzer.kernel;

import static org.junit.jupiter.api.Assertions.*;

import io.kdx.dump.PageState;
import org.junit.jupiter.api.Test;

class TranslationTest {
    static final long VMALLOC = 0xffff_c900_0000_0000L;

    @Test
    void fourKiBTwoMiBAndOneGiBPagesTranslate() throws Exception {
        SyntheticKernel s = new SyntheticKernel();
        long a = s.mem.alloc(), b = s.mem.alloc();
        s.pt.map4k(VMALLOC, a).map4k(VMALLOC + 0x1000, b);
        long big = s.mem.allocAligned(512, 1 << 21);
        s.pt.map2m(VMALLOC + (1L << 30), big);
        try (Kernel k = s.open()) {
            assertEquals(a + 0x123, k.translate(VMALLOC + 0x123));
            assertEquals(b + 0xfff, k.translate(VMALLOC + 0x1fff));
            assertEquals(big + 0x1_2345, k.translate(VMALLOC + (1L << 30) + 0x1_2345));
            assertEquals(0x3456_789aL, k.translate(SyntheticKernel.DIRECT_MAP + 0x3456_789aL)); // 1 GiB page
            assertEquals(0x1_5000L, k.translate(SyntheticKernel.START_KERNEL_MAP + 0x1_5000L)); // 2 MiB image page
            assertEquals(-1, k.translate(VMALLOC + 0x2000));
            assertEquals(-1, k.translate(0x0000_9000_0000_0000L)); // not canonical
        }
    }

    @Test
    void fiveLevelTablesTranslate() throws Exception {
        SyntheticKernel s = new SyntheticKernel(true);
        long a = s.mem.alloc();
        long va = 0xff11_0000_1234_5000L; // a 5-level direct-map style address
        s.pt.map4k(va, a);
        s.mem.put64(a + 8, 0x1122334455667788L);
        try (Kernel k = s.open()) {
            assertEquals(a + 8, k.translate(va + 8));
            assertEquals(0x1122334455667788L, k.readU64(va + 8));
        }
    }

    @Test
    void readsCrossPagesThatAreNotPhysicallyContiguous() throws Exception {
        SyntheticKernel s = new SyntheticKernel();
        long a = s.mem.alloc();
        s.mem.alloc();
        long b = s.mem.alloc();
        s.pt.map4k(VMALLOC, b).map4k(VMALLOC + 0x1000, a); // reversed on purpose
        s.mem.put32(b + 0xffc, 0x44332211);
        s.mem.put32(a, 0x88776655);
        try (Kernel k = s.open()) {
            assertEquals(0x8877665544332211L, k.readU64(VMALLOC + 0xffc));
            assertEquals(0x66554433, k.readU32(VMALLOC + 0xffe));
            byte[] buf = new byte[8];
            k.read(VMALLOC + 0xffc, buf, 0, 8);
            assertArrayEquals(new byte[] {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88}, buf);
            s.mem.putBytes(b + 0xffe, new byte[] {'a', 'b'});
            s.mem.putBytes(a, new byte[] {'c', 0});
        }
        try (Kernel k = s.open()) {
            assertEquals("abc", k.readCString(VMALLOC + 0xffe, 16));
        }
    }

    @Test
    void unreadableAddressesSayWhyAndName() throws Exception {
        SyntheticKernel s = new SyntheticKernel();
        long a = s.mem.alloc();
        s.pt.map4k(VMALLOC, a);
        s.mem.exclude(a);
        long far = 0x7fff_f000L; // beyond the 128 MiB the dump describes
        s.pt.map4k(VMALLOC + 0x1000, far);
        long other = VMALLOC + (2L << 30);
        s.pt.map4k(other, s.mem.alloc());
        s.mem.exclude(s.pt.pteTable(other));
        try (Kernel k = s.open()) {
            MemoryFault f = assertThrows(MemoryFault.class, () -> k.readU64(VMALLOC + 8));
            assertEquals(PageState.EXCLUDED, f.state());
            assertEquals(VMALLOC + 8, f.address());
            assertTrue(f.getMessage().contains(String.format("%016x", VMALLOC + 8)), f.getMessage());
            assertTrue(f.getMessage().contains("filtered"), f.getMessage());
            f = assertThrows(MemoryFault.class, () -> k.readU8(VMALLOC + 0x1000));
            assertEquals(PageState.NOT_IN_DUMP, f.state());
            f = assertThrows(MemoryFault.class, () -> k.readU32(VMALLOC + 0x5000));
            assertNull(f.state());
            assertTrue(f.getMessage().contains("not mapped"), f.getMessage());
            f = assertThrows(MemoryFault.class, () -> k.readU64(other));
            assertTrue(f.getMessage().contains("page-table page"), f.getMessage());
            assertFalse(k.isReadable(other));
        }
    }

    @Test
    void aTablePointingOutsideMemoryIsAFaultNotACrash() throws Exception {
        SyntheticKernel s = new SyntheticKernel();
        long va = VMALLOC + (5L << 30);
        s.pt.map4k(va, s.mem.alloc());
        long pmdTable = tableOf(s, va); // corrupt the PMD entry: its PTE table now lies at 256 GiB, beyond memory
        s.mem.put64(pmdTable + ((va >>> 21) & 511) * 8, 0x40_0000_0000L | 3);
        try (Kernel k = s.open()) {
            MemoryFault f = assertThrows(MemoryFault.class, () -> k.readU64(va));
            assertTrue(f.getMessage().contains("page-table page"), f.getMessage());
            assertEquals(-1, k.translate(va));
        }
    }

    /** Physical address of the PMD table that maps {@code va} (walking the builder's own tables). */
    private static long tableOf(SyntheticKernel s, long va) {
        long t = s.pt.root;
        for (int shift : new int[] {39, 30}) {
            long e = s.pt.get(t + ((va >>> shift) & 511) * 8);
            t = e & 0x000f_ffff_ffff_f000L;
        }
        return t;
    }

    @Test
    void concurrentReadsThroughTinyCachesStayCorrect() throws Exception {
        SyntheticKernel s = new SyntheticKernel();
        int pages = 64;
        for (int i = 0; i < pages; i++) {
            long p = s.mem.alloc();
            s.pt.map4k(VMALLOC + i * 0x1000L, p);
            for (int w = 0; w < 512; w++) s.mem.put64(p + w * 8L, (VMALLOC + i * 0x1000L + w * 8L) ^ 0x5555);
        }
        io.kdx.analyzer.x86_64.X86_64 arch = new io.kdx.analyzer.x86_64.X86_64(16);
        PhysicalMemory mem = new PhysicalMemory(s.mem, 16);
        KernelLayout layout = arch.layout(s.mem, s.syms, mem);
        DumpKernel k = new DumpKernel(s.mem, s.syms, arch, layout, mem);
        k.init();
        java.util.concurrent.atomic.AtomicLong bad = new java.util.concurrent.atomic.AtomicLong();
        Thread[] ts = new Thread[4];
        for (int n = 0; n < ts.length; n++) {
            long seed = n;
            ts[n] = new Thread(() -> {
                java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
                for (int i = 0; i < 100_000; i++) {
                    long a = VMALLOC + r.nextInt(pages) * 0x1000L + r.nextInt(512) * 8L;
                    if (k.readU64(a) != (a ^ 0x5555)) bad.incrementAndGet();
                }
            });
            ts[n].start();
        }
        for (Thread t : ts) t.join();
        assertEquals(0, bad.get());
        assertTrue(mem.cacheMisses() > 1000, "evictions happened: " + mem.cacheMisses());
    }

    @Test
    void cachedAndUncachedTranslationsAgreeAndTheCacheIsUsed() throws Exception {
        SyntheticKernel s = new SyntheticKernel();
        for (int i = 0; i < 64; i++) s.pt.map4k(VMALLOC + i * 0x1000L, s.mem.alloc());
        try (Kernel k = s.open()) {
            DumpKernel dk = (DumpKernel) k;
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 64; i++) {
                    long v = VMALLOC + i * 0x1000L + i;
                    assertEquals(dk.translator().translateUncached(v), dk.translator().translate(v));
                }
            }
            assertTrue(dk.translator().cacheHits() >= 128, "hits " + dk.translator().cacheHits());
        }
    }

    @Test
    void perCpuSymbolsAreNotRelocatedAndPerCpuAddsTheOffset() throws Exception {
        SyntheticKernel s = new SyntheticKernel();
        s.syms.symbol("__per_cpu_start", 0).symbol("__per_cpu_end", 0x30000).symbol("runqueues", 0x2000);
        long pco = s.variable("__per_cpu_offset", 16);
        long nr = s.variable("nr_cpu_ids", 4);
        s.put32(nr, 2);
        s.put64(pco, SyntheticKernel.DIRECT_MAP + 0x100_0000L);
        s.put64(pco + 8, SyntheticKernel.DIRECT_MAP + 0x200_0000L);
        s.mem.vmcoreinfo = s.mem.vmcoreinfo.replace("KERNELOFFSET=0", "KERNELOFFSET=0"); // KASLR 0 here
        try (Kernel k = s.open()) {
            assertEquals(2, k.nrCpus());
            assertEquals(0x2000, k.symbol("runqueues"));
            assertEquals(SyntheticKernel.DIRECT_MAP + 0x200_2000L, k.perCpu(k.symbol("runqueues"), 1));
            assertEquals(pco, k.symbol("__per_cpu_offset"));
        }
    }
}
