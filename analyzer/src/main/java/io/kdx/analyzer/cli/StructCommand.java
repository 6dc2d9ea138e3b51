package io.kdx.analyzer.cli;

import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.Type;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kdx struct NAME -s SYMBOLS [--json]}: a struct's layout, as pahole -C prints it. */
@Command(name = "struct", mixinStandardHelpOptions = true,
        description = {"Print the layout of struct (or union) NAME: members with offsets and sizes, as pahole -C does.",
                "With ADDRESS and --dump DUMP: the values stored there, as crash's struct does.",
                "JSON: name, kind, size, members [{name, offset, size, type, bit_offset, bit_size}], anonymous members flattened,",
                "definitions (how many distinct types share the name; the largest is shown), definition_sizes."})
public final class StructCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "struct or union name (\"struct \" prefix optional)")
    String name;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ADDRESS", description = "kernel virtual address of an instance (needs --dump)")
    String address;

    @Option(names = {"-s", "--symbols"}, paramLabel = "PATH", description = "vmlinux, symbol pack, or a directory holding one")
    Path symbolsPath;

    @Option(names = "--dump", paramLabel = "DUMP", description = "read the instance at ADDRESS from this dump; without -s, the types of the dump's kernel (from its own BTF when no vmlinux or pack is found)")
    Path dumpPath;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (address != null) {
            if (dumpPath == null) throw new InputException("struct values need both ADDRESS and --dump DUMP");
            return StructValues.print(this);
        }
        String n = name.strip();
        if (n.startsWith("struct ")) n = n.substring(7).strip();
        else if (n.startsWith("union ")) n = n.substring(6).strip();
        final String tag = n;
        try (KernelSymbols symbols = SymbolsArgs.open(symbolsPath, dumpPath)) {
            Type t = SymbolsArgs.checked(() -> symbols.types().struct(tag));
            if (t == null) throw new InputException(symbols.source() + ": no struct or union named " + tag);
            // File-local types of different units can share a name (Debian's generic 6.1 has a 16-byte and
            // a 112-byte struct dma_chan); the lookup answers the largest, and says so rather than pick silently.
            java.util.List<Type> defs = SymbolsArgs.checked(() -> symbols.types().definitions(StructLayout.keyword(t) + " " + tag));
            PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
            if (json) out.println(Json.MAPPER.writeValueAsString(SymbolsArgs.checked(() -> StructLayout.json(t, defs))));
            else out.print(SymbolsArgs.checked(() -> StructLayout.text(t) + StructLayout.definitionsNote(t, defs)));
            SymbolsArgs.noteCacheWrite(symbols);
            return ExitCodes.OK;
        }
    }
}
