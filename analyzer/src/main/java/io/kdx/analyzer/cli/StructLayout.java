package io.kdx.analyzer.cli;

import io.kdx.analyzer.text.Fmt;
import io.kdx.symbols.Member;
import io.kdx.symbols.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A struct's layout as pahole -C prints it: declarations with "offset size" comments (bit fields
 * "offset:bit size"), anonymous structs and unions expanded in place with offsets from the start of
 * the outer struct; and the same as JSON rows with anonymous members flattened.
 */
final class StructLayout {
    static final int MAX_NESTING = 16;

    private StructLayout() {}

    static String text(Type t) {
        StringBuilder sb = new StringBuilder();
        sb.append(keyword(t)).append(' ').append(t.name()).append(" {\n");
        body(t, 0, 1, sb);
        sb.append("\n\t/* size: ").append(t.size()).append(", members: ").append(t.members().size()).append(" */\n};\n");
        return sb.toString();
    }

    static String keyword(Type t) {
        return t.resolved().kind() == Type.Kind.UNION ? "union" : "struct";
    }

    private static void body(Type t, long base, int depth, StringBuilder sb) {
        for (Member m : t.members()) {
            String indent = "\t".repeat(depth);
            Type mt = m.type().resolved();
            long off = base + m.offset();
            Type direct = m.type();
            if ((direct.kind() == Type.Kind.STRUCT || direct.kind() == Type.Kind.UNION) && direct.name() == null
                    && depth < MAX_NESTING) { // an anonymous type is printed in place, as pahole does
                sb.append(indent).append(keyword(direct)).append(" {\n");
                body(direct, off, depth + 1, sb);
                String close = "}" + (m.name() == null ? "" : " " + m.name()) + ";";
                sb.append(indent).append(close).append(pad(indent.length() * 8 + close.length())).append(comment(off, m.size(), m)).append('\n');
                continue;
            }
            String decl = declaration(m.type(), m.name() == null ? "" : m.name()) + (m.isBitField() ? ":" + m.bitSize() : "") + ";";
            sb.append(indent).append(decl).append(pad(indent.length() * 8 + decl.length())).append(comment(off, m.size(), m)).append('\n');
        }
    }

    private static String pad(int col) {
        return " ".repeat(Math.max(1, 48 - col));
    }

    private static String comment(long off, long size, Member m) {
        if (m.isBitField()) return Fmt.format("/* %5d:%2d %4d */", off, m.bitOffset(), size);
        return Fmt.format("/* %5d %5d */", off, size);
    }

    /** A C declaration of {@code name} with type {@code t}: "char s_id[32]", "void (*fn)()", "struct list_head *next". */
    static String declaration(Type t, String name) {
        StringBuilder suffix = new StringBuilder();
        Type cur = t;
        int guard = 0;
        while (cur.kind() == Type.Kind.ARRAY && guard++ < MAX_NESTING) {
            suffix.append('[').append(cur.count() == 0 ? "" : Long.toString(cur.count())).append(']');
            cur = cur.target();
        }
        if (cur.kind() == Type.Kind.POINTER && cur.target() != null && cur.target().kind() == Type.Kind.FUNCTION) {
            return cur.target().target().cName() + " (*" + name + suffix + ")()";
        }
        String base = cur.cName();
        String sep = base.endsWith("*") ? "" : " ";
        return Fmt.format("%-26s", base + sep) + name + suffix;
    }

    /**
     * A C comment after the layout when distinct types share the name, as file-local types of different
     * units do: how many, their sizes (the one shown first), so a reader knows the name is ambiguous
     * (pahole -C prints the first it meets and drgn the first of its index, neither says so). Empty
     * when the name has one definition.
     */
    static String definitionsNote(Type shown, List<Type> defs) {
        if (defs.size() < 2) return "";
        StringBuilder sizes = new StringBuilder();
        for (Type d : defs) sizes.append(sizes.isEmpty() ? "" : ", ").append(d.size());
        return "/* " + defs.size() + " distinct definitions of " + keyword(shown) + " " + shown.name()
                + " (sizes " + sizes + "); shown: the largest, " + shown.size() + " bytes */\n";
    }

    /** As {@link #json(Type, List)} for a name with one definition. */
    static Map<String, Object> json(Type t) {
        return json(t, List.of(t));
    }

    /**
     * JSON rows: name, offset, size, type, and bit_offset/bit_size for bit fields; anonymous members
     * flattened; {@code definitions}, how many distinct types share the name (1 normally), and
     * {@code definition_sizes}, theirs, the one shown first.
     */
    static Map<String, Object> json(Type t, List<Type> defs) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", t.name());
        o.put("kind", keyword(t));
        o.put("size", t.size());
        List<Map<String, Object>> rows = new ArrayList<>();
        rows(t, 0, 0, rows);
        o.put("members", rows);
        List<Type> all = defs.isEmpty() ? List.of(t) : defs;
        o.put("definitions", all.size());
        o.put("definition_sizes", all.stream().map(Type::size).toList());
        return o;
    }

    private static void rows(Type t, long base, int depth, List<Map<String, Object>> rows) {
        for (Member m : t.members()) {
            Type mt = m.type().resolved();
            if (m.name() == null && (mt.kind() == Type.Kind.STRUCT || mt.kind() == Type.Kind.UNION) && depth < MAX_NESTING) {
                rows(mt, base + m.offset(), depth + 1, rows);
                continue;
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", m.name());
            r.put("offset", base + m.offset());
            r.put("size", m.size());
            r.put("type", m.type().cName());
            if (m.isBitField()) {
                r.put("bit_offset", m.bitOffset());
                r.put("bit_size", m.bitSize());
            }
            rows.add(r);
        }
    }
}
