package io.kdx.dump;

import static org.junit.jupiter.api.Assertions.*;

import io.kdx.dump.testing.ElfWriter;
import io.kdx.dump.testing.KdumpWriter;
import io.kdx.dump.testing.Memory;
import io.kdx.dump.testing.Notes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every format and compression written from one {@link Memory} description and read back pfn by pfn,
 * with the default options and again with 64-byte chunks and a one-page cache so that every chunk
 * boundary and cache eviction path runs.
 */
class DumpReaderTest {
    @TempDir
    Path dir;

    static final DumpOptions TINY = new DumpOptions(64, 1);

    static Stream<DumpOptions> options() {
        return Stream.of(DumpOptions.defaults(), TINY);
    }

    static Stream<Arguments> kdumpVariants() {
        List<Arguments> a = new ArrayList<>();
        for (DumpOptions o : List.of(DumpOptions.defaults(), TINY)) {
            for (int c : new int[] {KdumpWriter.ZLIB, KdumpWriter.LZO, KdumpWriter.SNAPPY, KdumpWriter.ZSTD, KdumpWriter.NONE}) {
                for (int v : new int[] {1, 2, 3, 4, 5, 6}) a.add(Arguments.of(o, c, v, 31));
            }
            a.add(Arguments.of(o, KdumpWriter.ZLIB, 6, 1));
            a.add(Arguments.of(o, KdumpWriter.ZLIB, 6, 0));
        }
        return a.stream();
    }

    @ParameterizedTest
    @MethodSource("kdumpVariants")
    void kdumpReadsEveryPfn(DumpOptions o, int codec, int version, int level) throws Exception {
        Memory m = Memory.sample();
        KdumpWriter w = new KdumpWriter();
        w.compression = codec;
        w.headerVersion = version;
        w.dumpLevel = level;
        Path p = dir.resolve("d.kdump");
        w.write(m, p);
        try (Dump d = Dump.open(o, p)) {
            DumpMetadata md = d.metadata();
            assertEquals("kdump", md.format());
            assertEquals(codec == 0 ? "none" : codec == 1 ? "zlib" : codec == 2 ? "lzo" : codec == 4 ? "snappy" : "zstd", md.compression());
            assertEquals(version, md.headerVersion());
            assertEquals(level, md.dumpLevel());
            assertEquals("6.1.0-test", md.release());
            assertEquals("testhost", md.nodename());
            assertEquals(1_700_000_000L, md.timestampSeconds());
            assertFalse(md.incomplete());
            assertFalse(md.truncated());
            assertEquals(m.maxPfn, d.maxPfn());
            if (version >= 3) assertEquals("6.1.0-test", d.vmcoreinfo().osRelease());
            if (version >= 4) checkNotes(d, m, false);
            checkAll(d, m, false, true);
        }
    }

    @ParameterizedTest
    @MethodSource("options")
    void nonCyclicZeroExclusionClearsTheBitmap(DumpOptions o) throws Exception {
        Memory m = Memory.sample();
        KdumpWriter w = new KdumpWriter();
        w.dumpLevel = 1;
        w.zeroPagesInBitmap = false;
        Path p = dir.resolve("nc.kdump");
        w.write(m, p);
        try (Dump d = Dump.open(o, p)) {
            checkAll(d, m, true, true);
        }
    }

    @ParameterizedTest
    @MethodSource("options")
    void elfReadsEveryPfn(DumpOptions o) throws Exception {
        Memory m = Memory.sample();
        Path p = dir.resolve("vmcore");
        new ElfWriter().write(m, p);
        try (Dump d = Dump.open(o, p)) {
            assertEquals("elf", d.metadata().format());
            assertEquals("x86_64", d.metadata().machine());
            assertEquals("6.1.0-test", d.metadata().release());
            assertEquals(2, d.metadata().nrCpus());
            assertFalse(d.metadata().incomplete());
            checkNotes(d, m, false);
            checkAll(d, m, false, false);
        }
    }

    @ParameterizedTest
    @MethodSource("options")
    void qemuElfLayoutAndNotes(DumpOptions o) throws Exception {
        Memory m = Memory.sample();
        m.vmcoreinfo = null; // a guest without -device vmcoreinfo
        ElfWriter w = new ElfWriter();
        w.qemuLayout = true;
        w.qemuNotes = true;
        Path p = dir.resolve("qemu.elf");
        w.write(m, p);
        try (Dump d = Dump.open(o, p)) {
            assertEquals("qemu", d.metadata().producer());
            assertTrue(d.vmcoreinfo().isEmpty());
            checkNotes(d, m, true);
            checkAll(d, m, false, false);
        }
    }

