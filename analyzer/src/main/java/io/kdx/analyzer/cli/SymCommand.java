package io.kdx.analyzer.cli;

import io.kdx.analyzer.text.Fmt;
import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.SymbolHit;
import io.kdx.symbols.Type;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kdx sym NAME|ADDRESS -s SYMBOLS}: a symbol's link-time address, or the symbol+offset of an address. */
@Command(name = "sym", mixinStandardHelpOptions = true,
        description = {"Look up a symbol by name (its link-time address, size and, for variables, its type) or an address (symbol+offset), as crash's sym does.",
                "JSON keys: name, address, size, offset, type."})
public final class SymCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME|ADDRESS", description = "a symbol name, or an address in hex (0x...)")
    String query;

    @Option(names = {"-s", "--symbols"}, paramLabel = "PATH", description = "vmlinux, symbol pack, or a directory holding one")
    Path symbolsPath;

    @Option(names = "--dump", paramLabel = "DUMP", description = "without -s: the symbols of this dump's kernel (from its own kallsyms when no vmlinux or pack is found)")
    Path dumpPath;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (KernelSymbols symbols = SymbolsArgs.open(symbolsPath, dumpPath)) {
            Map<String, Object> o = new LinkedHashMap<>();
            String q = query.strip();
            Long addr = parseAddress(q);
            if (addr != null) {
                SymbolHit h = symbols.lookup(addr);
                if (h == null) throw new InputException(symbols.source() + ": no symbol at or below " + q);
                o.put("name", h.name());
                o.put("address", hex(h.start()));
                o.put("size", symbols.hasSizes() ? h.size() : null);
                o.put("offset", h.offset());
            } else {
                long a = symbols.address(q);
                if (a == 0) throw new InputException(symbols.source() + ": no symbol named " + q);
                SymbolHit h = symbols.lookup(a);
                o.put("name", q);
                o.put("address", hex(a));
                o.put("size", !symbols.hasSizes() ? null : h != null && h.start() == a ? h.size() : 0);
                o.put("offset", 0L);
                Type t = SymbolsArgs.checked(() -> symbols.types().variableType(q));
                if (t != null) o.put("type", t.cName());
            }
            PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
            if (json) {
                out.println(Json.MAPPER.writeValueAsString(o));
            } else {
                long off = (Long) o.get("offset");
                out.println(o.get("address") + " " + o.get("name") + (off != 0 ? "+" + off : "")
                        + (o.containsKey("type") ? "  (" + o.get("type") + ")" : "")
                        + (o.get("size") == null ? "  size unknown (kallsyms keeps none)" : "  size " + o.get("size")));
            }
            SymbolsArgs.noteCacheWrite(symbols);
            return ExitCodes.OK;
        }
    }

    static Long parseAddress(String q) {
        String h = q.startsWith("0x") || q.startsWith("0X") ? q.substring(2) : null;
        if (h == null && q.length() == 16 && q.matches("[0-9a-fA-F]+")) h = q; // crash prints addresses bare
        if (h == null || h.isEmpty() || h.length() > 16 || !h.matches("[0-9a-fA-F]+")) return null;
        return Long.parseUnsignedLong(h, 16);
    }

    static String hex(long a) {
        return Fmt.format("%016x", a);
    }
}
