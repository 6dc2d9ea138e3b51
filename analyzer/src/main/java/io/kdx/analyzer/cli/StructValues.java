package io.kdx.analyzer.cli;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.Kernels;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.dump.Dump;
import io.kdx.dump.DumpException;
import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.Member;
import io.kdx.symbols.Type;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code kdx struct NAME ADDRESS --dump DUMP}: the values of one instance, as crash's struct prints
 * them: nested structs in braces, pointers in hex, char arrays as strings, bit fields extracted,
 * enums by name. Reads the whole instance once; unreadable memory is reported, not guessed.
 */
final class StructValues {
    static final int MAX_DEPTH = 8, MAX_ELEMENTS = 64, MAX_SIZE = 1 << 20;

    private StructValues() {}

    static int print(StructCommand c) throws Exception {
        Long addr = SymCommand.parseAddress(c.address.strip());
        if (addr == null) throw new InputException(c.address + ": not an address (use hex, 0x...)");
        if (!Files.exists(c.dumpPath)) throw new DumpException(c.dumpPath, "no such file");
        try (Dump dump = Dump.open(c.dumpPath)) {
            KernelSymbols symbols = KernelCommand.symbolsFor(dump, c.symbolsPath);
            try (symbols; Kernel kernel = Kernels.open(dump, symbols)) {
                String n = c.name.strip().replaceFirst("^(struct|union) +", "");
                Type t = SymbolsArgs.checked(() -> symbols.types().struct(n));
                if (t == null) throw new InputException(symbols.source() + ": no struct or union named " + n);
                long size = t.size();
                if (size <= 0 || size > MAX_SIZE) throw new InputException(n + ": size " + size + " cannot be printed");
                byte[] b = new byte[(int) size];
                try {
                    kernel.read(addr, b, 0, b.length);
                } catch (MemoryFault f) {
                    throw new InputException(c.dumpPath + ": cannot read struct " + n + " at " + c.address + ": " + f.getMessage());
                }
                PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
                if (c.json) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("name", n);
                    o.put("address", Fmt.format("0x%x", addr));
                    o.put("values", SymbolsArgs.checked(() -> json(t, b, 0, 0)));
                    out.println(Json.MAPPER.writeValueAsString(o));
                } else {
                    StringBuilder sb = new StringBuilder("struct " + n + " ");
                    SymbolsArgs.checked(() -> value(t, b, 0, 0, 0, 0, sb));
                    out.println(sb);
                }
                return ExitCodes.OK;
            }
        }
    }

    private static long scalar(Type r, byte[] b, long off, int bitOffset, int bitSize) {
        return io.kdx.analyzer.kernel.Scalars.scalar(r, b, off, bitOffset, bitSize);
    }

    private static Object value(Type t, byte[] b, long off, int bitOffset, int bitSize, int depth, StringBuilder sb) {
        Type r = t.resolved();
        String indent = "  ".repeat(depth + 1);
        switch (r.kind()) {
            case STRUCT, UNION -> {
                sb.append("{\n");
                if (depth >= MAX_DEPTH) {
                    sb.append(indent).append("...\n");
                } else {
                    for (Member m : r.members()) {
                        sb.append(indent).append(m.name() == null ? "" : m.name() + " = ");
                        value(m.type(), b, off + m.offset(), m.bitOffset(), m.bitSize(), depth + 1, sb);
                        sb.append(",\n");
                    }
                }
                sb.append("  ".repeat(depth)).append('}');
            }
            case ARRAY -> {
                Type e = r.target().resolved();
                long n = r.count();
                if (e.kind() == Type.Kind.BASE && e.size() == 1) {
                    StringBuilder s = new StringBuilder();
                    for (long i = 0; i < n; i++) {
                        int ch = (int) io.kdx.analyzer.kernel.Scalars.raw(b, off + i, 1);
                        if (ch == 0) break;
                        s.append(ch >= 0x20 && ch < 0x7f ? (char) ch : '?');
                    }
                    sb.append('"').append(s).append('"');
                } else {
                    sb.append('{');
                    long es = Math.max(1, e.size());
                    for (long i = 0; i < Math.min(n, MAX_ELEMENTS); i++) {
                        if (i > 0) sb.append(", ");
                        value(r.target(), b, off + i * es, 0, 0, depth + 1, sb);
                    }
                    if (n > MAX_ELEMENTS) sb.append(", ...");
                    sb.append('}');
                }
            }
            case POINTER -> sb.append(Fmt.format("0x%x", io.kdx.analyzer.kernel.Scalars.raw(b, off, 8)));
            case ENUM -> {
                long v = scalar(r, b, off, bitOffset, bitSize);
                String name = null;
                for (Type.Enumerator en : r.enumerators()) if (en.value() == v) name = en.name();
                sb.append(name != null ? name : Long.toString(v));
            }
            case BASE -> {
                long v = scalar(r, b, off, bitOffset, bitSize);
                sb.append(r.signed() ? Long.toString(v) : Long.toUnsignedString(v));
            }
            default -> sb.append("?");
        }
        return null;
    }

    private static Object json(Type t, byte[] b, long off, int depth) {
        Type r = t.resolved();
        if ((r.kind() == Type.Kind.STRUCT || r.kind() == Type.Kind.UNION) && depth < MAX_DEPTH) {
            Map<String, Object> o = new LinkedHashMap<>();
            int anon = 0;
            for (Member m : r.members()) {
                Object v = m.isBitField() ? scalar(m.type().resolved(), b, off + m.offset(), m.bitOffset(), m.bitSize())
                        : json(m.type(), b, off + m.offset(), depth + 1);
                o.put(m.name() == null ? "(anonymous " + anon++ + ")" : m.name(), v);
            }
            return o;
        }
        StringBuilder sb = new StringBuilder();
        value(t, b, off, 0, 0, depth, sb);
        if (r.kind() == Type.Kind.BASE || r.kind() == Type.Kind.ENUM) {
            long v = scalar(r, b, off, 0, 0);
            return r.kind() == Type.Kind.ENUM ? sb.toString() : (Object) v;
        }
        return sb.toString();
    }
}
