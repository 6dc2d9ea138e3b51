package io.kdx.symbols.types;

import io.kdx.symbols.Type;

/**
 * C spellings in pahole's style: "struct list_head", "long unsigned int" (DWARF base names as
 * written by the compiler), "char *", "const struct file_operations *", "long[4]", "void (*)()".
 */
final class CNames {
    private CNames() {}

    static String of(Type t) {
        StringBuilder sb = new StringBuilder();
        spell(t, sb, 0);
        return sb.toString();
    }

    private static void spell(Type t, StringBuilder sb, int depth) {
        if (depth > TypeNode.MAX_DEPTH) {
            sb.append("?");
            return;
        }
        switch (t.kind()) {
            case VOID -> sb.append("void");
            case BASE -> sb.append(t.name());
            case STRUCT -> sb.append("struct ").append(t.name() == null ? "{...}" : t.name());
            case UNION -> sb.append("union ").append(t.name() == null ? "{...}" : t.name());
            case ENUM -> sb.append("enum ").append(t.name() == null ? "{...}" : t.name());
            case TYPEDEF -> sb.append(t.name());
            case CONST -> {
                sb.append("const ");
                spell(t.target(), sb, depth + 1);
            }
            case VOLATILE -> {
                sb.append("volatile ");
                spell(t.target(), sb, depth + 1);
            }
            case POINTER -> {
                Type p = t.target();
                if (p.kind() == Type.Kind.FUNCTION) {
                    spell(p.target(), sb, depth + 1);
                    sb.append(" (*)()");
                } else {
                    spell(p, sb, depth + 1);
                    sb.append(sb.charAt(sb.length() - 1) == '*' ? "*" : " *");
                }
            }
            case ARRAY -> {
                spell(t.target(), sb, depth + 1);
                sb.append('[').append(t.count() == 0 ? "" : Long.toString(t.count())).append(']');
            }
            case FUNCTION -> {
                spell(t.target(), sb, depth + 1);
                sb.append(" ()");
            }
        }
    }
}
