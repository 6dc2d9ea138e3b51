package io.kdx.symbols.orc;

import io.kdx.symbols.OrcRow;
import io.kdx.symbols.OrcTable;
import io.kdx.symbols.elf.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * ORC rows in kdx's one normalised form, over primitive segments shared by the vmlinux and the pack:
 * ips as u32 offsets from {@code base} (sorted), rows of 8 bytes {s16 sp_offset; s16 bp_offset;
 * u8 sp_reg; u8 bp_reg; u8 type (OrcRow.TYPE_*); u8 flags (1 = signal)}, and the kernel's
 * executable ranges as u64 pairs (an ip outside them has no row).
 */
public final class OrcIndex implements OrcTable {
    public static final int ROW_BYTES = 8;

    private final long base;
    private final int n;
    private final MemorySegment ips;
    private final MemorySegment rows;
    private final MemorySegment textRanges;

    public OrcIndex(long base, int n, MemorySegment ips, MemorySegment rows, MemorySegment textRanges) {
        this.base = base;
        this.n = n;
        this.ips = ips;
        this.rows = rows;
        this.textRanges = textRanges;
    }

    public long base() { return base; }
    public MemorySegment ips() { return ips; }
    public MemorySegment rows() { return rows; }
    public MemorySegment textRanges() { return textRanges; }

    @Override
    public int size() {
        return n;
    }

    /** Link-time address of row {@code i}'s first instruction. */
    public long ipAt(int i) {
        return base + Bytes.u32(ips, (long) i * 4);
    }

    @Override
    public boolean find(long ip, OrcRow out) {
        if (!inText(ip) || n == 0) return false;
        long rel = ip - base;
        if (rel < 0 || rel > 0xffffffffL) return false;
        int lo = 0, hi = n - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Bytes.u32(ips, (long) mid * 4) <= rel) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0) return false;
        long r = (long) found * ROW_BYTES;
        out.spOffset = rows.get(Bytes.U16, r);
        out.bpOffset = rows.get(Bytes.U16, r + 2);
        out.spReg = Bytes.u8(rows, r + 4);
        out.bpReg = Bytes.u8(rows, r + 5);
        out.type = Bytes.u8(rows, r + 6);
        out.signal = (Bytes.u8(rows, r + 7) & 1) != 0;
        return true;
    }

    private boolean inText(long ip) {
        long k = textRanges.byteSize() / 16;
        for (long i = 0; i < k; i++) {
            long s = Bytes.u64(textRanges, i * 16), e = Bytes.u64(textRanges, i * 16 + 8);
            if (Long.compareUnsigned(ip, s) >= 0 && Long.compareUnsigned(ip, e) < 0) return true;
        }
        return false;
    }
}
