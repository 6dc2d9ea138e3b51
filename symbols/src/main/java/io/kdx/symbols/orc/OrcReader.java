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
        if (ipData == null || rowData == null) {
            throw new SymbolsException(elf.path(), "the ORC sections hold no data (NOBITS or outside the file)");
        }
        long n = ipSec.size() / 4;
        if (rowSec.size() / 6 != n) {
            throw new SymbolsException(elf.path(), ".orc_unwind_ip has " + n + " entries but .orc_unwind " + rowSec.size() / 6);
        }
        List<long[]> text = new ArrayList<>();
        long base = -1L; // the lowest executable address, compared unsigned
        for (ElfSection s : elf.sections()) {
            if ((s.flags() & ElfSection.SHF_EXECINSTR) != 0 && (s.flags() & ElfSection.SHF_ALLOC) != 0 && s.addr() != 0) {
                text.add(new long[] {s.addr(), s.addr() + s.size()});
                if (Long.compareUnsigned(s.addr(), base) < 0) base = s.addr();
            }
        }
        long[] ip = new long[(int) n];
        for (int i = 0; i < n; i++) ip[i] = ipSec.addr() + (long) i * 4 + Bytes.i32(ipData, (long) i * 4);
        long[] ranges = new long[text.size() * 2];
        for (int i = 0; i < text.size(); i++) {
            ranges[2 * i] = text.get(i)[0];
            ranges[2 * i + 1] = text.get(i)[1];
        }
        return build(ip, rowData, layoutFor(release), ranges, base, elf.path());
    }

    /**
     * The normalised table from the kernel's own arrays, wherever they were read (a vmlinux's
     * sections, or the kernel image in a dump): {@code ip[i]} the link-time address row i covers
     * (already resolved from .orc_unwind_ip's self-relative entries), {@code entries} the 6-byte
     * struct orc_entry array, {@code ranges} the executable ranges as (start, end) pairs, {@code base}
     * the lowest of them. {@code file} names the source in errors.
     */
    public static OrcIndex build(long[] ip, MemorySegment entries, int layout, long[] ranges, long base, java.nio.file.Path file)
            throws SymbolsException {
        int n = ip.length;
        if (entries.byteSize() / 6 < n) throw new SymbolsException(file, "ORC: " + n + " ips but only " + entries.byteSize() / 6 + " entries");
        int[] ips = new int[n];
        byte[] rows = new byte[n * OrcIndex.ROW_BYTES];
        long prev = 0;
        boolean sorted = true;
        OrcRow row = new OrcRow();
        for (int i = 0; i < n; i++) {
            long rel = ip[i] - base;
            if (rel < 0 || rel > 0xffffffffL) {
                throw new SymbolsException(file, "ORC ip entry " + i + " points outside the kernel text (0x" + Long.toHexString(ip[i]) + ")");
            }
            if (i > 0 && rel < prev) sorted = false;
            prev = rel;
            ips[i] = (int) rel;
            long e = (long) i * 6;
            short sp = entries.get(Bytes.U16, e);
            short bp = entries.get(Bytes.U16, e + 2);
            decode(Bytes.u16(entries, e + 4), layout, row);
            int r = i * OrcIndex.ROW_BYTES;
            rows[r] = (byte) sp;
            rows[r + 1] = (byte) (sp >> 8);
            rows[r + 2] = (byte) bp;
            rows[r + 3] = (byte) (bp >> 8);
            rows[r + 4] = (byte) row.spReg;
            rows[r + 5] = (byte) row.bpReg;
            rows[r + 6] = (byte) row.type;
            rows[r + 7] = (byte) (row.signal ? 1 : 0);
        }
        if (!sorted) sortByIp(ips, rows);
        return new OrcIndex(base, n, MemorySegment.ofArray(ips), MemorySegment.ofArray(rows), MemorySegment.ofArray(ranges.clone()));
    }

    /** Decodes the 16 bits of struct orc_entry after sp_offset and bp_offset, by the layout's rules (above). */
    public static void decode(int bits, int layout, OrcRow out) {
        int spReg = bits & 0xf, bpReg = (bits >> 4) & 0xf, type;
        boolean signal;
        if (layout == LAYOUT_6_4) {
            type = switch ((bits >> 8) & 0x7) {
                case 1 -> OrcRow.TYPE_END_OF_STACK;
                case 2 -> OrcRow.TYPE_CALL;
                case 3 -> OrcRow.TYPE_REGS;
                case 4 -> OrcRow.TYPE_REGS_PARTIAL;
                default -> OrcRow.TYPE_UNDEFINED;
            };
            signal = ((bits >> 11) & 1) != 0;
        } else {
            int t = (bits >> 8) & 0x3;
            boolean end = ((bits >> (layout == LAYOUT_6_3 ? 11 : 10)) & 1) != 0;
            type = t == 0 ? OrcRow.TYPE_CALL : t == 1 ? OrcRow.TYPE_REGS : t == 2 ? OrcRow.TYPE_REGS_PARTIAL : OrcRow.TYPE_UNDEFINED;
            if (end) type = OrcRow.TYPE_END_OF_STACK;
            else if (spReg == OrcRow.REG_UNDEFINED) type = OrcRow.TYPE_UNDEFINED;
            signal = layout == LAYOUT_6_3 ? ((bits >> 10) & 1) != 0
                    : type == OrcRow.TYPE_REGS || type == OrcRow.TYPE_REGS_PARTIAL;
        }
        out.spReg = spReg;
        out.bpReg = bpReg;
        out.type = type;
        out.signal = signal;
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
