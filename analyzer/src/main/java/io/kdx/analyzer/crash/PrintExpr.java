package io.kdx.analyzer.crash;

import io.kdx.analyzer.crash.CrashSession.CommandError;
import io.kdx.symbols.Member;
import io.kdx.symbols.Type;
import java.io.PrintStream;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * crash's {@code p}: the expressions gdb evaluates that triage uses most, printed as crash shows
 * gdb's answer. {@code VAR}, {@code VAR.member}, {@code VAR->member} (through a pointer),
 * {@code VAR[i]}, chained ({@code VAR.a->b[2].c}), {@code &EXPR}, {@code sizeof(struct NAME)} or
 * {@code sizeof(TYPE)}; formats {@code p/x}, {@code p/d} (gdb's, the bare {@code $N = VALUE}) and
 * {@code p -x}, {@code p -d}, {@code px}, {@code pd} (crash's, which keep the {@code VAR = } prefix of a
 * plain variable). A top-level pointer shows its type as gdb does: {@code (struct mm_struct *) 0x0}.
 */
final class PrintExpr {
    private static final Pattern SIZEOF = Pattern.compile("sizeof\\s*\\(\\s*(.+?)\\s*\\)");
    private static final Pattern STEP = Pattern.compile("\\s*(?:(\\.|->)\\s*([A-Za-z_]\\w*)|\\[\\s*(-?(?:0x[0-9a-fA-F]+|\\d+))\\s*\\])");
    private static final Pattern IDENT = Pattern.compile("\\s*([A-Za-z_]\\w*)");

    private PrintExpr() {}

    /** An lvalue: its type, address, and bit field position when a bit field. */
    record Place(Type type, long address, int bitOffset, int bitSize) {}

    /** p, print, px, pd with their options: one line (or a multi-line struct) per expression, numbered as gdb's history. */
    static void print(CrashSession s, String cmd, List<String> args, PrintStream out) {
        char fmt = cmd.equals("px") ? 'x' : cmd.equals("pd") ? 'd' : 0;
        boolean gdbFormat = false;
        StringBuilder expr = new StringBuilder();
        for (String a : args) {
            if (expr.isEmpty() && (a.equals("-x") || a.equals("-d"))) fmt = a.charAt(1);
            else if (expr.isEmpty() && a.matches("/[xd]")) {
                fmt = a.charAt(1);
                gdbFormat = true;
            } else expr.append(expr.isEmpty() ? "" : " ").append(a);
        }
        if (cmd.matches("(p|print)/[xd]")) {
            fmt = cmd.charAt(cmd.length() - 1);
            gdbFormat = true;
        }
        String e = expr.toString().strip();
        if (e.isEmpty()) throw new CommandError("an expression is needed");
        GdbValue g = new GdbValue(s.kernel);
        StringBuilder sb = new StringBuilder();
        boolean plain = e.matches("[A-Za-z_]\\w*") && !gdbFormat;
        if (plain) sb.append(e).append(" = ");
        sb.append("$").append(++s.printCount).append(" = ");
        Matcher so = SIZEOF.matcher(e);
        if (so.matches()) {
            Type t = typeNamed(s, so.group(1));
            sb.append(fmt == 'x' ? "0x" + Long.toHexString(t.size()) : Long.toString(t.size()));
            out.println(sb);
            return;
        }
        boolean address = e.startsWith("&");
        Place p = place(s, address ? e.substring(1) : e);
        if (address) {
            sb.append('(').append(pointerTo(p.type())).append(") 0x").append(Long.toHexString(p.address()));
            String sym = g.symbol(p.address());
            if (sym != null) sb.append(" <").append(sym).append('>');
            out.println(sb);
            return;
        }
        Type r = p.type().resolved();
        byte[] b = g.read(p.address(), Math.max(1, r.size()));
        if (fmt != 0) {
            if (r.kind() != Type.Kind.BASE && r.kind() != Type.Kind.ENUM && r.kind() != Type.Kind.POINTER) {
                throw new CommandError("kdx prints -x/-d (/x, /d) of a number or pointer only");
            }
            long v = r.kind() == Type.Kind.POINTER ? GdbValue.raw(b, 0, 8)
                    : io.kdx.analyzer.kernel.Scalars.scalar(r, b, 0, p.bitOffset(), p.bitSize());
            int bits = p.bitSize() != 0 ? p.bitSize() : (int) Math.min(64, 8 * r.size());
            long mask = bits >= 64 ? -1L : (1L << bits) - 1;
            if (fmt == 'x') sb.append("0x").append(Long.toHexString(v & mask));
            else sb.append(r.signed() || bits == 64 ? Long.toString(v) : Long.toString(v & mask));
            out.println(sb);
            return;
        }
        if (r.kind() == Type.Kind.POINTER && !charPointer(r) && !functionPointer(r)) {
            sb.append('(').append(p.type().cName()).append(") ");
        }
        g.value(p.type(), b, 0, p.bitOffset(), p.bitSize(), 0, sb);
        out.println(sb);
    }

    private static boolean charPointer(Type r) {
        Type t = r.target() == null ? null : r.target().resolved();
        return t != null && t.kind() == Type.Kind.BASE && t.size() == 1 && t.name() != null && t.name().contains("char");
    }

    private static boolean functionPointer(Type r) {
        Type t = r.target() == null ? null : r.target().resolved();
        return t != null && t.kind() == Type.Kind.FUNCTION;
    }

    /** "struct task_struct *" for &init_task; an array's address is a pointer to the array, as gdb says. */
    private static String pointerTo(Type t) {
        if (t.kind() == Type.Kind.ARRAY) return t.target().cName() + " (*)[" + t.count() + "]";
        String n = t.cName();
        return n.endsWith("*") ? n + "*" : n + " *";
    }

    static Type typeNamed(CrashSession s, String name) {
        String n = name.strip().replaceAll("\\s+", " ");
        Type t = n.startsWith("struct ") || n.startsWith("union ") ? s.kernel.types().struct(n.substring(n.indexOf(' ') + 1))
                : s.kernel.types().named(n);
        if (t == null) throw new CommandError("no symbol \"" + n + "\" in current context.");
        return t;
    }

    /** Where EXPR lives: a global variable, then each .member, ->member and [index] in turn. */
    static Place place(CrashSession s, String expr) {
        Matcher id = IDENT.matcher(expr);
        if (!id.lookingAt()) throw new CommandError("a syntax error in expression, near `" + expr + "'.");
        String name = id.group(1);
        Type t = s.kernel.types().variableType(name);
        long addr = s.kernel.symbol(name);
        if (t == null || addr == 0) throw new CommandError("no symbol \"" + name + "\" in current context.");
        int at = id.end(), bitOffset = 0, bitSize = 0;
        Matcher st = STEP.matcher(expr);
        while (at < expr.length()) {
            st.region(at, expr.length());
            if (!st.lookingAt()) throw new CommandError("a syntax error in expression, near `" + expr.substring(at) + "'.");
            Type r = t.resolved();
            if (st.group(3) != null) {
                long i = st.group(3).startsWith("0x") ? Long.parseLong(st.group(3).substring(2), 16) : Long.parseLong(st.group(3));
                if (r.kind() == Type.Kind.ARRAY) {
                    t = r.target();
                } else if (r.kind() == Type.Kind.POINTER && r.target() != null) {
                    addr = s.kernel.readPointer(addr);
                    t = r.target();
                } else {
                    throw new CommandError("cannot subscript something of type `" + t.cName() + "'");
                }
                addr += i * t.resolved().size();
            } else {
                if (st.group(1).equals("->")) {
                    if (r.kind() != Type.Kind.POINTER || r.target() == null) {
                        throw new CommandError("The -> operator needs a pointer; `" + t.cName() + "' is not one.");
                    }
                    addr = s.kernel.readPointer(addr);
                    r = r.target().resolved();
                } else if (r.kind() == Type.Kind.POINTER) {
                    throw new CommandError("Attempt to extract a component of a value that is not a structure pointer.");
                }
                if (r.kind() != Type.Kind.STRUCT && r.kind() != Type.Kind.UNION) {
                    throw new CommandError("Attempt to extract a component of a value that is not a structure.");
                }
                Member m = r.member(st.group(2));
                if (m == null) throw new CommandError("There is no member named " + st.group(2) + ".");
                addr += m.offset();
                t = m.type();
                bitOffset = m.bitOffset();
                bitSize = m.bitSize();
            }
            at = st.end();
        }
        return new Place(t, addr, bitOffset, bitSize);
    }
}
