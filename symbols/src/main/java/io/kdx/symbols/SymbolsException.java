package io.kdx.symbols;

import java.io.IOException;
import java.nio.file.Path;

/** A vmlinux, pack or DWARF unit that cannot be read. The message names the file and the fault. */
public class SymbolsException extends IOException {
    public SymbolsException(Path file, String what) {
        super(file + ": " + what);
    }

    public SymbolsException(Path file, String what, Throwable cause) {
        super(file + ": " + what, cause);
    }
}
