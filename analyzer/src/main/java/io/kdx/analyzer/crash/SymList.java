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
