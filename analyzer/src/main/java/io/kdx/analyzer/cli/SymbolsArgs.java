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

    /** Runs a body that may meet corrupt DWARF lazily; reports it as the SymbolsException it is. */
    static <T> T checked(java.util.concurrent.Callable<T> body) throws Exception {
        try {
            return body.call();
        } catch (UncheckedSymbolsException e) {
            throw e.getCause();
        }
    }
}
