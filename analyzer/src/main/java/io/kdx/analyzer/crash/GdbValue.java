package io.kdx.analyzer.crash;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.symbols.Member;
import io.kdx.symbols.SymbolHit;
import io.kdx.symbols.Type;

/**
 * A value printed as crash's embedded gdb prints it (crash's struct and p): members as
 * {@code name = value} two spaces deeper per level, anonymous members as bare braces, arrays of
 * structs as {@code {{...}, {...}}}, chars as {@code 0 '\000'}, char arrays as strings with octal
 * escapes, pointers in hex (a function's with {@code <name>}), enums by name.
 */
final class GdbValue {
    /** crash sets gdb's print elements to 256 (gdb_interface.c) and its repeat threshold out of reach. */
    static final int MAX_DEPTH = 16, MAX_ELEMENTS = 256, MAX_BYTES = 1 << 20;

    private final Kernel k;
    /**
     * How numbers print: 0 as gdb's default (decimal), 'h' with output-radix 16 (crash's p -x: integers
     * and chars in hex, pointers, enums and strings as ever), 'x', 'd', 'u', 'o', 't', 'z', 'c' and 'a'
     * as gdb's output formats of those letters (every scalar, char arrays included, as a number;
     * pointers bare), 's' as the default (crash 8.0.2 printed char arrays, integers and pointers alike with and without it).
     */
    private final char format;

    GdbValue(Kernel k) {
        this(k, (char) 0);
    }

    /**
     * gdb's print formats that show every scalar as a number of its bits: hex, signed, unsigned, octal,
     * binary, zero-padded hex, a character (the low byte), an address (hex and its symbol).
     */
    static boolean numeric(char format) {
        return "xduotzca".indexOf(format) >= 0;
    }

    /** gdb's print formats kdx prints: the numeric ones and 's'. */
    static boolean known(char format) {
        return numeric(format) || format == 's';
    }

    GdbValue(Kernel k, char format) {
        this.k = k;
        this.format = format;
    }

    /** The bytes of an object of {@code size} at {@code address}; a MemoryFault when unreadable. */
    byte[] read(long address, long size) {
        if (size <= 0 || size > MAX_BYTES) throw new CrashSession.CommandError("cannot print an object of " + size + " bytes");
        byte[] b = new byte[(int) size];
        k.read(address, b, 0, b.length);
        return b;
    }

    void value(Type t, byte[] b, int off, int bitOffset, int bitSize, int depth, StringBuilder sb) {
        Type r = t.resolved();
        switch (r.kind()) {
            case STRUCT, UNION -> members(r, b, off, depth, sb);
            case ARRAY -> array(r, b, off, depth, sb);
            case POINTER -> {
                if (numeric(format)) number(raw(b, off, 8), 64, false, sb); // /d reads it signed all the same
                else pointer(r, raw(b, off, 8), sb);
            }
            case ENUM -> {
                long v = scalar(r, b, off, bitOffset, bitSize);
                String name = null;
                for (Type.Enumerator e : r.enumerators()) if (e.value() == v) name = e.name();
                if (numeric(format) || name == null && format == 'h') number(v, bits(r, bitSize), r.signed(), sb);
                else sb.append(name != null ? name : Long.toString(v));
            }
            case BASE -> base(r, scalar(r, b, off, bitOffset, bitSize), bits(r, bitSize), sb);
            case FUNCTION -> sb.append("{...}");
            default -> sb.append("<unknown type>");
        }
    }

    /** The members of a struct, braces included; the closing brace at {@code depth}. */
    void members(Type r, byte[] b, int off, int depth, StringBuilder sb) {
        sb.append("{\n");
        if (depth >= MAX_DEPTH) {
            sb.append("  ".repeat(depth + 1)).append("...\n");
        } else {
            boolean first = true;
            for (Member m : r.members()) {
                if (!first) sb.append(",\n");
                first = false;
                sb.append("  ".repeat(depth + 1));
                if (m.name() != null) sb.append(m.name()).append(" = ");
                value(m.type(), b, off + (int) m.offset(), m.bitOffset(), m.bitSize(), depth + 1, sb);
            }
            sb.append('\n');
        }
        sb.append("  ".repeat(depth)).append('}');
    }

    private void array(Type r, byte[] b, int off, int depth, StringBuilder sb) {
        Type e = r.target().resolved();
        long n = r.count();
        if (e.kind() == Type.Kind.BASE && e.size() == 1 && isChar(e) && !numeric(format)) {
            // gdb drops one final NUL of a char array it prints whole (crash 8.0.2: s_id[32] shows 31 characters), /s too
            long len = n > 0 && raw(b, off + (int) n - 1, 1) == 0 ? n - 1 : n;
            sb.append('"');
            for (long i = 0; i < Math.min(len, MAX_ELEMENTS); i++) sb.append(escape((int) raw(b, off + (int) i, 1), '"'));
            sb.append('"');
            if (len > MAX_ELEMENTS) sb.append("...");
            return;
        }
        sb.append('{');
        long es = Math.max(1, e.size());
        for (long i = 0; i < Math.min(n, MAX_ELEMENTS); i++) {
            if (i > 0) sb.append(", ");
            value(r.target(), b, off + (int) (i * es), 0, 0, depth + 1, sb);
        }
        if (n > MAX_ELEMENTS) sb.append("...");
        sb.append('}');
    }

