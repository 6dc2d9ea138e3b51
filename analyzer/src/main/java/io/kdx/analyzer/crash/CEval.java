package io.kdx.analyzer.crash;

import io.kdx.analyzer.crash.CExpr.Binary;
import io.kdx.analyzer.crash.CExpr.Cast;
import io.kdx.analyzer.crash.CExpr.Cond;
import io.kdx.analyzer.crash.CExpr.ExprError;
import io.kdx.analyzer.crash.CExpr.Field;
import io.kdx.analyzer.crash.CExpr.Index;
import io.kdx.analyzer.crash.CExpr.Node;
import io.kdx.analyzer.crash.CExpr.Num;
import io.kdx.analyzer.crash.CExpr.SizeofExpr;
import io.kdx.analyzer.crash.CExpr.SizeofType;
import io.kdx.analyzer.crash.CExpr.TypeName;
import io.kdx.analyzer.crash.CExpr.Unary;
import io.kdx.analyzer.crash.CExpr.Var;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.Scalars;
import io.kdx.symbols.Member;
import io.kdx.symbols.Type;

/**
 * Evaluates a {@link CExpr} tree against the dumped kernel as gdb does for crash's {@code p}: a
 * variable, member or element is an lvalue (its type and address; nothing is read until its value
 * is needed), a pointer is followed by {@code ->}, {@code *} and {@code [i]}, arrays decay to
 * pointers in arithmetic, integers follow C's promotions and usual conversions (LP64), pointer
 * arithmetic scales by the pointee's size. Unreadable memory surfaces as the kernel's MemoryFault.
 */
final class CEval {
    /** A result: an lvalue (type, address, bit field) or an rvalue (type, the scalar's bits). */
    record Value(Type type, boolean lvalue, long address, int bitOffset, int bitSize, long bits) {
        static Value lvalue(Type t, long address) {
            return new Value(t, true, address, 0, 0, 0);
        }

        static Value of(Type t, long bits) {
            return new Value(t, false, 0, 0, 0, CTypes.fit(t, bits));
        }

        static Value pointer(Type t, long bits) {
            return new Value(t, false, 0, 0, 0, bits);
        }
    }

    private final Kernel k;

    CEval(Kernel k) {
        this.k = k;
    }

    /** Whether NAME is a type name (a typedef or base type) and no variable: what makes "(NAME)" a cast. */
    boolean isTypedef(String name) {
        if (k.symbol(name) != 0) return false;
        Type t = k.types().named(name);
        return t != null && (t.kind() == Type.Kind.TYPEDEF || t.kind() == Type.Kind.BASE);
    }

    Value eval(String expr) {
        return eval(CExpr.parse(expr, this::isTypedef));
    }

    Value eval(Node n) {
        return switch (n) {
            case Num x -> Value.of(type(x.type()), x.value());
            case Var x -> variable(x.name());
            case Field x -> field(x);
            case Index x -> {
                Value p = decay(eval(x.base()));
                Value i = decay(eval(x.index()));
                if (!pointer(p) || !integer(i)) throw new ExprError("cannot subscript something of type `" + p.type().cName() + "'");
                Type t = p.type().resolved().target();
                yield Value.lvalue(t, scalar(p) + scalar(i) * elementSize(t));
            }
            case Unary x -> unary(x.op(), x.operand());
            case Cast x -> cast(type(x.type()), decay(eval(x.operand())));
            case SizeofType x -> sizeOf(type(x.type()));
            case SizeofExpr x -> sizeOf(eval(x.operand()).type());
            case Binary x -> binary(x);
            case Cond x -> truth(eval(x.test())) ? eval(x.then()) : eval(x.otherwise());
        };
    }

    private Value variable(String name) {
        Type t = k.types().variableType(name);
        long addr = k.symbol(name);
        if (addr == 0) {
            java.util.OptionalLong e = k.types().enumerator(name);
            if (e.isPresent()) return Value.of(CTypes.enumeratorType(name, e.getAsLong()), e.getAsLong());
            throw new ExprError("No symbol \"" + name + "\" in current context.");
        }
        if (t == null) throw new ExprError("'" + name + "' has unknown type; cast it to its declared type");
        Type r = t.resolved();
        if (r.kind() == Type.Kind.ARRAY && r.count() == 0 && r.target() != null && k.symbols().hasSizes()) {
            // an array declared without its size (extern const char linux_banner[]): the symbol's size gives it, as gdb's definition does
            io.kdx.symbols.SymbolHit h = k.symbols().lookup(addr - k.kaslrOffset());
            long element = r.target().resolved().size();
            if (h != null && h.offset() == 0 && h.size() > 0 && element > 0) t = CTypes.arrayOf(r.target(), h.size() / element);
        }
        return Value.lvalue(t, addr);
    }

