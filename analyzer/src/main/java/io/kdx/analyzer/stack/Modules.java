package io.kdx.analyzer.stack;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.KernelLists;
import io.kdx.analyzer.kernel.MemoryFault;
import java.util.ArrayList;
import java.util.List;

/**
 * The loaded modules (the "modules" list of struct module) with their text ranges and, read on
 * demand, their own symbol tables (module->kallsyms: Elf64_Sym symtab, num_symtab, strtab).
 * Ranges: core_layout {base, size} up to 6.3 (text, read-only data and data in one allocation),
 * mem[MOD_TEXT] {base, size} from 6.4, when each kind of memory got an allocation of its own (struct
 * module_memory mem[MOD_MEM_NUM_TYPES]: text, data, rodata, ro_after_init and their init variants).
 */
public final class Modules {
    /**
     * @param base   start of the module's text (core_layout up to 6.3, mem[MOD_TEXT] from 6.4)
     * @param ranges every memory of the module as {base, size} pairs (core_layout alone up to 6.3;
     *               each mem[] from 6.4, where a static lock lies in mem[MOD_DATA], not in the text)
     */
    public record Module(long address, String name, long base, long size, long kallsyms, long[] ranges) {}

    public record Sym(String name, long value) {}

    private final Kernel k;
    private final List<Module> list;
    private final String note;

    private Modules(Kernel k, List<Module> list, String note) {
        this.k = k;
        this.list = list;
        this.note = note;
    }

    public static Modules of(Kernel k) {
        return k.cached(Modules.class, Modules::read);
    }

    public List<Module> list() {
        return list;
    }

    /** Why the module list is incomplete, or null. */
    public String note() {
        return note;
    }

    private static Modules read(Kernel k) {
        List<Module> out = new ArrayList<>();
        long head = k.symbol("modules");
        if (head == 0 || !k.hasMember("module", "list")) return new Modules(k, out, "no module list in the symbols");
        try {
            long list = k.offsetOf("module", "list");
            long name = k.offsetOf("module", "name");
            long base, size;
            if (k.hasMember("module", "core_layout.base")) {
                base = k.offsetOf("module", "core_layout.base");
                size = k.offsetOf("module", "core_layout.size");
            } else {
                base = k.offsetOf("module", "mem"); // mem[MOD_TEXT = 0]: struct module_memory {base; size; ...}
                size = base + k.offsetOf("module_memory", "size");
            }
            long kallsyms = k.hasMember("module", "kallsyms") ? k.offsetOf("module", "kallsyms") : -1;
            int mems = 1;
            long memSize = 0;
            if (!k.hasMember("module", "core_layout.base")) { // 6.4+: how many mem[], and their stride
                memSize = k.sizeOf("module_memory");
                io.kdx.symbols.Type st = k.types().struct("module");
                io.kdx.symbols.Member mm = st == null ? null : st.member("mem");
                io.kdx.symbols.Type mt = mm == null || mm.type() == null ? null : mm.type().resolved();
                mems = memSize > 0 && mt != null && mt.size() >= memSize ? (int) Math.min(16, mt.size() / memSize) : 1;
            }
            int n = mems;
            long stride = memSize;
            KernelLists.Walk w = KernelLists.listForEach(k, head, list, 4096, m -> {
                long[] ranges = new long[2 * n];
                for (int i = 0; i < n; i++) {
                    ranges[2 * i] = k.readPointer(m + base + i * stride);
                    ranges[2 * i + 1] = k.readU32(m + size + i * stride) & 0xffff_ffffL;
                }
                out.add(new Module(m, k.readCString(m + name, 56), ranges[0], ranges[1], kallsyms >= 0 ? k.readPointer(m + kallsyms) : 0, ranges));
                return true;
            });
            return new Modules(k, List.copyOf(out), w.note());
        } catch (MemoryFault | io.kdx.analyzer.kernel.MissingTypeException e) {
            return new Modules(k, List.copyOf(out), "module list: " + e.getMessage());
        }
    }

    public Module moduleOf(long a) {
        for (Module m : list) {
            if (Long.compareUnsigned(a, m.base) >= 0 && Long.compareUnsigned(a, m.base + m.size) < 0) return m;
        }
        return null;
    }

    /** The module any of whose memories (text, data, read-only data; see {@link Module#ranges}) holds {@code a}, or null. */
    public Module moduleHolding(long a) {
        for (Module m : list) {
            for (int i = 0; i + 1 < m.ranges().length; i += 2) {
                long b = m.ranges()[i], n = m.ranges()[i + 1];
                if (b != 0 && Long.compareUnsigned(a, b) >= 0 && Long.compareUnsigned(a, b + n) < 0) return m;
            }
        }
        return null;
    }

