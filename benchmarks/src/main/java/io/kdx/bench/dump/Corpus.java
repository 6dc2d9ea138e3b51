package io.kdx.bench.dump;

import io.kdx.dump.Dump;
import io.kdx.dump.testing.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Pages to compress and decompress: real kernel memory from the frozen-audit fixture's QEMU ELF dump when
 * it is there (its non-zero pages, the mix a dump reader meets), otherwise synthetic pages.
 */
final class Corpus {
    static final int PAGE = 4096;

    static Path realElf() {
        Path p = Paths.get(System.getProperty("user.home"), ".cache/kdx/fixtures/6.1.0-57-cloud-amd64/frozen-audit/dumps/qemu.elf");
        return Files.isRegularFile(p) ? p : null;
    }

    /** {@code n} non-zero pages. */
    static byte[][] pages(int n) throws Exception {
        byte[][] out = new byte[n][];
        Path elf = realElf();
        int k = 0;
        if (elf != null) {
            try (Dump d = Dump.open(elf)) {
                MemorySegment buf = Arena.ofAuto().allocate(PAGE);
                // spread over the whole memory: kernel text, data, page cache, user pages
                long step = Math.max(1, d.maxPfn() / (4L * n));
                for (long pfn = 0; pfn < d.maxPfn() && k < n; pfn += step) {
                    if (!d.readPage(pfn, buf).readable()) continue;
                    byte[] b = buf.toArray(ValueLayout.JAVA_BYTE);
                    if (!Memory.isZero(b)) out[k++] = b;
                }
            }
        }
        for (long pfn = 0; k < n; pfn++) out[k++] = Memory.pattern(pfn, PAGE);
        return out;
    }

    /** A Memory of {@code n} pages with the corpus's contents (and every 16th page zero). */
    static Memory memory(int n) throws Exception {
        byte[][] p = pages(n);
        Memory m = new Memory(PAGE, n);
        for (int i = 0; i < n; i++) m.pages.put((long) i, i % 16 == 15 ? new byte[PAGE] : p[i]);
        return m;
    }
}
