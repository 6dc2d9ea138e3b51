package io.kdx.symbols.orc;

import io.kdx.symbols.OrcRow;
import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.elf.Bytes;
import io.kdx.symbols.elf.ElfFile;
import io.kdx.symbols.elf.ElfSection;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads .orc_unwind_ip (s32 entries, each relative to its own address) and .orc_unwind (6-byte
 * struct orc_entry {s16 sp_offset; s16 bp_offset; then 16 bits of bit fields}) from a vmlinux and
 * normalises the rows. The bit fields (arch/x86/include/asm/orc_types.h, little-endian) changed twice:
 * <ul>
 * <li>before 6.3: sp_reg:4, bp_reg:4, type:2 (CALL 0, REGS 1, REGS_PARTIAL 2), end:1;</li>
 * <li>6.3 (commit ffb1b4a41016 added signal): sp_reg:4, bp_reg:4, type:2, signal:1, end:1;</li>
 * <li>6.4 and later (commit fb799447ae29 split UNWIND_HINT_EMPTY): sp_reg:4, bp_reg:4, type:3
 * (UNDEFINED 0, END_OF_STACK 1, CALL 2, REGS 3, REGS_PARTIAL 4), signal:1.</li>
 * </ul>
 * Before 6.4 an entry with sp_reg UNDEFINED and no end bit means "no unwind information" (UNDEFINED),
 * and end means END_OF_STACK; before 6.3 REGS and REGS_PARTIAL frames are signal frames.
 * .orc_lookup is filled at boot (NOBITS in the vmlinux); a binary search over the ips replaces it.
 */
public final class OrcReader {
    private OrcReader() {}

    /** Layout generations, chosen from the kernel release. */
    public static final int LAYOUT_PRE_6_3 = 0, LAYOUT_6_3 = 1, LAYOUT_6_4 = 2;

    public static int layoutFor(String release) {
        int[] v = version(release);
        if (v[0] > 6 || (v[0] == 6 && v[1] >= 4)) return LAYOUT_6_4;
        if (v[0] == 6 && v[1] == 3) return LAYOUT_6_3;
        return LAYOUT_PRE_6_3;
    }

    static int[] version(String release) {
        int[] v = {0, 0};
        if (release == null) return v;
        String[] p = release.split("[.-]");
        try {
            v[0] = Integer.parseInt(p[0]);
            if (p.length > 1) v[1] = Integer.parseInt(p[1]);
        } catch (NumberFormatException e) {
            return new int[] {0, 0};
        }
        return v;
    }

