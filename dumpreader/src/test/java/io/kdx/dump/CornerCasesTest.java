package io.kdx.dump;

import static org.junit.jupiter.api.Assertions.*;

import io.kdx.dump.testing.Corrupt;
import io.kdx.dump.testing.ElfWriter;
import io.kdx.dump.testing.KdumpWriter;
import io.kdx.dump.testing.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Damaged and unusual dumps: each is read as far as it goes, or refused with a DumpException naming the file. */
class CornerCasesTest {
    @TempDir
    Path dir;

    static Stream<DumpOptions> options() {
        return Stream.of(DumpOptions.defaults(), DumpReaderTest.TINY);
    }

    @ParameterizedTest
    @MethodSource("options")
    void truncatedKdumpLosesTheTailAndSaysSo(DumpOptions o) throws Exception {
        Memory m = Memory.sample();
        Path k = dir.resolve("t.kdump");
        new KdumpWriter().write(m, k);
        long size = Files.size(k);
        Corrupt.truncate(k, size - size / 3);
        try (Dump d = Dump.open(o, k)) {
            assertTrue(d.metadata().truncated());
            MemorySegment buf = Arena.ofAuto().allocate(4096);
            long lost = 0, ok = 0;
            for (long pfn = 0; pfn < m.maxPfn; pfn++) {
                PageState st = d.readPage(pfn, buf);
                if (st == PageState.LOST) lost++;
                if (st.readable()) {
                    ok++;
                    assertArrayEquals(m.page(pfn), buf.toArray(ValueLayout.JAVA_BYTE));
                }
            }
            assertTrue(lost > 0 && ok > 0, lost + " lost, " + ok + " read");
            assertEquals(ok, d.presentPages());
            assertEquals(PageCounts.byState(d), d.pageCounts());
            assertEquals(lost, d.pageCounts().lost());
        }
    }

    @ParameterizedTest
    @MethodSource("options")
    void truncatedElfLosesTheTail(DumpOptions o) throws Exception {
        Memory m = Memory.sample();
        Path e = dir.resolve("t.elf");
        new ElfWriter().write(m, e);
        Corrupt.truncate(e, Files.size(e) - 100 * 4096 - 123);
        try (Dump d = Dump.open(o, e)) {
            assertTrue(d.metadata().truncated());
            MemorySegment buf = Arena.ofAuto().allocate(4096);
            long lost = 0;
            for (long pfn = 0; pfn < m.maxPfn; pfn++) {
                PageState st = d.readPage(pfn, buf);
                if (st == PageState.LOST) lost++;
                else if (st.readable()) assertArrayEquals(m.page(pfn), buf.toArray(ValueLayout.JAVA_BYTE));
            }
            assertTrue(lost >= 100, "lost " + lost);
        }
    }

    @ParameterizedTest
    @MethodSource("options")
    void incompleteFlagAndMissingDescriptors(DumpOptions o) throws Exception {
        Memory m = Memory.sample();
        KdumpWriter w = new KdumpWriter();
        w.incomplete = true;
        w.lostFromDescriptor = 200;
        Path k = dir.resolve("i.kdump");
        w.write(m, k);
        try (Dump d = Dump.open(o, k)) {
            assertTrue(d.metadata().incomplete());
            MemorySegment buf = Arena.ofAuto().allocate(4096);
            long lost = 0;
            for (long pfn = 0; pfn < m.maxPfn; pfn++) {
                PageState st = d.readPage(pfn, buf);
                if (st == PageState.LOST) lost++;
            }
            assertTrue(lost > 100);
            assertEquals(DumpReaderTest.countForEach(d), d.presentPages());
            assertEquals(PageCounts.byState(d), d.pageCounts());
        }
        ElfWriter ew = new ElfWriter();
        ew.incomplete = true;
        Path e = dir.resolve("i.elf");
        ew.write(m, e);
        try (Dump d = Dump.open(o, e)) {
            assertTrue(d.metadata().incomplete());
        }
    }

