package io.kdx.analyzer.crash;

import io.kdx.analyzer.crash.CEval.Value;
import io.kdx.analyzer.crash.CrashSession.CommandError;
import io.kdx.symbols.Type;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * crash's {@code p}: a C expression ({@link CExpr}, evaluated by {@link CEval}) printed as crash
 * shows gdb's answer. crash 8.0's rules (symbols.c, cmd_p and process_gdb_output): options {@code -x}
 * (gdb's output radix 16), {@code -d}, {@code -u} anywhere among the words, {@code px} and {@code pd}
 * for {@code p -x} and {@code p -d}; when the first word of the expression is a symbol, its name
 * and {@code " = "} lead the answer, and a first line that opens a brace inline has the brace moved
 * to a line of its own. {@code p/FMT} and {@code print} are handed to gdb as they are: no leader, no
 * options. Each answer takes gdb's next history number ({@code $N}); a failure takes none and is
 * crash's one line, {@code p: gdb request failed: p EXPR} ({@code gdb: …} for {@code p/x} and
 * {@code print}). Where crash drops a lone {@code -} word (so {@code p jiffies - 1} fails in crash),
 * kdx subtracts.
 */
final class PrintExpr {
    private PrintExpr() {}

    static void print(CrashSession s, String cmd, List<String> args, PrintStream out) {
        boolean gdb = !cmd.equals("p") && !cmd.equals("px") && !cmd.equals("pd");
        char fmt = cmd.equals("px") ? 'h' : 0;
        boolean radix10 = cmd.equals("pd");
        List<String> words = new ArrayList<>();
        boolean user = false;
        if (gdb) {
            int slash = cmd.indexOf('/');
            if (slash > 0) {
                String f = cmd.substring(slash + 1);
                if (f.length() != 1 || !GdbValue.known(f.charAt(0)))
                    throw new CommandError("kdx prints the formats /x, /d, /u, /o, /t, /z, /c, /a and /s, not /" + f);
                fmt = f.charAt(0);
            }
            words.addAll(args);
        } else {
            StringBuilder bad = new StringBuilder();
            for (String a : args) {
                if (a.length() > 1 && a.startsWith("-") && !isNumberWord(a, words)) {
                    for (char c : a.substring(1).toCharArray()) {
                        switch (c) {
                            case 'x', 'h' -> {
                                if (radix10) throw new CommandError("-d and -x are mutually exclusive");
                                fmt = 'h';
                            }
                            case 'd' -> {
                                if (fmt == 'h') throw new CommandError("-d and -x are mutually exclusive");
                                radix10 = true;
                            }
                            case 'u' -> user = true;
                            default -> bad.append(c);
                        }
                    }
                } else {
                    words.add(a);
                }
            }
            if (!bad.isEmpty() || words.isEmpty()) {
                for (char c : bad.toString().toCharArray()) s.err.println("p: invalid option -- '" + c + "'");
                out.print("Usage:\n  p [-x|-d][-u] [expression | symbol[:cpuspec]]\nEnter \"help p\" for details.\n");
                return;
            }
        }
        if (words.isEmpty()) throw new CommandError("gdb", "gdb request failed: " + cmd);
        if (!gdb) {
            String first = words.getFirst();
            int colon = first.lastIndexOf(':');
            String name = colon > 0 ? first.substring(0, colon) : first;
            if (PerCpuPrint.perCpu(s, name)) {
                PerCpuPrint.print(s, name, colon > 0 ? first.substring(colon + 1) : null, fmt, out);
                return;
            }
        }
        String expr = String.join(" ", words);
        String request = (gdb ? cmd : "p") + " " + expr;
        String leader = !gdb && s.kernel.symbol(words.getFirst()) != 0 ? words.getFirst() : null;
        String answer;
        // -u reads a user address of the current context; kdx reads kernel memory only, and a kernel address fails there as in crash
        if (user) throw new CommandError("p", "gdb request failed: " + request);
        try {
            answer = answer(s, expr, fmt);
        } catch (RuntimeException e) { // ExprError, MemoryFault, MissingTypeException, an object too big to print: crash's one line
            throw new CommandError(gdb ? "gdb" : "p", "gdb request failed: " + request);
        }
        out.println(led(leader, "$" + ++s.printCount + " = " + answer));
    }

    /**
     * VALUE after crash's leader "NAME = " (process_gdb_output): a first line that opens a brace with
     * more after it has the brace moved to a line of its own. No leader: VALUE as it is.
     */
    static String led(String leader, String value) {
        if (leader == null) return value;
        int nl = value.indexOf('\n'), brace = value.indexOf('{');
        if (brace >= 0 && (nl < 0 || brace < nl) && brace + 1 < value.length() && value.charAt(brace + 1) != '\n') {
            value = value.substring(0, brace) + "\n {" + value.substring(brace + 1);
        }
        return leader + " = " + value;
    }

    /** A word such as "-1" after the expression began: part of it (kdx); crash would read it as options. */
    private static boolean isNumberWord(String a, List<String> before) {
        return !before.isEmpty() && a.length() > 1 && !a.substring(1).chars().allMatch(c -> "dhxu".indexOf(c) >= 0);
    }

    /** What gdb prints after "$N = " for EXPR in format FMT (0, 'h' radix 16, or one of gdb's /x /d /u /o /t /z /c /a /s). */
    static String answer(CrashSession s, String expr, char fmt) {
        return render(s, new CEval(s.kernel).eval(expr), fmt);
    }

    /** V as gdb prints a value after "$N = ". */
    static String render(CrashSession s, Value v, char fmt) {
        GdbValue g = new GdbValue(s.kernel, fmt);
        Type r = v.type().resolved();
        StringBuilder sb = new StringBuilder();
        byte[] b;
        if (v.lvalue()) {
            if (r.kind() == Type.Kind.FUNCTION || r.kind() == Type.Kind.VOID) throw new CExpr.ExprError("kdx does not print functions");
            b = g.read(v.address(), Math.max(1, r.size()));
        } else {
            b = new byte[8];
            for (int i = 0; i < 8; i++) b[i] = (byte) (v.bits() >>> (8 * i));
            if (r.kind() == Type.Kind.VOID) throw new CExpr.ExprError("kdx does not print void");
        }
        if (r.kind() == Type.Kind.POINTER && !GdbValue.numeric(fmt) && !charPointer(r) && !functionPointer(r)) {
            sb.append('(').append(CTypes.gdbSpelling(v.type().cName())).append(") ");
        }
        g.value(v.type(), b, 0, v.bitOffset(), v.bitSize(), 0, sb);
        return sb.toString();
    }

    private static boolean charPointer(Type r) {
        Type t = r.target() == null ? null : r.target().resolved();
        return t != null && t.kind() == Type.Kind.BASE && t.size() == 1 && t.name() != null && t.name().contains("char");
    }

    private static boolean functionPointer(Type r) {
        Type t = r.target() == null ? null : r.target().resolved();
        return t != null && t.kind() == Type.Kind.FUNCTION;
    }
}
