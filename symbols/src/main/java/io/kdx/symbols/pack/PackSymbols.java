package io.kdx.symbols.pack;

import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.SymbolsException;
import java.nio.file.Path;

/** A symbol pack opened by memory-mapping (format in PackFormat). */
public final class PackSymbols {
    public static final String EXTENSION = ".kdxsym";
    static final byte[] MAGIC = {'K', 'D', 'X', 'S', 'Y', 'M', 'P', 0};

    private PackSymbols() {}

    public static boolean isPack(byte[] first8) {
        return java.util.Arrays.equals(first8, MAGIC);
    }

    public static KernelSymbols open(Path path) throws SymbolsException {
        throw new SymbolsException(path, "symbol packs are not implemented yet");
    }
}
