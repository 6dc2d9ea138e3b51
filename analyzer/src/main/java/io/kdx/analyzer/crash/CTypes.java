package io.kdx.analyzer.crash;

import io.kdx.symbols.Member;
import io.kdx.symbols.Type;
import java.util.List;
import java.util.Map;

/**
 * The C types {@code p}'s expressions make that the kernel's types need not hold: gdb's built-in
 * integer types (a literal's {@code int}, a cast's {@code unsigned long}) and pointers to any type
 * (a cast's {@code struct task_struct *}, {@code &x}), spelled as gdb prints them. The usual
 * arithmetic conversions of C are here too: x86_64's LP64 sizes.
 */
final class CTypes {
    private CTypes() {}

    static final Type VOID = new Made(Type.Kind.VOID, "void", -1, false, null, 0);
    static final Type CHAR = base("char", 1, true), SCHAR = base("signed char", 1, true), UCHAR = base("unsigned char", 1, false);
    static final Type SHORT = base("short", 2, true), USHORT = base("unsigned short", 2, false);
    static final Type INT = base("int", 4, true), UINT = base("unsigned int", 4, false);
    static final Type LONG = base("long", 8, true), ULONG = base("unsigned long", 8, false);
    static final Type LLONG = base("long long", 8, true), ULLONG = base("unsigned long long", 8, false);
    static final Type BOOL = base("_Bool", 1, false);

    /** The built-in type spelled by C's keywords in any order ("long unsigned int", "unsigned"), or null. */
    static Type builtin(List<String> words) {
        int unsigned = 0, signed = 0, longs = 0, shorts = 0, ints = 0, chars = 0, other = 0;
        for (String w : words) {
            switch (w) {
                case "unsigned" -> unsigned++;
                case "signed" -> signed++;
                case "long" -> longs++;
                case "short" -> shorts++;
                case "int" -> ints++;
                case "char" -> chars++;
                default -> other++;
            }
        }
        if (words.size() == 1 && words.getFirst().equals("void")) return VOID;
        if (words.size() == 1 && words.getFirst().equals("_Bool")) return BOOL;
        if (other > 0 || unsigned + signed > 1 || ints > 1 || chars > 1 || longs > 2 || shorts > 1 || (shorts > 0 && longs > 0)) return null;
        if (chars == 1) return longs + shorts + ints > 0 ? null : unsigned > 0 ? UCHAR : signed > 0 ? SCHAR : CHAR;
        if (shorts == 1) return unsigned > 0 ? USHORT : SHORT;
        if (longs == 2) return unsigned > 0 ? ULLONG : LLONG;
        if (longs == 1) return unsigned > 0 ? ULONG : LONG;
        return unsigned > 0 ? UINT : INT;
    }

    private static final Map<String, String> KEYWORDS = Map.of("unsigned", "", "signed", "", "long", "", "short", "", "int", "",
            "char", "", "void", "", "_Bool", "");

    static boolean keyword(String w) {
        return KEYWORDS.containsKey(w);
    }

    static Type base(String name, long size, boolean signed) {
        return new Made(Type.Kind.BASE, name, size, signed, null, 0);
    }

    static Type pointerTo(Type t) {
        return new Made(Type.Kind.POINTER, null, 8, false, t, 0);
    }

    /** The type of an enumerator named alone (p SB_FREEZE_COMPLETE): an int-sized enum that knows that one name, so it prints by name. */
    static Type enumeratorType(String name, long value) {
        return new Made(Type.Kind.ENUM, null, 4, value < 0, null, 0, List.of(new Type.Enumerator(name, value)));
    }

    static Type arrayOf(Type element, long count) {
        return new Made(Type.Kind.ARRAY, null, 0, false, element, count);
    }

    /**
     * A type name as gdb prints it: GCC's DWARF says "long unsigned int", gdb "unsigned long" (and
     * "long", "short", "unsigned short", "long long", "unsigned long long" likewise).
     */
    static String gdbSpelling(String cName) {
        return cName.replaceAll("\\blong long unsigned int\\b", "unsigned long long").replaceAll("\\blong long int\\b", "long long")
                .replaceAll("\\blong unsigned int\\b", "unsigned long").replaceAll("\\blong int\\b", "long")
                .replaceAll("\\bshort unsigned int\\b", "unsigned short").replaceAll("\\bshort int\\b", "short");
    }

    /** Whether the resolved type is an integer (base types, enums, _Bool). */
    static boolean integer(Type r) {
        return r.kind() == Type.Kind.BASE || r.kind() == Type.Kind.ENUM;
    }

    /** C's integer promotion: what is narrower than int becomes int. */
    static Type promote(Type r) {
        if (r.kind() == Type.Kind.ENUM) return r.size() <= 4 ? (r.signed() ? INT : UINT) : r.signed() ? LONG : ULONG;
        if (r.size() < 4) return INT;
        return r;
    }

    /** The usual arithmetic conversions of two promoted integer types (LP64). */
    static Type common(Type a, Type b) {
        a = promote(a.resolved());
        b = promote(b.resolved());
        long size = Math.max(a.size(), b.size());
        boolean unsigned = (a.size() == size && !a.signed()) || (b.size() == size && !b.signed());
        if (size <= 4) return unsigned ? UINT : INT;
        return unsigned ? ULONG : LONG;
    }

    /** V truncated to the width of integer type T and extended by its sign (a bool is 0 or 1). */
    static long fit(Type t, long v) {
        Type r = t.resolved();
        if (r.kind() == Type.Kind.BASE && r.name() != null && (r.name().equals("_Bool") || r.name().equals("bool"))) return v != 0 ? 1 : 0;
        int bits = (int) Math.min(64, 8 * Math.max(1, r.size()));
        if (bits == 64) return v;
        return r.signed() ? (v << (64 - bits)) >> (64 - bits) : v & ((1L << bits) - 1);
    }

    /**
     * One made type: a base type (NAME, SIZE, SIGNED), or a pointer to or array of TARGET, spelled as gdb
     * spells it: "struct task_struct *", "char **", "char (*)[16]", "char[204]".
     */
    private record Made(Kind kind, String name, long size, boolean signed, Type target, long count, List<Type.Enumerator> enumerators)
            implements Type {
        Made(Kind kind, String name, long size, boolean signed, Type target, long count) {
            this(kind, name, size, signed, target, count, List.of());
        }

        @Override public long size() { return kind == Kind.ARRAY ? count * target.resolved().size() : size; }
        @Override public List<Member> members() { return List.of(); }
        @Override public Type resolved() { return this; }
        @Override public Member member(String path) { return null; }

        @Override
        public String cName() {
            return switch (kind) {
                case POINTER -> {
                    if (target.kind() == Kind.ARRAY) yield target.target().cName() + " (*)[" + target.count() + "]";
                    String n = target.cName();
                    yield n.endsWith("*") ? n + "*" : n + " *";
                }
                case ARRAY -> target.cName() + "[" + count + "]";
                case ENUM -> "enum {...}";
                default -> name;
            };
        }
    }
}
