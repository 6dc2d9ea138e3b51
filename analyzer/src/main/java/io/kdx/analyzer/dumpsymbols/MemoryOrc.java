package io.kdx.analyzer.dumpsymbols;

import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.symbols.OrcRow;
import io.kdx.symbols.OrcTable;
import io.kdx.symbols.orc.OrcReader;

/**
 * The kernel's ORC table searched where it lies, in the dump: .orc_unwind_ip (s32 entries, each
 * relative to its own address, sorted at build time by scripts/sorttable) and .orc_unwind (6-byte
 * struct orc_entry), decoded by {@link OrcReader#decode}. Nothing is copied: a lookup binary-searches
 * the ip table through the page cache (about 20 reads, mostly of pages a previous lookup touched),
 * so a dump whose stacks are never unwound never decompresses the 4-5 MB of tables.
 */
final class MemoryOrc implements OrcTable {
    private final ImageMemory img;
    private final long ipTable, rowTable, kaslr;
    private final int n, layout;
    private final long[] text; // link-time (start, end) pairs

    MemoryOrc(ImageMemory img, long ipTable, long rowTable, int n, long kaslr, int layout, long[] text) {
        this.img = img;
        this.ipTable = ipTable;
        this.rowTable = rowTable;
        this.n = n;
        this.kaslr = kaslr;
        this.layout = layout;
        this.text = text;
    }

    /** Link-time address row {@code i} starts at. */
    long ipAt(int i) {
        long at = ipTable + 4L * i;
        return at + img.u32(at) - kaslr;
    }

    @Override
    public boolean find(long ip, OrcRow out) {
        if (!inText(ip)) return false;
        try {
            int lo = 0, hi = n - 1, found = -1;
            while (lo <= hi) { // the greatest entry <= ip, as the kernel's __orc_find does
                int mid = (lo + hi) >>> 1;
                if (Long.compareUnsigned(ipAt(mid), ip) <= 0) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            if (found < 0) return false;
            long e = rowTable + 6L * found;
            long w = img.u32(e) & 0xffff_ffffL;
            out.spOffset = (short) w;
            out.bpOffset = (short) (w >>> 16);
            OrcReader.decode(img.u16(e + 4), layout, out);
            return true;
        } catch (MemoryFault f) {
            return false; // an ORC page filtered out of the dump: the unwinder falls back as for a module without ORC
        }
    }

    private boolean inText(long ip) {
        for (int i = 0; i + 1 < text.length; i += 2) {
            if (text[i] != 0 && Long.compareUnsigned(ip, text[i]) >= 0 && Long.compareUnsigned(ip, text[i + 1]) < 0) return true;
        }
        return false;
    }

    @Override
    public int size() {
        return n;
    }
}
