package io.kdx.analyzer.cli;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.Kernels;
import io.kdx.dump.Dump;
import io.kdx.symbols.KernelSymbols;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One dump kept open across several commands of {@code kdx run}: the dump, its symbols and the
 * kernel are opened once and shared, as crash keeps one session for a command file. Commands ask
 * {@link #current()} before opening anything themselves, and never close what the session owns.
 */
final class Session implements AutoCloseable {
    private static volatile Session current;

    private final Path dumpPath;
    private final Dump dump;
    private KernelSymbols symbols;
    private Kernel kernel;
    private final List<String> notesShown = new ArrayList<>();

    private Session(Path dumpPath, Dump dump) {
        this.dumpPath = dumpPath.toAbsolutePath().normalize();
        this.dump = dump;
    }

    static Session begin(Path dumpPath, Dump dump) {
        Session s = new Session(dumpPath, dump);
        current = s;
        return s;
    }

    /** The session for this dump, or null when commands run on their own. */
    static Session current(Path dumpPath) {
        Session s = current;
        return s != null && s.dumpPath.equals(dumpPath.toAbsolutePath().normalize()) ? s : null;
    }

    Dump dump() {
        return dump;
    }

    /** The kernel, opened on first use with the symbols the opener finds. */
    synchronized Kernel kernel(SymbolsOpener opener) throws Exception {
        if (kernel == null) {
            symbols = opener.open(dump);
            kernel = Kernels.open(dump, symbols);
        }
        return kernel;
    }

    /** Whether an opening note was already printed in this session (print each once). */
    synchronized boolean firstTime(String note) {
        if (notesShown.contains(note)) return false;
        notesShown.add(note);
        return true;
    }

    @Override
    public void close() {
        current = null;
        if (kernel != null) kernel.close();
        if (symbols != null) symbols.close();
        dump.close();
    }

    @FunctionalInterface
    interface SymbolsOpener {
        KernelSymbols open(Dump dump) throws Exception;
    }
}
