package io.kdx.symbols;

import java.nio.file.Path;

/** Decides whether a path is a vmlinux, a pack or a directory, and opens it. */
final class SymbolSources {
    private SymbolSources() {}

    static KernelSymbols open(Path path) throws SymbolsException {
        throw new SymbolsException(path, "symbol reading is not implemented yet");
    }
}