    @ParameterizedTest
    @MethodSource("options")
    void refusedFiles(DumpOptions o) throws Exception {
        Path text = Files.writeString(dir.resolve("text"), "hello, not a dump".repeat(50));
        assertRefused(o, text, "not a crash dump");
        assertRefused(o, Files.createFile(dir.resolve("empty")), "empty");
        assertRefused(o, dir, "directory");
        assertRefused(o, dir.resolve("missing"), "no such file");
        Path k = dir.resolve("k.kdump");
        new KdumpWriter().write(Memory.sample(), k);
        Path shortK = Files.write(dir.resolve("short.kdump"), java.util.Arrays.copyOf(Files.readAllBytes(k), 300));
        assertRefused(o, shortK, "truncated kdump header");
        Path noBitmap = Files.write(dir.resolve("nobitmap.kdump"), java.util.Arrays.copyOf(Files.readAllBytes(k), 3 * 4096 + 10));
        assertRefused(o, noBitmap, "bitmaps");
        Path badVersion = Files.copy(k, dir.resolve("badver.kdump"));
        Corrupt.putInt(badVersion, 8, 0x7fff0000);
        assertRefused(o, badVersion, "header_version");
        Path e = dir.resolve("e.elf");
        new ElfWriter().write(Memory.sample(), e);
        Path shortE = Files.write(dir.resolve("short.elf"), java.util.Arrays.copyOf(Files.readAllBytes(e), 50));
        assertRefused(o, shortE, "truncated ELF header");
        Path notCore = Files.copy(e, dir.resolve("exec.elf"));
        Corrupt.putShort(notCore, 16, 2);
        assertRefused(o, notCore, "not a core dump");
        Path badPh = Files.copy(e, dir.resolve("badph.elf"));
        Corrupt.putLong(badPh, 32, 1L << 40);
        assertRefused(o, badPh, "program headers");
        Path flat = dir.resolve("x.flat");
        KdumpWriter.flatten(k, flat, 4096, false, 0);
        Path flatShort = Files.write(dir.resolve("short.flat"), java.util.Arrays.copyOf(Files.readAllBytes(flat), 2000));
        assertRefused(o, flatShort, "flattened");
    }

    static void assertRefused(DumpOptions o, Path p, String words) {
        DumpException ex = assertThrows(DumpException.class, () -> Dump.open(o, p).close());
        assertTrue(ex.getMessage().startsWith(p.toString()), ex.getMessage());
        assertTrue(ex.getMessage().contains(words), ex.getMessage());
        assertEquals(p, ex.file());
    }

    @ParameterizedTest
    @MethodSource("options")
    void descriptorPastTheEndIsACorruptPage(DumpOptions o) throws Exception {
        Memory m = Memory.sample();
        Path k = dir.resolve("d.kdump");
        new KdumpWriter().write(m, k);
        long pfn = Corrupt.descriptorOffsetPastEnd(k, 20);
        try (Dump d = Dump.open(o, k)) {
            assertFalse(d.metadata().truncated());
            MemorySegment buf = Arena.ofAuto().allocate(4096);
            Exception ex = assertThrows(Exception.class, () -> d.readPage(pfn, buf));
            assertInstanceOf(DumpException.class, ex);
            assertTrue(ex.getMessage().contains(k.toString()) && ex.getMessage().contains("pfn " + pfn + " "), ex.getMessage());
            assertTrue(ex.getMessage().contains("past the end"), ex.getMessage());
            // the neighbours still read
            assertEquals(PageState.PRESENT, d.readPage(pfn + 1, buf));
        }
    }

