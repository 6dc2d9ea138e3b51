package io.kdx.analyzer.crash;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The C expressions crash hands to gdb's {@code print}, parsed by C's precedence: primary
 * (variables, integer and character literals, parentheses), postfix ({@code .m}, {@code ->m},
 * {@code [i]}), unary ({@code - + ! ~ * &}, casts, {@code sizeof}), then {@code * / %}, {@code + -},
 * shifts, relations, equality, {@code & ^ |}, {@code && ||} and {@code ?:}. A parenthesised name is
 * a cast when the kernel's types know it as a type (gdb's rule). Errors carry gdb's wording.
 */
final class CExpr {
    /** A parse or evaluation failure, in gdb's words ("A syntax error in expression, near `'."). */
    static final class ExprError extends RuntimeException {
        ExprError(String message) {
            super(message, null, false, false);
        }
    }

    sealed interface Node {}

    record Num(long value, TypeName type) implements Node {}

    record Var(String name) implements Node {}

    record Field(Node base, String member, boolean arrow) implements Node {}

    record Index(Node base, Node index) implements Node {}

    record Unary(String op, Node operand) implements Node {}

    record Cast(TypeName type, Node operand) implements Node {}

    record SizeofType(TypeName type) implements Node {}

    record SizeofExpr(Node operand) implements Node {}

    record Binary(String op, Node left, Node right) implements Node {}

    record Cond(Node test, Node then, Node otherwise) implements Node {}

    /** A type as written: "struct NAME", a typedef name, or base keywords; then {@code stars} pointers. */
    record TypeName(String tag, List<String> words, int stars) {
        static TypeName builtin(String... words) {
            return new TypeName(null, List.of(words), 0);
        }

        @Override
        public String toString() {
            return (tag == null ? "" : tag + " ") + String.join(" ", words) + (stars > 0 ? " " + "*".repeat(stars) : "");
        }
    }

    private static final String[] OPS = {"->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "(", ")", "[", "]", ".", "*", "&", "+",
            "-", "!", "~", "/", "%", "<", ">", "^", "|", "?", ":"};

    private record Token(String text, int at, char kind) {} // kind: i identifier, n number, c char, o operator, $ end

    private final String src;
    private final List<Token> tokens = new ArrayList<>();
    private final Predicate<String> isTypedef;
    private int pos;

    private CExpr(String src, Predicate<String> isTypedef) {
        this.src = src;
        this.isTypedef = isTypedef;
    }

    /** The tree of SRC; IS_TYPEDEF tells a typedef name (pid_t, u64) from a variable. */
    static Node parse(String src, Predicate<String> isTypedef) {
        CExpr p = new CExpr(src, isTypedef);
        p.lex();
        if (p.peek().kind == '$') throw p.syntax();
        Node n = p.conditional();
        if (p.peek().kind != '$') throw p.syntax();
        return n;
    }

