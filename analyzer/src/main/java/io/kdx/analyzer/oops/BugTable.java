package io.kdx.analyzer.oops;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.StructOffsets;
import io.kdx.analyzer.stack.Modules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a BUG() or WARN() was written, from the dump's own bug tables (lib/bug.c find_bug): the
 * kernel image's {@code __start___bug_table .. __stop___bug_table} and each module's
 * {@code module.bug_table} / {@code num_bugs}. A struct bug_entry holds the trapping instruction's
 * address, the source file and line (with CONFIG_DEBUG_BUGVERBOSE) and flags; with
 * CONFIG_GENERIC_BUG_RELATIVE_POINTERS (x86_64) the address and file are 32-bit displacements
 * from the member's own address ({@code bug_addr_disp}, {@code file_disp}), else pointers. So the
 * file and line of "kernel BUG at FILE:LINE!" can be named from the dump when the log is gone.
 */
public final class BugTable {
    /** More entries than any image or module has. */
    static final long MAX_ENTRIES = 1 << 20;
    /** include/asm-generic/bug.h: BUGFLAG_WARNING. */
    static final int BUGFLAG_WARNING = 1;

    private BugTable() {}

    /** An entry: the source location and whether it is a WARN (not a BUG). */
    public record Entry(String file, int line, boolean warning) {
        public String location() {
            return file + ":" + line;
        }
    }

    /** The entry whose trap address is {@code ip}, or null (no entry, no bug tables, unreadable). */
    public static Entry find(Kernel k, long ip) {
        return lookup(k, List.of(ip)).get(ip);
    }

    /**
     * The BUG (not WARN) entry of the first of {@code ips} that has one: given the frames of a task's
     * stack, the frame at the trapping instruction when the task hit a BUG() (the frame after the #UD's
     * exception frame). Each table is read once. Null when none has.
     */
    public static Entry findBug(Kernel k, List<Long> ips) {
        Map<Long, Entry> hits = lookup(k, ips);
        for (long ip : ips) {
            Entry e = hits.get(ip);
            if (e != null && !e.warning()) return e;
        }
        return null;
    }

    /** The entries of those of {@code ips} that have one, reading each table (image, module) once. */
    static Map<Long, Entry> lookup(Kernel k, List<Long> ips) {
        Map<Long, Entry> out = new HashMap<>();
        long size = StructOffsets.optionalSize(k, "bug_entry");
        long addrDisp = StructOffsets.optional(k, "bug_entry", "bug_addr_disp");
        long addr = StructOffsets.optional(k, "bug_entry", "bug_addr");
        long fileDisp = StructOffsets.optional(k, "bug_entry", "file_disp");
        long file = StructOffsets.optional(k, "bug_entry", "file");
        long line = StructOffsets.optional(k, "bug_entry", "line");
        long flags = StructOffsets.optional(k, "bug_entry", "flags");
        if (size <= 0 || addrDisp < 0 && addr < 0 || fileDisp < 0 && file < 0 || line < 0) return out; // no verbose entries
        Modules ms = Modules.of(k);
        Map<Modules.Module, List<Long>> byModule = new LinkedHashMap<>(); // null key: the kernel image
        for (long ip : ips) byModule.computeIfAbsent(ms.moduleOf(ip), x -> new ArrayList<>()).add(ip);
        for (var g : byModule.entrySet()) {
            try {
                long start, count;
                Modules.Module m = g.getKey();
                if (m != null) {
                    long table = StructOffsets.optional(k, "module", "bug_table"), num = StructOffsets.optional(k, "module", "num_bugs");
                    if (table < 0 || num < 0) continue;
                    start = k.readPointer(m.address() + table);
                    count = Integer.toUnsignedLong(k.readU32(m.address() + num));
                } else {
                    start = k.symbol("__start___bug_table");
                    long stop = k.symbol("__stop___bug_table");
                    if (start == 0 || stop == 0) continue;
                    count = (stop - start) / size;
                }
                List<Long> want = g.getValue();
                for (long i = 0; i < Math.min(count, MAX_ENTRIES) && out.size() < ips.size(); i++) {
                    long e = start + i * size;
                    long at = addrDisp >= 0 ? e + addrDisp + k.readU32(e + addrDisp) : k.readPointer(e + addr);
                    if (!want.contains(at)) continue;
                    long f = fileDisp >= 0 ? e + fileDisp + k.readU32(e + fileDisp) : k.readPointer(e + file);
                    int fl = flags >= 0 ? k.readU16(e + flags) : 0;
                    out.put(at, new Entry(k.readCString(f, 512), k.readU16(e + line), (fl & BUGFLAG_WARNING) != 0));
                }
            } catch (MemoryFault f) {
                // that table is unreadable: its ips stay unnamed
            }
        }
        return out;
    }

    /**
     * The address of an oops's "function+0xoff/0xsize [module]" as the RIP line prints it: the image's
     * symbol, or the module's own, plus the offset; 0 when it cannot be resolved.
     */
    public static long address(Kernel k, String symbolic) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^([^+\\s]+)\\+0x([0-9a-f]+)/0x[0-9a-f]+(?: \\[(\\S+)\\])?").matcher(symbolic);
        if (!m.find()) return 0;
        long off = Long.parseUnsignedLong(m.group(2), 16);
        if (m.group(3) == null) {
            long a = k.symbol(m.group(1));
            return a == 0 ? 0 : a + off;
        }
        Modules ms = Modules.of(k);
        Modules.Module mod = ms.byName(m.group(3));
        long a = mod == null ? 0 : ms.address(mod, m.group(1));
        return a == 0 ? 0 : a + off;
    }
}
