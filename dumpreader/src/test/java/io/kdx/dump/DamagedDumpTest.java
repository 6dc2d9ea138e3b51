package io.kdx.dump;

import static org.junit.jupiter.api.Assertions.*;

import io.kdx.dump.testing.Corrupt;
import io.kdx.dump.testing.ElfWriter;
import io.kdx.dump.testing.Memory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #12's hangs: what a damaged dump costs must follow what it holds, and non-files are refused at once. */
class DamagedDumpTest {
    @TempDir
    Path dir;

    /** The second program header (the first PT_LOAD) moved to p_paddr 0xfffffffff000: 2^36 pfns named, a few held. */
    @Test
    void elfSegmentFarUpIsCountedFromTheRunsNotPfnByPfn() throws Exception {
        Memory m = Memory.sample();
        Path e = dir.resolve("far.elf");
        new ElfWriter().write(m, e);
        Corrupt.putLong(e, 64 + 56 + 24, 0xfffffffff000L);
        try (Dump d = Dump.open(e)) {
            assertTrue(d.maxPfn() > 1L << 35, "maxPfn " + d.maxPfn());
            PageCounts pc = assertTimeoutPreemptively(Duration.ofSeconds(5), d::pageCounts);
            assertEquals(d.presentPages(), pc.readable());
            assertEquals(d.maxPfn(), pc.present() + pc.zero() + pc.lost() + pc.notInDump());
            assertEquals(PageState.PRESENT, d.pageState(0xfffffffff000L >>> 12));
        }
    }

    /** The arithmetic count equals the pfn-by-pfn one on small ELF dumps with zero tails, truncation and unaligned runs. */
    @Test
    void elfCountsEqualThePfnByPfnCount() throws Exception {
        Memory m = Memory.sample();
        for (int variant = 0; variant < 4; variant++) {
            Path e = dir.resolve("v" + variant + ".elf");
            ElfWriter w = new ElfWriter();
            w.trimZeroTails = variant != 1;
            w.write(m, e);
            if (variant == 2) Corrupt.truncate(e, Files.size(e) - 37 * 4096 - 123);
            if (variant == 3) Corrupt.putLong(e, 64 + 56 + 24, 0x800L); // a run starting mid-page
            try (Dump d = Dump.open(e)) {
                assertEquals(PageCounts.byState(d), d.pageCounts(), "variant " + variant);
            }
        }
    }

    @Test
    void fifoIsRefusedAtOnceInOneLine() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, p.waitFor());
        DumpException ex = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(DumpException.class, () -> Dump.open(fifo)));
        assertTrue(ex.getMessage().startsWith(fifo.toString()) && ex.getMessage().contains("not a regular file"), ex.getMessage());
        assertFalse(ex.getMessage().contains("\n"));
    }
}