    @ParameterizedTest
    @MethodSource("options")
    void elfOverlappingSegmentsAndVirtualAddresses(DumpOptions o) throws Exception {
        Memory m = Memory.sample();
        ElfWriter w = new ElfWriter();
        w.overlapFirst = 100;
        w.overlapCount = 80; // crosses the hole at 160..255
        w.paddrEqualsVaddr = false;
        Path p = dir.resolve("overlap.elf");
        w.write(m, p);
        try (Dump d = Dump.open(o, p)) {
            // the overlapping segment also describes pfns 160..179, which the memory lacks: they read as the segment says
            for (long pfn = 0; pfn < m.maxPfn; pfn++) {
                byte[] want = m.page(pfn);
                MemorySegment buf = Arena.ofAuto().allocate(4096);
                PageState st = d.readPage(pfn, buf);
                if (want != null) assertArrayEquals(want, buf.toArray(ValueLayout.JAVA_BYTE), "pfn " + pfn);
                else if (pfn >= 160 && pfn < 180) assertTrue(st.readable());
                else assertEquals(PageState.NOT_IN_DUMP, st, "pfn " + pfn);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("options")
    void flattenedInOrderAndShuffled(DumpOptions o) throws Exception {
        Memory m = Memory.sample();
        for (int codec : new int[] {KdumpWriter.ZLIB, KdumpWriter.LZO}) {
            KdumpWriter w = new KdumpWriter();
            w.compression = codec;
            Path k = dir.resolve("f.kdump");
            w.write(m, k);
            for (boolean shuffle : new boolean[] {false, true}) {
                Path f = dir.resolve("f.flat");
                KdumpWriter.flatten(k, f, shuffle ? 1000 : 65536, shuffle, 7);
                try (Dump d = Dump.open(o, f)) {
                    assertEquals("kdump-flattened", d.metadata().format());
                    assertFalse(d.metadata().truncated());
                    checkNotes(d, m, false);
                    checkAll(d, m, false, true);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("options")
    void qemuCompressedKdumpFlattened(DumpOptions o) throws Exception {
        Memory m = Memory.sample();
        KdumpWriter w = new KdumpWriter();
        w.qemuStyle = true;
        w.dumpLevel = 1;
        Path k = dir.resolve("q.kdump");
        w.write(m, k);
        Path f = dir.resolve("q.flat");
        KdumpWriter.flatten(k, f, 4096, false, 0);
        try (Dump d = Dump.open(o, f)) {
            DumpMetadata md = d.metadata();
            assertEquals("qemu", md.producer());
            assertEquals("x86_64", md.machine());
            assertNull(md.nodename());
            assertEquals("6.1.0-test", md.release()); // from VMCOREINFO when the header lacks it
            assertEquals(2, d.qemuCpuStates().size());
            checkAll(d, m, false, true);
        }
    }

    @ParameterizedTest
    @MethodSource("options")
    void splitDumpOpensAsOne(DumpOptions o) throws Exception {
        Memory m = Memory.sample();
        KdumpWriter w = new KdumpWriter();
        List<Path> parts = w.writeSplit(m, dir, "split", 3);
        try (Dump d = Dump.open(o, parts.toArray(Path[]::new))) {
            assertEquals("kdump-split", d.metadata().format());
            assertEquals(3, d.metadata().files().size());
            assertFalse(d.metadata().truncated());
            checkAll(d, m, false, true);
        }
        // one part missing: its pages are lost, the rest reads
        try (Dump d = Dump.open(o, parts.get(0), parts.get(2))) {
            assertTrue(d.metadata().truncated());
            long lost = 0;
            for (long pfn = 0; pfn < m.maxPfn; pfn++) if (d.pageState(pfn) == PageState.LOST) lost++;
            assertTrue(lost > 0);
            assertEquals(PageCounts.byState(d), d.pageCounts());
            assertEquals(d.presentPages(), countForEach(d));
        }
    }

    /** Reads every pfn and checks state and bytes against the description. */
    static void checkAll(Dump d, Memory m, boolean zeroExcluded, boolean kdump) {
        MemorySegment buf = Arena.ofAuto().allocate(m.pageSize);
        long present = 0;
        for (long pfn = 0; pfn < m.maxPfn + 5; pfn++) {
            byte[] want = m.page(pfn);
            buf.fill((byte) 0x77);
            PageState st = d.readPage(pfn, buf);
            assertEquals(st, d.pageState(pfn), "pfn " + pfn);
            if (want != null && !(zeroExcluded && Memory.isZero(want) && kdump)) {
                assertTrue(st.readable(), "pfn " + pfn + " is " + st);
                assertArrayEquals(want, buf.toArray(ValueLayout.JAVA_BYTE), "pfn " + pfn);
                if (!Memory.isZero(want)) assertEquals(PageState.PRESENT, st);
                present++;
            } else if (want != null || (kdump && m.excluded.contains(pfn))) {
                assertEquals(PageState.EXCLUDED, st, "pfn " + pfn);
                assertEquals((byte) 0x77, buf.get(ValueLayout.JAVA_BYTE, 0), "an unreadable page leaves dst untouched");
            } else {
                assertEquals(PageState.NOT_IN_DUMP, st, "pfn " + pfn);
            }
        }
        assertEquals(present, d.presentPages());
        assertEquals(present, countForEach(d));
        assertEquals(PageCounts.byState(d), d.pageCounts());
    }

    static long countForEach(Dump d) {
        long[] n = {0};
        long[] last = {-1};
        d.forEachPresentPfn(p -> {
            assertTrue(p > last[0], "ascending");
            assertTrue(d.pageState(p).readable());
            last[0] = p;
            n[0]++;
        });
        return n[0];
    }

    static void checkNotes(Dump d, Memory m, boolean qemu) {
        assertEquals(m.cpus, d.prstatus().size());
        for (int cpu = 0; cpu < m.cpus; cpu++) {
            PrStatus s = d.prstatus().get(cpu);
            assertEquals(cpu, s.cpu());
            assertEquals(1000 + cpu, s.pid());
            assertEquals(27, s.registers().length);
            for (int i = 0; i < 27; i++) assertEquals(Notes.reg(cpu, i), s.registers()[i]);
        }
        assertEquals(qemu ? m.cpus : 0, d.qemuCpuStates().size());
        if (qemu) {
            QemuCpuState q = d.qemuCpuStates().get(1);
            assertEquals(Notes.reg(1, 116), q.rip());
            assertEquals(Notes.reg(1, 303), q.cr3());
            assertEquals(Notes.reg(1, 204), q.gsBase());
            assertEquals(Notes.reg(1, 400), q.kernelGsBase());
        }
    }
}
