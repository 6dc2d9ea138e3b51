package io.kdx.analyzer.cli;

import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.UncheckedSymbolsException;
import java.nio.file.Path;

/** Opening the -s PATH of the symbol commands, with lazily met DWARF faults turned back into checked ones. */
final class SymbolsArgs {
    private SymbolsArgs() {}

    static KernelSymbols open(Path symbols) throws SymbolsException {
        if (symbols == null) throw new InputException("no symbols given: use -s VMLINUX|PACK|DIR");
        return KernelSymbols.open(symbols);
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
