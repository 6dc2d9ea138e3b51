package io.kdx.analyzer.crash;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.crash.CrashSession.CommandError;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.KernelLists;
import io.kdx.analyzer.tasks.TaskInfo;
import io.kdx.symbols.Member;
import io.kdx.symbols.SymbolHit;
import io.kdx.symbols.Type;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** struct, p, sym, rd and waitq: typed and raw memory, as crash prints them. */
final class DataCommands {
    private DataCommands() {}

    /** An address given as hex (0x..., or bare with crash's 16 digits) or a symbol name. */
    static long address(CrashSession s, String a) {
        Long n = CrashText.number(a);
        if (n != null && (a.startsWith("0x") || a.length() >= 9)) return n;
        long sym = s.kernel.symbol(a);
        if (sym != 0) return sym;
        throw new CommandError("invalid address or symbol: " + a);
    }

    static Type type(CrashSession s, String name) {
        String n = name.replaceFirst("^(struct|union) +", "");
        Type t = s.kernel.types().struct(n);
        if (t == null) throw new CommandError("invalid data structure reference: " + n);
        return t;
    }

    /** struct NAME[.MEMBER[,MEMBER]] [ADDRESS|SYMBOL] [-o]. */
    static void struct(CrashSession s, List<String> args, PrintStream out) {
        boolean offsets = false;
        List<String> rest = new ArrayList<>();
        for (String a : args) {
            if (a.equals("-o")) offsets = true;
            else if (a.startsWith("-")) throw new CommandError("option " + a + " is not supported by kdx (it has -o)");
            else rest.add(a);
        }
        if (rest.isEmpty()) throw new CommandError("a struct name is needed");
        String spec = rest.getFirst();
        int dot = spec.indexOf('.');
        String name = dot < 0 ? spec : spec.substring(0, dot);
        List<String> only = dot < 0 ? List.of() : List.of(spec.substring(dot + 1).split(","));
        Type t = type(s, name);
        StringBuilder sb = new StringBuilder();
        if (rest.size() < 2) {
            layout(t, only, offsets, sb);
            out.print(sb);
            return;
        }
        GdbValue g = new GdbValue(s.kernel);
        for (String addrArg : rest.subList(1, rest.size())) {
            long addr = address(s, addrArg);
            byte[] b = g.read(addr, t.size());
            if (only.isEmpty()) {
                sb.append(kindOf(t)).append(' ').append(t.name()).append(' ');
                g.members(t.resolved(), b, 0, 0, sb);
                sb.append('\n');
            } else {
                for (String m : only) {
                    Member mem = t.member(m);
                    if (mem == null) throw new CommandError("invalid data structure reference: " + name + "." + m);
                    sb.append("  ").append(m.contains(".") ? m.substring(m.lastIndexOf('.') + 1) : m).append(" = ");
                    g.value(mem.type(), b, (int) mem.offset(), mem.bitOffset(), mem.bitSize(), 1, sb);
                    sb.append(",\n");
                }
            }
        }
        out.print(sb);
    }

    private static String kindOf(Type t) {
        return t.resolved().kind() == Type.Kind.UNION ? "union" : "struct";
    }

    /** The declaration, as gdb's ptype prints it (with -o each member's offset first), then SIZE. */
    private static void layout(Type t, List<String> only, boolean offsets, StringBuilder sb) {
        if (!only.isEmpty()) {
            for (String m : only) {
                Member mem = t.member(m);
                if (mem == null) throw new CommandError("invalid data structure reference: " + t.name() + "." + m);
                sb.append(offsets ? Fmt.format("  [%d] ", mem.offset()) : "  ").append(decl(mem)).append(";\n");
            }
            return;
        }
        sb.append(kindOf(t)).append(' ').append(t.name()).append(" {\n");
        for (Member m : t.resolved().members()) {
            sb.append(offsets ? Fmt.format("  [%d] ", m.offset()) : "    ").append(decl(m)).append(";\n");
        }
        sb.append("}\nSIZE: ").append(t.size()).append('\n');
    }

