package io.kdx.dump;

import static org.junit.jupiter.api.Assertions.*;

import io.kdx.dump.testing.ElfWriter;
import io.kdx.dump.testing.KdumpWriter;
import io.kdx.dump.testing.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random damage to the headers, bitmaps and descriptors of small dumps: opening either succeeds or throws
 * a DumpException, and reading every pfn afterwards only ever throws a DumpException (never an index
 * fault, a negative size, or a hang).
 */
class FuzzTest {
    @TempDir
    Path dir;

    @Test
    void randomDamageNeverEscapesAsAnythingButDumpException() throws Exception {
        Memory m = new Memory(4096, 96);
        m.data(0, 40).data(50, 30).zero(5, 60);
        m.exclude(45, 46);
        Path k = dir.resolve("k.kdump");
        new KdumpWriter().write(m, k);
        Path e = dir.resolve("e.elf");
        new ElfWriter().write(m, e);
        Path f = dir.resolve("f.flat");
        KdumpWriter.flatten(k, f, 2048, false, 0);
        Random r = new Random(2026);
        int opened = 0, refused = 0, corruptPages = 0;
        for (Path src : new Path[] {k, e, f}) {
            byte[] orig = Files.readAllBytes(src);
            // where the structure lives: the first pages (headers, notes, bitmaps, descriptors)
            int span = Math.min(orig.length, src == f ? 5 * 4096 + 4096 : 5 * 4096);
            for (int round = 0; round < 150; round++) {
                byte[] b = orig.clone();
                int flips = 1 + r.nextInt(8);
                for (int i = 0; i < flips; i++) {
                    int at = r.nextInt(span);
                    switch (r.nextInt(3)) {
                        case 0 -> b[at] ^= (byte) (1 << r.nextInt(8));
                        case 1 -> b[at] = (byte) r.nextInt(256);
                        default -> { for (int j = at; j < Math.min(b.length, at + 8); j++) b[j] = (byte) 0xff; }
                    }
                }
                Path p = dir.resolve("fuzz");
                Files.write(p, b);
                Dump d;
                try {
                    d = Dump.open(DumpOptions.defaults(), p);
                } catch (DumpException ex) {
                    refused++;
                    assertTrue(ex.getMessage().startsWith(p.toString()), ex.getMessage());
                    continue;
                }
                opened++;
                try (d) {
                    MemorySegment buf = Arena.ofAuto().allocate(Math.max(4096, d.pageSize()));
                    long limit = Math.min(d.maxPfn(), 4096);
                    for (long pfn = 0; pfn < limit; pfn++) {
                        try {
                            d.pageState(pfn);
                            d.readPage(pfn, buf.asSlice(0, d.pageSize()));
                        } catch (Exception ex) {
                            assertInstanceOf(DumpException.class, ex, "round " + round + " of " + src.getFileName() + ", pfn " + pfn);
                            corruptPages++;
                        }
                    }
                    d.metadata();
                    d.prstatus();
                    d.vmcoreinfo();
                    d.presentPages();
                }
            }
        }
        assertTrue(opened > 0 && refused > 0, opened + " opened, " + refused + " refused, " + corruptPages + " corrupt pages");
    }
}