    /** The module function with the greatest value <= a, or null. */
    public Sym lookup(Module m, long a) {
        return lookup(m, a, 2);
    }

    /** The module data object (STT_OBJECT: a static lock, a table) with the greatest value <= a, or null. */
    public Sym lookupObject(Module m, long a) {
        return lookup(m, a, 1);
    }

    /** The address of the module's function {@code name}, or 0 (a linear scan of its symtab, for one oops ip). */
    public long address(Module m, String name) {
        if (m.kallsyms == 0) return 0;
        long[] found = {0};
        try {
            long strtab = strtab(m);
            forEachSymbol(m, (e, info, value) -> {
                if ((info & 0xf) != 2 || !name.equals(name(strtab, e))) return true; // STT_FUNC
                found[0] = value;
                return false;
            });
        } catch (MemoryFault | io.kdx.analyzer.kernel.MissingTypeException e) {
            // unknown
        }
        return found[0];
    }

    /** A symbol of a module's symtab as the kernel keeps it: name, value, Elf64_Sym st_info. */
    public record Entry(String name, long value, int info) {
        public int type() { return info & 0xf; }
        public int bind() { return info >>> 4; }
    }

    /**
     * Every named symbol of the module's own symbol table (module->kallsyms: after init, the core
     * symbols only), in symtab order; empty when the module keeps none. A read that fails ends the
     * list there and throws, so a caller can say what it could not read.
     */
    public List<Entry> symbols(Module m) {
        List<Entry> out = new ArrayList<>();
        if (m.kallsyms == 0) return out;
        long strtab = strtab(m);
        forEachSymbol(m, (e, info, value) -> {
            String name = name(strtab, e);
            if (!name.isEmpty()) out.add(new Entry(name, value, info));
            return true;
        });
        return out;
    }

    public Module byName(String name) {
        for (Module m : list) if (m.name.equals(name)) return m;
        return null;
    }

    private Sym lookup(Module m, long a, int sttType) {
        long[] best = {0, 0}; // entry (a kernel address, 0 while none is found), value
        try {
            forEachSymbol(m, (e, info, v) -> {
                if (v != 0 && Long.compareUnsigned(v, a) <= 0 && (info & 0xf) == sttType // STT_FUNC 2, STT_OBJECT 1
                        && (best[0] == 0 || Long.compareUnsigned(v, best[1]) > 0)) {
                    best[0] = e;
                    best[1] = v;
                }
                return true;
            });
            return best[0] == 0 ? null : new Sym(name(strtab(m), best[0]), best[1]);
        } catch (MemoryFault | io.kdx.analyzer.kernel.MissingTypeException e) {
            return null;
        }
    }

    /** What {@link #forEachSymbol} hands over per Elf64_Sym: its address, st_info, st_value; false stops the walk. */
    private interface SymbolVisitor {
        boolean visit(long entry, int info, long value);
    }

    /** Cap on a module's symtab entries: a corrupt num_symtab must not send a walk over gigabytes. */
    private static final long MAX_SYMBOLS = 200_000;

    /**
     * The one bounded walk of a module's own symtab (module->kallsyms: Elf64_Sym {st_name u32,
     * st_info, st_other, st_shndx u16, st_value, st_size}, num_symtab of them); names are read only
     * where a caller asks ({@link #name}). Faults are thrown to the caller.
     */
    private void forEachSymbol(Module m, SymbolVisitor v) {
        if (m.kallsyms == 0) return;
        long symtab = k.readPointer(m.kallsyms + k.offsetOf("mod_kallsyms", "symtab"));
        long num = k.readU32(m.kallsyms + k.offsetOf("mod_kallsyms", "num_symtab")) & 0xffff_ffffL;
        for (long i = 0; i < Math.min(num, MAX_SYMBOLS); i++) {
            long e = symtab + 24 * i;
            if (!v.visit(e, k.readU8(e + 4), k.readU64(e + 8))) return;
        }
    }

    private long strtab(Module m) {
        return k.readPointer(m.kallsyms + k.offsetOf("mod_kallsyms", "strtab"));
    }

    /** The name of the Elf64_Sym at {@code entry} in the module's {@code strtab}; "" when st_name is 0. */
    private String name(long strtab, long entry) {
        long off = k.readU32(entry) & 0xffff_ffffL;
        return off == 0 ? "" : k.readCString(strtab + off, 128);
    }
}