    @ParameterizedTest
    @MethodSource("options")
    void pageThatDecompressesToTheWrongSize(DumpOptions o) throws Exception {
        for (int codec : new int[] {KdumpWriter.ZLIB, KdumpWriter.LZO, KdumpWriter.SNAPPY, KdumpWriter.ZSTD}) {
            Memory m = Memory.sample();
            Path k = dir.resolve("w" + codec + ".kdump");
            KdumpWriter w = new KdumpWriter();
            w.compression = codec;
            w.write(m, k);
            for (int len : new int[] {2048, 8192}) {
                long pfn = Corrupt.replacePageData(k, 30, KdumpWriter.compress(codec, new byte[len]), codec);
                try (Dump d = Dump.open(o, k)) {
                    MemorySegment buf = Arena.ofAuto().allocate(4096);
                    Exception ex = assertThrows(Exception.class, () -> d.readPage(pfn, buf));
                    assertInstanceOf(DumpException.class, ex);
                    assertTrue(ex.getMessage().contains("pfn " + pfn + " ") && ex.getMessage().contains("one page"), ex.getMessage());
                }
            }
            // garbage instead of compressed data
            long pfn = Corrupt.replacePageData(k, 31, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}, codec);
            try (Dump d = Dump.open(o, k)) {
                Exception ex = assertThrows(Exception.class, () -> d.readPage(pfn, Arena.ofAuto().allocate(4096)));
                assertInstanceOf(DumpException.class, ex);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("options")
    void hugeSparseMemory(DumpOptions o) throws Exception {
        // ELF: pages near 1 TiB and 64 TiB physical
        Memory m = new Memory(4096, (1L << 34) + 10);
        m.data(5, 3).data(1L << 28, 4).data(1L << 34, 2);
        Path e = dir.resolve("sparse.elf");
        new ElfWriter().write(m, e);
        try (Dump d = Dump.open(o, e)) {
            assertEquals(9, d.presentPages());
            MemorySegment buf = Arena.ofAuto().allocate(4096);
            for (long pfn : m.pages.keySet()) {
                assertEquals(PageState.PRESENT, d.readPage(pfn, buf));
                assertArrayEquals(m.page(pfn), buf.toArray(ValueLayout.JAVA_BYTE));
            }
            assertEquals(PageState.NOT_IN_DUMP, d.pageState((1L << 33)));
            assertEquals(9, DumpReaderTest.countForEach(d));
        }
        // kdump: 256 GiB of pfns (16 MiB of bitmaps), a handful present
        Memory k = new Memory(4096, 1L << 26);
        k.data(0, 2).data((1L << 26) - 3, 3).data(1L << 25, 1);
        k.exclude(1L << 24);
        Path kp = dir.resolve("sparse.kdump");
        new KdumpWriter().write(k, kp);
        // 64-byte chunks of a 16 MiB file would exceed vm.max_map_count: 64 KiB chunks still cross inside the bitmaps
        DumpOptions big = new DumpOptions(Math.max(o.chunkSize(), 1 << 16), o.cachePages());
        try (Dump d = Dump.open(big, kp)) {
            assertEquals(1L << 26, d.maxPfn());
            assertEquals(6, d.presentPages());
            assertEquals(6, DumpReaderTest.countForEach(d));
            MemorySegment buf = Arena.ofAuto().allocate(4096);
            for (long pfn : k.pages.keySet()) {
                assertEquals(PageState.PRESENT, d.readPage(pfn, buf));
                assertArrayEquals(k.page(pfn), buf.toArray(ValueLayout.JAVA_BYTE));
            }
            assertEquals(PageState.EXCLUDED, d.readPage(1L << 24, buf));
            for (long pfn : new long[] {2, 1000, (1L << 25) - 1, (1L << 25) + 1, (1L << 26) - 4}) {
                assertEquals(PageState.NOT_IN_DUMP, d.readPage(pfn, buf), "pfn " + pfn);
            }
            assertEquals(PageState.NOT_IN_DUMP, d.readPage(1L << 26, buf));
        }
    }

    @ParameterizedTest
    @MethodSource("options")
    void concurrentReadersAgree(DumpOptions o) throws Exception {
        Memory m = Memory.sample();
        KdumpWriter w = new KdumpWriter();
        w.compression = KdumpWriter.ZSTD;
        Path k = dir.resolve("c.kdump");
        w.write(m, k);
        try (Dump d = Dump.open(o, k)) {
            Thread[] ts = new Thread[4];
            Throwable[] err = new Throwable[1];
            for (int t = 0; t < ts.length; t++) {
                int seed = t;
                ts[t] = Thread.ofPlatform().start(() -> {
                    try {
                        MemorySegment buf = Arena.ofConfined().allocate(4096);
                        java.util.Random r = new java.util.Random(seed);
                        Long[] pfns = m.pages.keySet().toArray(Long[]::new);
                        for (int i = 0; i < 5000; i++) {
                            long pfn = pfns[r.nextInt(Math.min(pfns.length, 40))]; // a hot set, so the cache hits
                            if (d.readPage(pfn, buf).readable()) assertArrayEquals(m.page(pfn), buf.toArray(ValueLayout.JAVA_BYTE));
                        }
                    } catch (Throwable x) {
                        err[0] = x;
                    }
                });
            }
            for (Thread t : ts) t.join();
            if (err[0] != null) throw new AssertionError(err[0]);
            PageCacheStats s = d.cacheStats();
            assertTrue(s.hits() + s.misses() >= 20000 - 4 * 5000 / 8, s.toString());
            if (s.capacityPages() >= 40) assertTrue(s.hits() > s.misses(), s.toString());
        }
    }
}