    /** base.m and base->m; gdb also takes "." through a pointer and "->" on a struct, and so does kdx. */
    private Value field(Field x) {
        Value b = eval(x.base());
        Type r = b.type().resolved();
        long addr;
        if (r.kind() == Type.Kind.POINTER && r.target() != null) {
            addr = scalar(b);
            r = r.target().resolved();
        } else if (b.lvalue()) {
            addr = b.address();
        } else {
            throw new ExprError("Attempt to extract a component of a value that is not a structure" + (x.arrow() ? " pointer." : "."));
        }
        if (r.kind() != Type.Kind.STRUCT && r.kind() != Type.Kind.UNION) {
            throw new ExprError("Attempt to extract a component of a value that is not a structure" + (x.arrow() ? " pointer." : "."));
        }
        Member m = r.member(x.member());
        if (m == null) throw new ExprError("There is no member named " + x.member() + ".");
        return new Value(m.type(), true, addr + m.offset(), m.bitOffset(), m.bitSize(), 0);
    }

    private Value unary(String op, Node operand) {
        if (op.equals("&")) {
            Value v = eval(operand);
            if (!v.lvalue()) throw new ExprError("Attempt to take address of value not located in memory.");
            if (v.bitSize() != 0) throw new ExprError("Attempt to take address of value not located in memory.");
            return Value.pointer(CTypes.pointerTo(v.type()), v.address());
        }
        Value v = decay(eval(operand));
        switch (op) {
            case "*" -> {
                Type r = v.type().resolved();
                if (!pointer(v) || r.target() == null || r.target().resolved().kind() == Type.Kind.VOID) {
                    throw new ExprError("Attempt to take contents of a non-pointer value.");
                }
                return Value.lvalue(r.target(), scalar(v));
            }
            case "!" -> {
                return Value.of(CTypes.INT, truth(v) ? 0 : 1);
            }
            default -> {
                if (!integer(v)) throw new ExprError("Argument to arithmetic operation not a number or boolean.");
                Type t = CTypes.promote(v.type().resolved());
                long x = scalar(v);
                return Value.of(t, op.equals("-") ? -x : op.equals("~") ? ~x : x);
            }
        }
    }

    private Value cast(Type to, Value v) {
        Type r = to.resolved();
        if (r.kind() == Type.Kind.POINTER || CTypes.integer(r)) {
            if (!pointer(v) && !integer(v)) throw new ExprError("Invalid cast.");
            long x = scalar(v);
            return r.kind() == Type.Kind.POINTER ? Value.pointer(to, x) : Value.of(to, x);
        }
        if (r.kind() == Type.Kind.VOID) return Value.of(to, 0);
        throw new ExprError("Invalid cast.");
    }

    private Value sizeOf(Type t) {
        long size = t.resolved().size();
        if (size < 0) throw new ExprError("Attempt to use a type name as an expression");
        return Value.of(CTypes.ULONG, size);
    }

    private Value binary(Binary x) {
        String op = x.op();
        if (op.equals("&&")) return Value.of(CTypes.INT, truth(eval(x.left())) && truth(eval(x.right())) ? 1 : 0);
        if (op.equals("||")) return Value.of(CTypes.INT, truth(eval(x.left())) || truth(eval(x.right())) ? 1 : 0);
        Value a = decay(eval(x.left())), b = decay(eval(x.right()));
        boolean pa = pointer(a), pb = pointer(b);
        if (pa || pb) return pointerArithmetic(op, a, b, pa, pb);
        if (!integer(a) || !integer(b)) throw new ExprError("Argument to arithmetic operation not a number or boolean.");
        long l = scalar(a), r = scalar(b);
        if (op.equals("<<") || op.equals(">>")) {
            Type t = CTypes.promote(a.type().resolved());
            long shifted = op.equals("<<") ? (r >= 64 || r < 0 ? 0 : l << r) : t.signed() ? l >> Math.min(63, r) : r >= 64 ? 0 : l >>> r;
            return Value.of(t, shifted);
        }
        Type t = CTypes.common(a.type(), b.type());
        l = CTypes.fit(t, l);
        r = CTypes.fit(t, r);
        boolean unsigned = !t.signed();
        return switch (op) {
            case "+" -> Value.of(t, l + r);
            case "-" -> Value.of(t, l - r);
            case "*" -> Value.of(t, l * r);
            case "/", "%" -> {
                if (r == 0) throw new ExprError("Division by zero");
                long q = unsigned ? (op.equals("/") ? Long.divideUnsigned(l, r) : Long.remainderUnsigned(l, r)) : op.equals("/") ? l / r : l % r;
                yield Value.of(t, q);
            }
            case "&" -> Value.of(t, l & r);
            case "|" -> Value.of(t, l | r);
            case "^" -> Value.of(t, l ^ r);
            default -> Value.of(CTypes.INT, compare(op, unsigned ? Long.compareUnsigned(l, r) : Long.compare(l, r)) ? 1 : 0);
        };
    }

