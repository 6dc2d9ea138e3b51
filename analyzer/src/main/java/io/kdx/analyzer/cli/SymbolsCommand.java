package io.kdx.analyzer.cli;

import io.kdx.analyzer.text.Fmt;
import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.VmlinuxSymbols;
import io.kdx.symbols.pack.PackCache;
import io.kdx.symbols.pack.PackSymbols;
import io.kdx.symbols.pack.PackWriter;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kdx symbols pack VMLINUX [-o FILE]}: symbol packs. */
@Command(name = "symbols", mixinStandardHelpOptions = true, description = "Symbol packs: compact, memory-mapped symbols of one kernel build.",
        subcommands = {SymbolsCommand.Pack.class})
public final class SymbolsCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "pack", mixinStandardHelpOptions = true,
            description = {"Write the symbol pack of VMLINUX (symbols, types, ORC, build-id, release) to FILE,",
                    "by default into the cache (~/.cache/kdx/symbols/<build-id>/), where kdx finds it by the dump's build-id.",
                    "JSON keys: pack, vmlinux, build_id, release, bytes, types, milliseconds."})
    public static final class Pack implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "VMLINUX", description = "a vmlinux with DWARF")
        Path vmlinux;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "where to write the pack (default: the cache)")
        Path output;

        @Option(names = "--json", description = "print JSON instead of text")
        boolean json;

        @Override
        public Integer call() throws Exception {
            long t0 = System.nanoTime();
            if (!Files.isRegularFile(vmlinux)) throw new SymbolsException(vmlinux, Files.exists(vmlinux) ? "not a regular file" : "no such file");
            try (VmlinuxSymbols v = VmlinuxSymbols.open(vmlinux)) {
                Path out = output;
                if (out == null) {
                    Path dir = PackCache.dirFor(v.buildId());
                    if (dir == null) throw new InputException(vmlinux + ": has no build-id; give the pack's place with -o FILE");
                    out = PackCache.find(v.buildId(), v.release());
                    if (out == null) out = dir.resolve("vmlinux-" + (v.release() == null ? "unknown" : v.release()) + PackSymbols.EXTENSION);
                }
                int types = PackWriter.write(v, out);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("pack", out.toString());
                o.put("vmlinux", vmlinux.toString());
                o.put("build_id", v.buildId());
                o.put("release", v.release());
                o.put("bytes", Files.size(out));
                o.put("types", types);
                o.put("milliseconds", ms);
                PrintStream ps = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
                if (json) ps.println(Json.MAPPER.writeValueAsString(o));
                else ps.print(Fmt.format("%s: %d bytes, %d types, release %s, build-id %s (%d ms)%n", out, Files.size(out), types, v.release(), v.buildId(), ms));
                return ExitCodes.OK;
            }
        }
    }

    /** Opens any symbols path (used by tests). */
    static KernelSymbols open(Path p) throws SymbolsException {
        return KernelSymbols.open(p);
    }
}