    private void pointer(Type r, long v, StringBuilder sb) {
        sb.append("0x").append(Long.toHexString(v));
        if (v == 0) return;
        Type target = r.target() == null ? null : r.target().resolved();
        if (target != null && target.kind() == Type.Kind.FUNCTION) {
            String sym = symbol(v);
            if (sym != null) sb.append(" <").append(sym).append('>');
        } else if (target != null && target.kind() == Type.Kind.BASE && target.size() == 1 && isChar(target)) {
            // a string in the image names its symbol first, as other data pointers do (init_task.comm + 1: <init_task+2977>)
            String sym = inImage(v) ? symbol(v) : null;
            if (sym != null) sb.append(" <").append(sym).append('>');
            try {
                String s = k.readCString(v, MAX_ELEMENTS + 1);
                StringBuilder q = new StringBuilder(" \"");
                for (char c : s.substring(0, Math.min(s.length(), MAX_ELEMENTS)).toCharArray()) q.append(escape(c & 0xff, '"'));
                sb.append(q).append('"').append(s.length() > MAX_ELEMENTS ? "..." : "");
            } catch (MemoryFault e) {
                sb.append(" <error: Cannot access memory at address 0x").append(Long.toHexString(v)).append('>');
            }
        } else if (inImage(v)) {
            // gdb's "print symbol": a data pointer into the kernel image names its symbol (&jiffies: <jiffies_64>)
            String sym = symbol(v);
            if (sym != null) sb.append(" <").append(sym).append('>');
        }
    }

    private long text = -1, end;

    /** Whether v lies in the kernel image, [_text, _end). */
    private boolean inImage(long v) {
        if (text == -1) {
            text = k.symbol("_text");
            end = k.symbol("_end");
        }
        return text != 0 && end != 0 && Long.compareUnsigned(v, text) >= 0 && Long.compareUnsigned(v, end) < 0;
    }

    /** "name" or "name+off" of a kernel text or data address, or null. */
    String symbol(long v) {
        SymbolHit h = k.symbols().lookup(v - k.kaslrOffset());
        // gdb names no address by a symbol of size 0 when sizes are known (init_task.stack: no <init_stack>)
        if (h == null || (h.size() > 0 && h.offset() >= h.size()) || (h.size() == 0 && k.symbols().hasSizes())) return null;
        return h.offset() == 0 ? h.name() : h.name() + "+" + h.offset();
    }

    private static int bits(Type r, int bitSize) {
        return bitSize != 0 ? bitSize : (int) Math.min(64, 8 * Math.max(1, r.size()));
    }

    /**
     * V of BITS bits in the format: hex of the bits (/z padded to the width; /a with the symbol of the
     * address, as a pointer into the image shows it); octal with a leading 0 and binary, both "0" for
     * zero; /c the low byte as a number, signed as the type is, and as a character; /u unsigned; /d
     * signed (gdb's /d reads every integer as signed); else by SIGNED.
     */
    private void number(long v, int bits, boolean signed, StringBuilder sb) {
        long mask = bits >= 64 ? -1L : (1L << bits) - 1;
        long u = v & mask;
        if (format == 'x' || format == 'h') {
            sb.append("0x").append(Long.toHexString(u));
        } else if (format == 'z') {
            String h = Long.toHexString(u);
            sb.append("0x").append("0".repeat(Math.max(0, (bits + 3) / 4 - h.length()))).append(h);
        } else if (format == 'o') {
            sb.append(u == 0 ? "0" : "0" + Long.toOctalString(u));
        } else if (format == 't') {
            sb.append(Long.toBinaryString(u));
        } else if (format == 'c') {
            sb.append(signed ? (long) (byte) v : v & 0xff).append(" '").append(escape((int) (v & 0xff), '\'')).append('\'');
        } else if (format == 'a') {
            sb.append("0x").append(Long.toHexString(u));
            String sym = inImage(u) ? symbol(u) : null;
            if (sym != null) sb.append(" <").append(sym).append('>');
        } else if (format == 'u') {
            sb.append(Long.toUnsignedString(u));
        } else if (format == 'd' || signed) {
            sb.append(bits >= 64 ? v : ((v & mask) << (64 - bits)) >> (64 - bits));
        } else {
            sb.append(Long.toUnsignedString(v & mask));
        }
    }

    private void base(Type r, long v, int bits, StringBuilder sb) {
        String n = r.name() == null ? "" : r.name();
        if (numeric(format) || format == 'h' && !n.equals("_Bool") && !n.equals("bool")) {
            number(v, bits, r.signed(), sb);
        } else if (n.equals("_Bool") || n.equals("bool")) {
            sb.append(v == 0 ? "false" : v == 1 ? "true" : Long.toString(v));
        } else if (r.size() == 1 && isChar(r)) {
            sb.append(v).append(" '").append(escape((int) (v & 0xff), '\'')).append('\'');
        } else {
            sb.append(r.signed() ? Long.toString(v) : Long.toUnsignedString(v));
        }
    }

    private static boolean isChar(Type r) {
        return r.name() != null && r.name().contains("char");
    }

    /** gdb's escapes: C's \a \b \f \n \r \t \v, \000-style octal for the other unprintable, a backslash before the quote and the backslash. */
    static String escape(int c, char quote) {
        if (c == quote || c == '\\') return "\\" + (char) c;
        switch (c) {
            case 7: return "\\a";
            case '\b': return "\\b";
            case '\f': return "\\f";
            case '\n': return "\\n";
            case '\r': return "\\r";
            case '\t': return "\\t";
            case 11: return "\\v";
            default: break;
        }
        if (c >= 0x20 && c < 0x7f) return String.valueOf((char) c);
        return Fmt.format("\\%03o", c);
    }

    static long raw(byte[] b, int off, int size) {
        return io.kdx.analyzer.kernel.Scalars.raw(b, off, size);
    }

    private static long scalar(Type r, byte[] b, int off, int bitOffset, int bitSize) {
        return io.kdx.analyzer.kernel.Scalars.scalar(r, b, off, bitOffset, bitSize);
    }
}
