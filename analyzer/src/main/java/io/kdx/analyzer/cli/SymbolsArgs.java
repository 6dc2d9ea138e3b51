package io.kdx.analyzer.cli;

import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.UncheckedSymbolsException;
import java.nio.file.Path;

/** Opening the -s PATH of the symbol commands, with lazily met DWARF faults turned back into checked ones. */
final class SymbolsArgs {
    private SymbolsArgs() {}

    static KernelSymbols open(Path symbols) throws SymbolsException {
        return open(symbols, null);
    }

    /**
     * -s PATH when given; else, with --dump DUMP, the symbols of the dump's build as every dump
     * command finds them (beside the dump, the pack cache, the debug directories, then the dump's own
     * kallsyms, BTF and ORC). Closing the result closes the dump.
     */
    static KernelSymbols open(Path symbols, Path dumpPath) throws SymbolsException {
        if (symbols != null) return KernelSymbols.open(symbols);
        if (dumpPath == null) throw new InputException("no symbols given: use -s VMLINUX|PACK|DIR, or --dump DUMP to take them from a dump");
        io.kdx.dump.Dump dump;
        try {
            if (!java.nio.file.Files.isRegularFile(dumpPath)) throw new io.kdx.dump.DumpException(dumpPath, java.nio.file.Files.exists(dumpPath) ? "is not a regular file" : "no such file");
            dump = io.kdx.dump.Dump.open(dumpPath);
        } catch (io.kdx.dump.DumpException e) {
            throw new SymbolsException(dumpPath, e.getMessage().startsWith(dumpPath.toString()) ? e.getMessage().substring(dumpPath.toString().length()).replaceFirst("^: ", "") : e.getMessage());
        }
        try {
            KernelSymbols k = KernelCommand.symbolsFor(dump, null);
            System.err.println("kdx: symbols: " + io.kdx.analyzer.kernel.DumpIdentity.describe(k));
            io.kdx.analyzer.kernel.Kernel kernel = null;
            if (k instanceof io.kdx.analyzer.dumpsymbols.DumpSymbols) {
                try {
                    kernel = io.kdx.analyzer.kernel.Kernels.open(dump, k); // module types come from the modules' BTF in memory
                } catch (io.kdx.dump.DumpException e) {
                    System.err.println("kdx: note: no module types: " + e.getMessage());
                }
            }
            return new DumpBoundSymbols(k, dump, kernel);
        } catch (SymbolsException | RuntimeException e) {
            dump.close();
            throw e;
        }
    }

    /** Before closing: says why the first use of a vmlinux lingers (its pack is being cached). */
    static void noteCacheWrite(KernelSymbols symbols) {
        if (symbols instanceof io.kdx.symbols.VmlinuxSymbols v && v.writingCache()) {
            System.err.println("kdx: note: caching the symbol pack of " + v.source().getFileName() + " (build-id " + v.buildId()
                    + ") once; later runs on this kernel build skip the DWARF scan");
        }
    }

    /** Runs a body that may meet corrupt DWARF lazily; reports it as the SymbolsException it is. */
    static <T> T checked(java.util.concurrent.Callable<T> body) throws Exception {
        try {
            return body.call();
        } catch (UncheckedSymbolsException e) {
            throw e.getCause();
        }
    }
}
