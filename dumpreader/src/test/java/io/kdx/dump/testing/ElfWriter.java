package io.kdx.dump.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link Memory} as an ELF64 x86_64 vmcore: one PT_NOTE, then one PT_LOAD per run of
 * consecutive pfns (excluded pages become holes between segments; zero pages at the end of a run are
 * left out of the file, p_filesz < p_memsz). Options reproduce QEMU 7.2's layout (two section headers
 * at 64, program headers at e_phoff = 192, e_ehsize = 8), the incomplete flag, an extra overlapping
 * segment, and a kernel-text style segment with a virtual address.
 */
public final class ElfWriter {
    public boolean qemuLayout;
    public boolean qemuNotes;
    public boolean incomplete;
    /** Adds a segment duplicating these pfns [first, first+count) after the others (same bytes). */
    public long overlapFirst = -1, overlapCount;
    /** Trailing zero pages of a run go into p_memsz only. */
    public boolean trimZeroTails = true;
    public boolean paddrEqualsVaddr = true;

    public void write(Memory m, Path path) throws IOException {
        int ps = m.pageSize;
        List<long[]> runs = new ArrayList<>(); // {firstPfn, count}
        long first = -1, prev = -2;
        for (long pfn : m.pages.keySet()) {
            if (pfn != prev + 1) {
                if (first >= 0) runs.add(new long[] {first, prev - first + 1});
                first = pfn;
            }
            prev = pfn;
        }
        if (first >= 0) runs.add(new long[] {first, prev - first + 1});
        if (overlapFirst >= 0) runs.add(new long[] {overlapFirst, overlapCount});
        byte[] notes = Notes.build(m, qemuNotes);
        int nph = 1 + runs.size();
        long phoff = qemuLayout ? 192 : 64;
        long noteOff = phoff + 56L * nph;
        long dataOff = (noteOff + notes.length + ps - 1) / ps * ps;
        try (Out o = new Out(path)) {
            byte[] ident = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
            o.put(0, ident);
            o.putShort(16, 4); // ET_CORE
            o.putShort(18, 62); // EM_X86_64
            o.putInt(20, 1);
            o.putLong(32, phoff);
            o.putInt(48, incomplete ? 1 : 0);
            o.putShort(52, qemuLayout ? 8 : 64);
            o.putShort(54, 56);
            o.putShort(56, nph);
            if (qemuLayout) {
                o.putLong(40, 64); // e_shoff: two section headers in 64..192
                o.putShort(58, 64);
                o.putShort(60, 2);
            }
            long ph = phoff;
            o.putInt(ph, 4); // PT_NOTE
            o.putLong(ph + 8, noteOff);
            o.putLong(ph + 32, notes.length);
            o.putLong(ph + 40, notes.length);
            o.put(noteOff, notes);
            long off = dataOff;
            for (long[] r : runs) {
                ph += 56;
                long count = r[1], filePages = count;
                if (trimZeroTails) {
                    while (filePages > 0 && Memory.isZero(page(m, r[0] + filePages - 1))) filePages--;
                }
                long paddr = r[0] * ps;
                o.putInt(ph, 1); // PT_LOAD
                o.putInt(ph + 4, 7);
                o.putLong(ph + 8, off);
                o.putLong(ph + 16, paddrEqualsVaddr ? paddr : 0xffff888000000000L + paddr);
                o.putLong(ph + 24, paddr);
                o.putLong(ph + 32, filePages * ps);
                o.putLong(ph + 40, count * ps);
                o.putLong(ph + 48, 0);
                for (long i = 0; i < filePages; i++) o.put(off + i * ps, page(m, r[0] + i));
                off += filePages * ps;
            }
        }
    }

    private static byte[] page(Memory m, long pfn) {
        byte[] b = m.page(pfn);
        return b != null ? b : new byte[m.pageSize];
    }
}
