package io.kdx.analyzer.crash;

import io.kdx.analyzer.kernel.Kernel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The kernel's symbol table as crash 8.0 keeps it for {@code sym -l} and {@code sym -q} (symbols.c:
 * store_symbols, strip_symbol_end; x86_64.c: x86_64_verify_symbol): the vmlinux's .symtab, section
 * symbols included, sorted by address; below {@code _text} only the per-CPU symbols from
 * {@code __per_cpu_start} (types V, d, D and per_cpu*) are kept, and from {@code _text} on every
 * symbol, moved by the KASLR offset. A gcc clone's name loses its first {@code .isra.},
 * {@code .part.} or {@code .llvm.} and what follows ({@code ftrace_regex_write.part.0.isra.0} is
 * {@code ftrace_regex_write.part.0}). Without a vmlinux, the dump's kallsyms with sym's letters.
 */
final class SymList {
    private SymList() {}

    record Sym(long value, char letter, String name) {
        String line() {
            return Long.toHexString(value) + " (" + letter + ") " + name;
        }
    }

    static List<Sym> kernel(CrashSession s) {
        SymLetters letters = s.symLetters();
        return letters != null ? fromSymtab(letters.entries(), s.kernel.kaslrOffset()) : fromKallsyms(s);
    }

    static List<Sym> fromSymtab(List<SymLetters.Entry> entries, long kaslr) {
        List<SymLetters.Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(SymLetters.Entry::value, Long::compareUnsigned).thenComparing(SymLetters.Entry::name));
        List<Sym> out = new ArrayList<>(sorted.size());
        boolean started = false, perCpu = false;
        for (SymLetters.Entry e : sorted) {
            String name = strip(e.name());
            if (name.isEmpty()) continue;
            if (!started) {
                if (name.equals("_text") || name.equals("_stext")) {
                    started = true;
                } else if (name.equals("__per_cpu_start")) {
                    perCpu = true;
                } else if (!(perCpu && (name.startsWith("per_cpu") || name.equals("__per_cpu_end") || "VdD".indexOf(e.letter()) >= 0))) {
                    continue;
                }
            }
            out.add(new Sym(started ? e.value() + kaslr : e.value(), e.letter(), name));
        }
        return out;
    }

    /** NAME without gcc's clone suffix, as crash's strip_symbol_end cuts it: at the first of .isra., .part., .llvm. found. */
    static String strip(String name) {
        for (String p : new String[] {".isra.", ".part.", ".llvm."}) {
            int i = name.indexOf(p);
            if (i >= 0) return name.substring(0, i);
        }
        return name;
    }

    /** struct module_memory mem[]'s kinds, in enum mod_mem_type's order (include/linux/module.h, 6.4+). */
    static final String[] MOD_MEM = {"TEXT", "DATA", "RODATA", "RO_AFTER_INIT", "INIT_TEXT", "INIT_DATA", "INIT_RODATA"};

    /**
     * The loaded modules' symbols as crash 8.0's sym -l lists them after the kernel's, each module by
     * text address. Up to 6.3 (one core allocation) as crash 8.0.2: "MODULE START: NAME" at its base,
     * every symbol, "MODULE END: NAME" at base + size. From 6.4 (a memory per kind) as crash 8.0.6: for
     * each memory the module has, "MODULE TEXT START: NAME" (DATA, RODATA, RO_AFTER_INIT …) at its
     * base, the symbols inside it, and "MODULE TEXT END: NAME" at its end. Symbols come from the
     * module's symtab (the core symbols it keeps after init), sorted by address (ties in symtab
     * order), clone suffixes cut as the kernel's are, functions as t (local) or T, every other symbol
     * as ? (crash names no data letter for a module). A module whose symbols cannot be read lists
     * none; the reason goes to {@code problems}.
     */
    static List<ModuleLine> modules(CrashSession s, List<String> problems) {
        io.kdx.analyzer.stack.Modules mods = io.kdx.analyzer.stack.Modules.of(s.kernel);
        List<io.kdx.analyzer.stack.Modules.Module> list = new ArrayList<>(mods.list());
        list.sort((a, b) -> Long.compareUnsigned(a.base(), b.base()));
        boolean memories = !s.kernel.hasMember("module", "core_layout") && s.kernel.hasMember("module", "mem");
        List<ModuleLine> out = new ArrayList<>();
        for (io.kdx.analyzer.stack.Modules.Module m : list) {
            List<io.kdx.analyzer.stack.Modules.Entry> syms;
            try {
                syms = new ArrayList<>(mods.symbols(m));
            } catch (io.kdx.analyzer.kernel.MemoryFault | io.kdx.analyzer.kernel.MissingTypeException e) {
                problems.add("symbols of module " + m.name() + " unreadable: " + e.getMessage());
                syms = new ArrayList<>();
            }
            syms.sort(Comparator.comparing(io.kdx.analyzer.stack.Modules.Entry::value, Long::compareUnsigned));
            if (!memories) {
                region(out, "MODULE", m.name(), m.base(), m.size(), syms, false);
                continue;
            }
            long[] r = m.ranges();
            for (int i = 0; i + 1 < r.length && i / 2 < MOD_MEM.length; i += 2) {
                if (r[i] != 0 && r[i + 1] != 0) region(out, "MODULE " + MOD_MEM[i / 2], m.name(), r[i], r[i + 1], syms, true);
            }
        }
        if (mods.note() != null) problems.add(mods.note());
        return out;
    }

    /**
     * A line of the modules' part of sym -l: a marker ("MODULE START", "MODULE TEXT END" …) at
     * {@code address}, or a symbol of {@code module}.
     */
    record ModuleLine(String module, String marker, long address, Sym sym) {
        String line() {
            return marker != null ? Long.toHexString(address) + " " + marker + ": " + module : sym.line();
        }

        /**
         * As crash's sym and sym -q print a module symbol: " [MODULE]" after the name (with +OFFSET inside
         * it); sym (not sym -q) then puts a space after a function, where it prints the source file and
         * line it has for it.
         */
        String symLine(long at, boolean sym) {
            long off = at - this.sym.value();
            boolean text = this.sym.letter() == 't' || this.sym.letter() == 'T';
            return Long.toHexString(at) + " (" + this.sym.letter() + ") " + this.sym.name() + (off == 0 ? "" : "+" + off) + " [" + module + "]"
                    + (sym && text ? " " : "");
        }
    }

    /** "BASE WHAT START: NAME", the symbols (inside [base, base + size) when {@code inside}), "END WHAT END: NAME". */
    private static void region(List<ModuleLine> out, String what, String name, long base, long size,
            List<io.kdx.analyzer.stack.Modules.Entry> syms, boolean inside) {
        out.add(new ModuleLine(name, what + " START", base, null));
        for (io.kdx.analyzer.stack.Modules.Entry e : syms) {
            if (e.value() == 0 || inside && (Long.compareUnsigned(e.value(), base) < 0 || Long.compareUnsigned(e.value() - base, size) >= 0)) continue;
            char letter = e.type() == 2 ? (e.bind() == 0 ? 't' : 'T') : '?'; // STT_FUNC; STB_LOCAL
            out.add(new ModuleLine(name, null, e.value(), new Sym(e.value(), letter, strip(e.name()))));
        }
        out.add(new ModuleLine(name, what + " END", base + size, null));
    }

    /** The dump's kallsyms names at their addresses; letters as sym gives them without a vmlinux (T text, B bss, D else). */
    private static List<Sym> fromKallsyms(CrashSession s) {
        Kernel k = s.kernel;
        List<Sym> out = new ArrayList<>();
        for (String n : StructNames.symbols(k, null)) {
            long a = k.symbol(n);
            if (a != 0) out.add(new Sym(a, DataCommands.letterWithoutSymtab(s, a), n));
        }
        out.sort(Comparator.comparing(Sym::value, Long::compareUnsigned).thenComparing(Sym::name));
        return out;
    }
}
