package io.kdx.analyzer.cli;

import io.kdx.dump.DumpException;
import io.kdx.symbols.SymbolsException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/** The documented exit codes of {@code kdx}. Scripts depend on these numbers. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int USAGE = 2;
    public static final int BAD_INPUT = 3;
    public static final int INCOMPLETE_DUMP = 4;
    public static final int INTERNAL = 70;

    private ExitCodes() {}

    static int forException(Throwable t) {
        if (t instanceof CommandLine.ParameterException) return USAGE;
        if (t instanceof IOException || t instanceof InputException || t instanceof io.kdx.symbols.UncheckedSymbolsException) return BAD_INPUT;
        return INTERNAL;
    }

    /** One line for the user: the file and what is wrong, never a stack trace for bad input. */
    static String message(Throwable t) {
        if (t instanceof NoSuchFileException e) return e.getFile() + ": no such file";
        if (t instanceof AccessDeniedException e) return e.getFile() + ": permission denied";
        if (t instanceof DumpException || t instanceof SymbolsException || t instanceof InputException
                || t instanceof io.kdx.symbols.UncheckedSymbolsException) { // corrupt DWARF met lazily
            return t.getMessage();
        }
        if (t instanceof IOException) return t.getMessage();
        return "internal error: " + t;
    }
}