    private Value pointerArithmetic(String op, Value a, Value b, boolean pa, boolean pb) {
        long l = scalar(a), r = scalar(b);
        if (pa && pb) {
            if (op.equals("-")) {
                long size = elementSize(a.type().resolved().target());
                return Value.of(CTypes.LONG, (l - r) / size);
            }
            if (!op.equals("+") && !op.equals("*") && !op.equals("/") && !op.equals("%")) {
                return Value.of(CTypes.INT, compare(op, Long.compareUnsigned(l, r)) ? 1 : 0);
            }
            throw new ExprError("Argument to arithmetic operation not a number or boolean.");
        }
        Value p = pa ? a : b;
        Value i = pa ? b : a;
        if (!integer(i)) throw new ExprError("Argument to arithmetic operation not a number or boolean.");
        long size = elementSize(p.type().resolved().target());
        if (op.equals("+")) return Value.pointer(p.type(), scalar(p) + scalar(i) * size);
        if (op.equals("-") && pa) return Value.pointer(p.type(), l - r * size);
        if (compareOp(op)) return Value.of(CTypes.INT, compare(op, Long.compareUnsigned(l, r)) ? 1 : 0);
        throw new ExprError("Argument to arithmetic operation not a number or boolean.");
    }

    private static boolean compareOp(String op) {
        return switch (op) {
            case "==", "!=", "<", ">", "<=", ">=" -> true;
            default -> false;
        };
    }

    private static boolean compare(String op, int c) {
        return switch (op) {
            case "==" -> c == 0;
            case "!=" -> c != 0;
            case "<" -> c < 0;
            case ">" -> c > 0;
            case "<=" -> c <= 0;
            case ">=" -> c >= 0;
            default -> throw new ExprError("Argument to arithmetic operation not a number or boolean.");
        };
    }

    /** The pointee's size for pointer arithmetic; gdb counts void (and functions) as 1. */
    private static long elementSize(Type t) {
        if (t == null) return 1;
        long s = t.resolved().size();
        return s <= 0 ? 1 : s;
    }

    /** An array becomes a pointer to its first element, a function a pointer to it; anything else stays. */
    Value decay(Value v) {
        Type r = v.type().resolved();
        if (v.lvalue() && r.kind() == Type.Kind.ARRAY) return Value.pointer(CTypes.pointerTo(r.target()), v.address());
        if (v.lvalue() && r.kind() == Type.Kind.FUNCTION) return Value.pointer(CTypes.pointerTo(v.type()), v.address());
        return v;
    }

    private static boolean pointer(Value v) {
        return v.type().resolved().kind() == Type.Kind.POINTER;
    }

    private static boolean integer(Value v) {
        return CTypes.integer(v.type().resolved());
    }

    private boolean truth(Value v) {
        v = decay(v);
        if (!pointer(v) && !integer(v)) throw new ExprError("Argument to arithmetic operation not a number or boolean.");
        return scalar(v) != 0;
    }

    /** The scalar an integer or pointer value holds, read from the dump when it is an lvalue. */
    long scalar(Value v) {
        if (!v.lvalue()) return v.bits();
        Type r = v.type().resolved();
        int size = (int) Math.min(8, Math.max(1, r.size()));
        byte[] b = new byte[size];
        k.read(v.address(), b, 0, size);
        return r.kind() == Type.Kind.POINTER ? Scalars.raw(b, 0, 8) : Scalars.scalar(r, b, 0, v.bitOffset(), v.bitSize());
    }

    /** The kernel's type for a written type name, with its pointers. */
    Type type(TypeName n) {
        Type t;
        if (n.tag() != null) {
            String name = n.words().getFirst();
            t = n.tag().equals("enum") ? k.types().named("enum " + name) : k.types().struct(name);
            if (t != null && n.tag().equals("union") != (t.resolved().kind() == Type.Kind.UNION)) t = k.types().named(n.tag() + " " + name);
            if (t == null) throw new ExprError("No " + n.tag() + " type named " + name + ".");
        } else if (CTypes.keyword(n.words().getFirst())) {
            t = CTypes.builtin(n.words());
            if (t == null) throw new ExprError("A syntax error in expression, near `" + String.join(" ", n.words()) + "'.");
        } else {
            t = k.types().named(n.words().getFirst());
            if (t == null) throw new ExprError("No symbol \"" + n.words().getFirst() + "\" in current context.");
        }
        for (int i = 0; i < n.stars(); i++) t = CTypes.pointerTo(t);
        return t;
    }
}