    static String decl(Member m) {
        Type t = m.type();
        StringBuilder suffix = new StringBuilder();
        int guard = 0;
        while (t.kind() == Type.Kind.ARRAY && guard++ < 8) {
            suffix.append('[').append(t.count()).append(']');
            t = t.target();
        }
        String base = t.kind() == Type.Kind.STRUCT || t.kind() == Type.Kind.UNION ? t.name() == null
                ? (t.kind() == Type.Kind.UNION ? "union {...}" : "struct {...}") : t.cName() : t.cName();
        if (t.kind() == Type.Kind.POINTER && t.target() != null && t.target().kind() == Type.Kind.FUNCTION) {
            return t.target().target() == null ? "void (*" + m.name() + ")()" : t.target().target().cName() + " (*" + m.name() + ")()";
        }
        String name = m.name() == null ? "" : m.name();
        String sep = base.endsWith("*") ? "" : " ";
        return base + sep + name + suffix + (m.isBitField() ? " : " + m.bitSize() : "");
    }

    /** p EXPRESSION: see {@link PrintExpr}. */
    static void print(CrashSession s, String cmd, List<String> args, PrintStream out) {
        PrintExpr.print(s, cmd, args, out);
    }

    /**
     * sym [-l] [-q STRING] [NAME|ADDRESS…]: "ADDRESS (L) NAME", NAME+OFFSET inside a symbol, L the nm
     * letter crash prints: from the vmlinux's symbol table when the session has one (SymLetters), else
     * T inside the kernel text, B inside the bss, D elsewhere. -l lists the kernel's symbols and -q
     * those whose name holds STRING, as crash keeps them (SymList), the loaded modules' after them (sym -q
     * and sym NAME|ADDRESS of a module symbol add " [MODULE]"). crash adds a text symbol's source file
     * and line; kdx does not.
     */
    static void sym(CrashSession s, List<String> args, PrintStream out) {
        List<String> rest = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-l") || a.equals("-L")) {
                for (SymList.Sym x : SymList.kernel(s)) sb.append(x.line()).append('\n');
                for (SymList.ModuleLine x : moduleLines(s)) sb.append(x.line()).append('\n');
            } else if (a.startsWith("-q")) {
                String q = a.length() > 2 ? a.substring(2) : i + 1 < args.size() ? args.get(++i) : null;
                if (q == null) throw new CommandError("option requires an argument -- 'q'");
                int found = 0;
                for (SymList.Sym x : SymList.kernel(s)) {
                    if (x.name().contains(q)) {
                        sb.append(x.line()).append('\n');
                        found++;
                    }
                }
                for (SymList.ModuleLine x : moduleLines(s)) {
                    if (x.sym() != null && x.sym().name().contains(q)) {
                        sb.append(x.symLine(x.address(), false)).append('\n');
                        found++;
                    }
                }
                if (found == 0) sb.append("(none found)\n");
            } else if (a.startsWith("-") && a.length() > 1) {
                throw new CommandError("option " + a + " is not supported by kdx (it has -l and -q)");
            } else {
                rest.add(a);
            }
        }
        out.print(sb);
        if (rest.isEmpty() && !sb.isEmpty()) return;
        if (rest.isEmpty()) throw new CommandError("a symbol or an address is needed");
        SymLetters letters = s.symLetters();
        for (String a : rest) {
            Long n = CrashText.number(a);
            long addr, start;
            String name, sym;
            if (n != null && (a.startsWith("0x") || a.length() >= 9)) {
                addr = n;
                SymList.ModuleLine m = moduleSymbolAt(s, addr);
                if (m != null) {
                    out.println(m.symLine(addr, true));
                    continue;
                }
                SymbolHit h = s.kernel.symbols().lookup(addr - s.kernel.kaslrOffset());
                if (h == null) throw new CommandError("invalid address: " + a);
                name = h.offset() == 0 ? h.name() : h.name() + "+" + h.offset();
                sym = h.name();
                start = addr - h.offset();
            } else {
                addr = s.kernel.symbol(a);
                if (addr == 0) { // a module's symbol: every module's of that name, as crash lists them
                    List<String> lines = new ArrayList<>();
                    for (SymList.ModuleLine x : moduleLines(s)) if (x.sym() != null && x.sym().name().equals(a)) lines.add(x.symLine(x.address(), true));
                    if (lines.isEmpty()) throw new CommandError("invalid address or symbol: " + a);
                    lines.forEach(out::println);
                    continue;
                }
                name = a;
                sym = a;
                start = addr;
            }
            char c = letters == null ? 0 : letters.of(sym, start - s.kernel.kaslrOffset());
            if (c == 0) c = letterWithoutSymtab(s, start);
            out.println(Long.toHexString(addr) + " (" + c + ") " + name); // no format: the same digits in every locale
        }
    }

    /** The modules' symbols in sym -l's order; what could not be read is said once, on the session's stderr. */
    static List<SymList.ModuleLine> moduleLines(CrashSession s) {
        if (s.moduleLines == null) {
            List<String> problems = new ArrayList<>();
            s.moduleLines = SymList.modules(s, problems);
            for (String p : problems) s.err.println("sym: " + p);
        }
        return s.moduleLines;
    }

    /** The module symbol an address inside a module's memory falls in (the greatest at or below it), or null outside every module. */
    static SymList.ModuleLine moduleSymbolAt(CrashSession s, long addr) {
        io.kdx.analyzer.stack.Modules.Module m = io.kdx.analyzer.stack.Modules.of(s.kernel).moduleHolding(addr);
        if (m == null) return null;
        SymList.ModuleLine best = null;
        for (SymList.ModuleLine x : moduleLines(s)) {
            if (x.sym() == null || !x.module().equals(m.name()) || Long.compareUnsigned(x.address(), addr) > 0) continue;
            if (best == null || Long.compareUnsigned(x.address(), best.address()) > 0) best = x;
        }
        return best;
    }

    /** sym's letter for a symbol at ADDRESS when no vmlinux's symbol table says: T in the kernel text, B in the bss, D elsewhere. */
    static char letterWithoutSymtab(CrashSession s, long address) {
        long text0 = s.kernel.symbol("_stext"), text1 = s.kernel.symbol("_etext");
        long bss0 = s.kernel.symbol("__bss_start"), bss1 = s.kernel.symbol("__bss_stop");
        boolean text = Long.compareUnsigned(address, text0) >= 0 && Long.compareUnsigned(address, text1) < 0;
        boolean bss = bss0 != 0 && Long.compareUnsigned(address, bss0) >= 0 && Long.compareUnsigned(address, bss1) < 0;
        return text ? 'T' : bss ? 'B' : 'D';
    }

    /** rd ADDRESS|SYMBOL [COUNT]: COUNT 64-bit words, two a line, with their ASCII, as crash's rd. */
    static void rd(CrashSession s, List<String> args, PrintStream out) {
        List<String> rest = new ArrayList<>(args);
        rest.removeIf(a -> a.equals("-64") || a.equals("-x"));
        if (rest.isEmpty() || rest.size() > 2) throw new CommandError("usage: rd ADDRESS [COUNT]");
        long addr = address(s, rest.getFirst());
        long count = rest.size() == 2 ? CrashText.number(rest.get(1)) == null ? 1 : Math.min(CrashText.number(rest.get(1)), 1 << 16) : 1;
        StringBuilder sb = new StringBuilder();
        for (long i = 0; i < count; i += 2) {
            long a = addr + 8 * i;
            int words = (int) Math.min(2, count - i);
            byte[] b = new byte[8 * words];
            s.kernel.read(a, b, 0, b.length);
            sb.append(Fmt.format("%016x:  %016x", a, GdbValue.raw(b, 0, 8)));
            if (words == 2) sb.append(Fmt.format(" %016x", GdbValue.raw(b, 8, 8)));
            else sb.append(" ".repeat(17));
            sb.append("   ");
            for (byte x : b) sb.append(x >= 0x20 && x < 0x7f ? (char) x : '.');
            sb.append('\n');
        }
        out.print(sb);
    }

    /** waitq ADDRESS: the tasks on the wait_queue_head at ADDRESS (each entry's private is its task). */
    static void waitq(CrashSession s, List<String> args, PrintStream out) {
        if (args.size() != 1) throw new CommandError("kdx's waitq takes the address of a wait_queue_head");
        Kernel k = s.kernel;
        List<Long> waiters = new ArrayList<>();
        KernelLists.Walk w = KernelLists.waitQueueForEach(k, address(s, args.getFirst()), 1 << 16, (e, task) -> {
            waiters.add(task);
            return true;
        });
        if (waiters.isEmpty()) {
            out.println("wait queue \"" + args.getFirst() + "\" is empty");
        }
        for (long task : waiters) {
            TaskInfo t = null;
            for (TaskInfo x : s.tasks()) if (x.task() == task) t = x;
            if (t != null) out.print(Fmt.format("PID: %-7d TASK: %016x  CPU: %-3d COMMAND: \"%s\"%n", t.pid(), t.task(), t.cpu(), t.comm()));
            else out.print(Fmt.format("(not a task: private = %016x)%n", task));
        }
        if (w.note() != null) s.err.println("waitq: " + w.note());
    }
}
