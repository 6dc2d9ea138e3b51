package io.kdx.analyzer.cli;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.DumpIdentity;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.Kernels;
import io.kdx.dump.Dump;
import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.SymbolLocator;
import io.kdx.symbols.SymbolsException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A command that reads the dumped kernel: opens the dump, finds its symbols (-s PATH, or by the
 * dump's build-id and release), opens the {@link Kernel} and calls {@link #run(Kernel)}.
 * Notes from opening (a vmlinux that does not match, guessed values) go to stderr.
 */
public abstract class KernelCommand extends DumpCommand {
    /** -Dkdx.trace=true (KDX_JAVA_OPTS): where a command's time went, on stderr. */
    private static final boolean TRACE = Boolean.getBoolean("kdx.trace");

    /** -s PATH being opened beside the dump (see {@link SymbolsPrefetch}); null when it is not. */
    private SymbolsPrefetch prefetch;

    @Override
    public Integer call() throws Exception {
        // Outside a `kdx run` session, a -s file opens on a second thread while the dump opens.
        if (symbolsPath != null && !dumpSymbols && Session.current(dumpPath) == null && Files.isRegularFile(symbolsPath)
                && Runtime.getRuntime().availableProcessors() > 1) {
            prefetch = SymbolsPrefetch.start(symbolsPath);
        }
        try {
            return super.call();
        } finally {
            if (prefetch != null) prefetch.abandon();
        }
    }

    @Override
    protected final int run(Dump dump) throws Exception {
        Session session = Session.current(dumpPath);
        if (session != null) { // kdx run: one kernel shared by every command
            Kernel kernel = session.kernel(this::openSymbols);
            PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true);
            for (String n : openingNotes(kernel)) if (session.firstTime(n)) err.println("kdx: note: " + n);
            return run(kernel);
        }
        long t0 = System.nanoTime();
        try (KernelSymbols symbols = openSymbols(dump)) {
            long t1 = System.nanoTime();
            try (Kernel kernel = Kernels.open(dump, symbols)) {
                long t2 = System.nanoTime();
                PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true);
                for (String n : openingNotes(kernel)) err.println("kdx: note: " + n);
                int rc = run(kernel);
                if (TRACE) {
                    var mem = Kernels.physicalMemory(kernel);
                    err.print(Fmt.format("kdx: trace: JVM start to command %d ms; symbols %.1f ms, kernel model %.1f ms, %s %.1f ms; pages decompressed %s, cache hits %s%n",
                            java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() - (System.nanoTime() - t0) / 1_000_000,
                            (t1 - t0) / 1e6, (t2 - t1) / 1e6, commandName(), (System.nanoTime() - t2) / 1e6,
                            mem == null ? "unknown" : mem.cacheMisses(), mem == null ? "unknown" : mem.cacheHits()));
                }
                return rc;
            }
        }
    }

    /**
     * The notes every command opens with, in one form: the dump's own state first (incomplete,
     * truncated, damaged: why later reads fail and why the exit code is 4), then the kernel's notes.
     */
    static List<String> openingNotes(Kernel kernel) {
        List<String> notes = new ArrayList<>(io.kdx.analyzer.diagnose.Analyzer.dumpState(kernel.dump().metadata()));
        notes.addAll(kernel.notes());
        return notes;
    }

    protected abstract int run(Kernel kernel) throws Exception;

    /**
     * -s PATH, else a "vmlinux" beside the dump or one directory up (the fixture layout), else the
     * symbols module's {@link SymbolLocator} by VMCOREINFO BUILD-ID and the release; symbols of
     * another build are refused in one line.
     */
    protected KernelSymbols openSymbols(Dump dump) throws SymbolsException {
        KernelSymbols k;
        if (dumpSymbols) {
            k = DumpIdentity.fromDump(dump);
        } else if (prefetch != null && prefetch.path().equals(symbolsPath)) {
            k = prefetch.take();
            try {
                SymbolLocator.checkMatch(k, DumpIdentity.buildId(dump), DumpIdentity.release(dump), null);
            } catch (SymbolsException e) {
                k.close();
                throw e;
            }
        } else {
            k = symbolsFor(dump, symbolsPath);
        }
        String line = "kdx: symbols: " + DumpIdentity.describe(k);
        Session session = Session.current(dumpPath);
        if (session == null || session.firstTime(line)) System.err.println(line);
        return k;
    }

    /** The symbols of {@code dump}'s build: {@code explicit}, else beside the dump, else the locator's, else the dump's own. */
    static KernelSymbols symbolsFor(Dump dump, Path explicit) throws SymbolsException {
        if (explicit == null) {
            for (Path p : besideTheDump(dump)) {
                if (Files.isRegularFile(p)) {
                    explicit = p;
                    break;
                }
            }
        }
        return DumpIdentity.locateSymbols(new SymbolLocator(), explicit, dump);
    }

    /** Where symbols for the dump may be: beside the dump, then the {@link SymbolLocator}'s places. */
    static List<Path> candidates(Dump dump) {
        List<Path> out = besideTheDump(dump);
        out.addAll(new SymbolLocator().candidates(DumpIdentity.buildId(dump), DumpIdentity.release(dump)));
        return out;
    }

    static List<Path> besideTheDump(Dump dump) {
        List<Path> out = new ArrayList<>();
        Path dir = dump.path().toAbsolutePath().getParent();
        if (dir != null) {
            out.add(dir.resolve("vmlinux"));
            if (dir.getParent() != null) out.add(dir.getParent().resolve("vmlinux"));
        }
        return out;
    }
}