    private void lex() {
        int i = 0, n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(src.charAt(j)) || src.charAt(j) == '_')) j++;
                tokens.add(new Token(src.substring(i, j), i, 'i'));
                i = j;
            } else if (Character.isDigit(c)) {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(src.charAt(j)) || src.charAt(j) == '.')) j++;
                tokens.add(new Token(src.substring(i, j), i, 'n'));
                i = j;
            } else if (c == '\'') {
                boolean escaped = i + 1 < n && src.charAt(i + 1) == '\\';
                int j = src.indexOf('\'', i + (escaped ? 3 : 2));
                if (j < 0) throw new ExprError("Unmatched single quote.");
                tokens.add(new Token(src.substring(i, j + 1), i, 'c'));
                i = j + 1;
            } else {
                String op = null;
                for (String o : OPS) if (src.startsWith(o, i)) { op = o; break; }
                if (op == null) throw new ExprError("Invalid character '" + c + "' in expression.");
                tokens.add(new Token(op, i, 'o'));
                i += op.length();
            }
        }
        tokens.add(new Token("", n, '$'));
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private Token peek(int ahead) {
        return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
    }

    private boolean eat(String op) {
        Token t = peek();
        if ((t.kind == 'o' || t.kind == 'i') && t.text.equals(op)) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(String op) {
        if (!eat(op)) throw syntax();
    }

    private ExprError syntax() {
        return new ExprError("A syntax error in expression, near `" + src.substring(peek().at) + "'.");
    }

    /** Nesting deeper than this is refused, so that no input can exhaust the stack. */
    static final int MAX_DEPTH = 256;
    private int depth;

    private Node conditional() {
        if (++depth > MAX_DEPTH) throw new ExprError("Expression nested too deeply.");
        try {
            Node c = binary(0);
            if (!eat("?")) return c;
            Node a = conditional();
            expect(":");
            return new Cond(c, a, conditional());
        } finally {
            depth--;
        }
    }

    /** Binary operators by C's precedence, lowest first; all left-associative. */
    private static final List<List<String>> LEVELS = List.of(List.of("||"), List.of("&&"), List.of("|"), List.of("^"), List.of("&"),
            List.of("==", "!="), List.of("<", ">", "<=", ">="), List.of("<<", ">>"), List.of("+", "-"), List.of("*", "/", "%"));

    private Node binary(int level) {
        if (level == LEVELS.size()) return unary();
        Node left = binary(level + 1);
        while (peek().kind == 'o' && LEVELS.get(level).contains(peek().text)) {
            String op = tokens.get(pos++).text;
            left = new Binary(op, left, binary(level + 1));
        }
        return left;
    }

    private Node unary() {
        if (++depth > MAX_DEPTH) throw new ExprError("Expression nested too deeply.");
        try {
            return unaryAt();
        } finally {
            depth--;
        }
    }

    private Node unaryAt() {
        Token t = peek();
        if (t.kind == 'o' && List.of("-", "+", "!", "~", "*", "&").contains(t.text)) {
            pos++;
            return new Unary(t.text, unary());
        }
        if (t.kind == 'i' && t.text.equals("sizeof")) {
            pos++;
            if (peek().text.equals("(") && startsType(peek(1))) {
                pos++;
                TypeName tn = typeName();
                expect(")");
                return new SizeofType(tn);
            }
            return new SizeofExpr(unary());
        }
        if (t.kind == 'o' && t.text.equals("(") && startsType(peek(1))) {
            pos++;
            TypeName tn = typeName();
            expect(")");
            return new Cast(tn, unary());
        }
        return postfix(primary());
    }

    private boolean startsType(Token t) {
        if (t.kind != 'i') return false;
        return t.text.equals("struct") || t.text.equals("union") || t.text.equals("enum") || t.text.equals("const")
                || t.text.equals("volatile") || CTypes.keyword(t.text) || isTypedef.test(t.text);
    }

    private TypeName typeName() {
        while (eat("const") || eat("volatile")) {
            // qualifiers do not change what p prints
        }
        String tag = null;
        List<String> words = new ArrayList<>();
        Token t = peek();
        if (t.kind == 'i' && (t.text.equals("struct") || t.text.equals("union") || t.text.equals("enum"))) {
            tag = t.text;
            pos++;
            if (peek().kind != 'i') throw syntax();
            words.add(tokens.get(pos++).text);
        } else if (t.kind == 'i' && CTypes.keyword(t.text)) {
            while (peek().kind == 'i' && CTypes.keyword(peek().text)) words.add(tokens.get(pos++).text);
        } else if (t.kind == 'i') {
            words.add(tokens.get(pos++).text);
        } else {
            throw syntax();
        }
        int stars = 0;
        while (true) {
            if (eat("*")) stars++;
            else if (!eat("const") && !eat("volatile")) break;
        }
        return new TypeName(tag, List.copyOf(words), stars);
    }

    private Node primary() {
        Token t = peek();
        switch (t.kind) {
            case 'i' -> {
                pos++;
                return new Var(t.text);
            }
            case 'n' -> {
                pos++;
                return number(t.text);
            }
            case 'c' -> {
                pos++;
                return new Num(character(t.text), TypeName.builtin("char"));
            }
            default -> {
                if (eat("(")) {
                    Node n = conditional();
                    expect(")");
                    return n;
                }
                throw syntax();
            }
        }
    }

    private Node postfix(Node n) {
        while (true) {
            if (eat(".")) {
                n = new Field(n, member(), false);
            } else if (eat("->")) {
                n = new Field(n, member(), true);
            } else if (eat("[")) {
                Node i = conditional();
                expect("]");
                n = new Index(n, i);
            } else {
                return n;
            }
        }
    }

    private String member() {
        Token t = peek();
        if (t.kind != 'i') throw syntax();
        pos++;
        return t.text;
    }

    /**
     * An integer literal typed as C types it: decimal as the first of int, long, unsigned long that
     * holds it; octal and hex as the first of int, unsigned int, long, unsigned long; U and L suffixes
     * narrow the choice.
     */
    static Num number(String text) {
        String s = text.toLowerCase(java.util.Locale.ROOT);
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == 'u' || s.charAt(end - 1) == 'l')) end--;
        String suffix = s.substring(end), digits = s.substring(0, end);
        boolean unsigned = suffix.contains("u");
        int longs = suffix.length() - (unsigned ? 1 : 0);
        int radix = 10;
        if (digits.startsWith("0x")) {
            radix = 16;
            digits = digits.substring(2);
        } else if (digits.length() > 1 && digits.startsWith("0")) {
            radix = 8;
            digits = digits.substring(1);
        }
        long v;
        try {
            if (digits.isEmpty() || longs > 2 || suffix.chars().filter(c -> c == 'u').count() > 1) throw new NumberFormatException();
            v = Long.parseUnsignedLong(digits, radix);
        } catch (NumberFormatException e) {
            throw new ExprError(radix == 10 && text.contains(".") ? "kdx's p has no floating-point numbers: " + text
                    : "Invalid number \"" + text + "\".");
        }
        boolean fitsInt = Long.compareUnsigned(v, 0x7fffffffL) <= 0, fitsUint = Long.compareUnsigned(v, 0xffffffffL) <= 0;
        boolean fitsLong = v >= 0;
        if (longs == 0 && !unsigned && fitsInt) return new Num(v, TypeName.builtin("int"));
        if (longs == 0 && (unsigned || radix != 10) && fitsUint) return new Num(v, TypeName.builtin("unsigned", "int"));
        if (!unsigned && fitsLong) return new Num(v, TypeName.builtin("long"));
        return new Num(v, TypeName.builtin("unsigned", "long"));
    }

    /** 'a', '\n', '\0', '\x41', '\101'. */
    static long character(String lit) {
        String b = lit.substring(1, lit.length() - 1);
        if (b.isEmpty()) throw new ExprError("Empty character constant.");
        if (b.charAt(0) != '\\') return b.charAt(0);
        if (b.length() < 2) throw new ExprError("Unmatched single quote.");
        char e = b.charAt(1);
        return switch (e) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'a' -> 7;
            case 'b' -> 8;
            case 'f' -> 12;
            case 'v' -> 11;
            case 'e' -> 27;
            case 'x' -> Long.parseLong(b.substring(2), 16) & 0xff;
            default -> Character.isDigit(e) ? Long.parseLong(b.substring(1), 8) & 0xff : e;
        };
    }
}