    /** The table, or null when the vmlinux has no ORC sections. */
    public static OrcIndex read(ElfFile elf, String release) throws SymbolsException {
        ElfSection ipSec = elf.section(".orc_unwind_ip"), rowSec = elf.section(".orc_unwind");
        if (ipSec == null || rowSec == null) return null;
        MemorySegment ipData = elf.data(ipSec), rowData = elf.data(rowSec);
        long n = ipSec.size() / 4;
        if (rowSec.size() / 6 != n) {
            throw new SymbolsException(elf.path(), ".orc_unwind_ip has " + n + " entries but .orc_unwind " + rowSec.size() / 6);
        }
        int layout = layoutFor(release);
        List<long[]> text = new ArrayList<>();
        long base = -1L; // the lowest executable address, compared unsigned
        for (ElfSection s : elf.sections()) {
            if ((s.flags() & ElfSection.SHF_EXECINSTR) != 0 && (s.flags() & ElfSection.SHF_ALLOC) != 0 && s.addr() != 0) {
                text.add(new long[] {s.addr(), s.addr() + s.size()});
                if (Long.compareUnsigned(s.addr(), base) < 0) base = s.addr();
            }
        }
        int[] ips = new int[(int) n];
        byte[] rows = new byte[(int) n * OrcIndex.ROW_BYTES];
        long prev = 0;
        boolean sorted = true;
        for (int i = 0; i < n; i++) {
            long at = ipSec.addr() + (long) i * 4;
            long ip = at + Bytes.i32(ipData, (long) i * 4);
            long rel = ip - base;
            if (rel < 0 || rel > 0xffffffffL) {
                throw new SymbolsException(elf.path(), ".orc_unwind_ip entry " + i + " points outside the kernel text (0x" + Long.toHexString(ip) + ")");
            }
            if (i > 0 && rel < prev) sorted = false;
            prev = rel;
            ips[i] = (int) rel;
            long e = (long) i * 6;
            short sp = rowData.get(Bytes.U16, e);
            short bp = rowData.get(Bytes.U16, e + 2);
            int bits = Bytes.u16(rowData, e + 4);
            int r = i * OrcIndex.ROW_BYTES;
            rows[r] = (byte) sp;
            rows[r + 1] = (byte) (sp >> 8);
            rows[r + 2] = (byte) bp;
            rows[r + 3] = (byte) (bp >> 8);
            int spReg = bits & 0xf, bpReg = (bits >> 4) & 0xf, type, signal;
            if (layout == LAYOUT_6_4) {
                int t = (bits >> 8) & 0x7;
                type = switch (t) {
                    case 0 -> OrcRow.TYPE_UNDEFINED;
                    case 1 -> OrcRow.TYPE_END_OF_STACK;
                    case 2 -> OrcRow.TYPE_CALL;
                    case 3 -> OrcRow.TYPE_REGS;
                    case 4 -> OrcRow.TYPE_REGS_PARTIAL;
                    default -> OrcRow.TYPE_UNDEFINED;
                };
                signal = (bits >> 11) & 1;
            } else {
                int t = (bits >> 8) & 0x3;
                boolean end = ((bits >> (layout == LAYOUT_6_3 ? 11 : 10)) & 1) != 0;
                type = t == 0 ? OrcRow.TYPE_CALL : t == 1 ? OrcRow.TYPE_REGS : t == 2 ? OrcRow.TYPE_REGS_PARTIAL : OrcRow.TYPE_UNDEFINED;
                if (end) type = OrcRow.TYPE_END_OF_STACK;
                else if (spReg == OrcRow.REG_UNDEFINED) type = OrcRow.TYPE_UNDEFINED;
                signal = layout == LAYOUT_6_3 ? (bits >> 10) & 1
                        : (type == OrcRow.TYPE_REGS || type == OrcRow.TYPE_REGS_PARTIAL) ? 1 : 0;
            }
            rows[r + 4] = (byte) spReg;
            rows[r + 5] = (byte) bpReg;
            rows[r + 6] = (byte) type;
            rows[r + 7] = (byte) signal;
        }
        if (!sorted) sortByIp(ips, rows);
        long[] ranges = new long[text.size() * 2];
        for (int i = 0; i < text.size(); i++) {
            ranges[2 * i] = text.get(i)[0];
            ranges[2 * i + 1] = text.get(i)[1];
        }
        return new OrcIndex(base, (int) n, MemorySegment.ofArray(ips), MemorySegment.ofArray(rows), MemorySegment.ofArray(ranges));
    }

    /** The kernel sorts the table at build time (sorttable); sort here too if a tool did not. */
    private static void sortByIp(int[] ips, byte[] rows) {
        int n = ips.length;
        long[] k = new long[n];
        for (int i = 0; i < n; i++) k[i] = ((ips[i] & 0xffffffffL) << 31) | i;
        java.util.Arrays.sort(k);
        int[] ni = new int[n];
        byte[] nr = new byte[rows.length];
        for (int j = 0; j < n; j++) {
            int i = (int) (k[j] & 0x7fffffffL);
            ni[j] = ips[i];
            System.arraycopy(rows, i * OrcIndex.ROW_BYTES, nr, j * OrcIndex.ROW_BYTES, OrcIndex.ROW_BYTES);
        }
        System.arraycopy(ni, 0, ips, 0, n);
        System.arraycopy(nr, 0, rows, 0, rows.length);
    }
}
