package io.kdx.analyzer.cli;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.Kernels;
import io.kdx.dump.Dump;
import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.SymbolsException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A command that reads the dumped kernel: opens the dump, finds its symbols (-s PATH, or by the
 * dump's release in the usual places), opens the {@link Kernel} and calls {@link #run(Kernel)}.
 * Notes from opening (a vmlinux that does not match, guessed values) go to stderr.
 */
public abstract class KernelCommand extends DumpCommand {

    @Override
    protected final int run(Dump dump) throws Exception {
        Session session = Session.current(dumpPath);
        if (session != null) { // kdx run: one kernel shared by every command
            Kernel kernel = session.kernel(this::openSymbols);
            PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true);
            for (String n : kernel.notes()) if (session.firstTime(n)) err.println("kdx: note: " + n);
            return run(kernel);
        }
        try (KernelSymbols symbols = openSymbols(dump); Kernel kernel = Kernels.open(dump, symbols)) {
            PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true);
            for (String n : kernel.notes()) err.println("kdx: note: " + n);
            return run(kernel);
        }
    }

    protected abstract int run(Kernel kernel) throws Exception;

    /** -s PATH, else the first vmlinux found for the dump's release (see {@link #candidates}). */
    protected KernelSymbols openSymbols(Dump dump) throws SymbolsException {
        if (symbolsPath != null) return KernelSymbols.open(symbolsPath);
        List<Path> tried = candidates(dump);
        for (Path p : tried) {
            if (Files.isRegularFile(p)) return KernelSymbols.open(p);
        }
        String release = release(dump);
        throw new InputException(dump.path() + ": no symbols given (-s vmlinux) and none found for release "
                + (release == null ? "(unknown)" : release) + "; looked in " + tried);
    }

    private static String release(Dump dump) {
        String r = dump.vmcoreinfo().osRelease();
        if (r == null && dump.metadata() != null) r = dump.metadata().release();
        return r == null || r.isBlank() ? null : r;
    }

    /**
     * Where a vmlinux for the dump may be: "vmlinux" beside the dump or one directory up (the
     * fixture layout), then by release (VMCOREINFO OSRELEASE, else the dump header's utsname):
     * kdx's kernel cache, and Debian's and Fedora's debug-symbol paths.
     */
    static List<Path> candidates(Dump dump) {
        List<Path> out = new ArrayList<>();
        Path dir = dump.path().toAbsolutePath().getParent();
        if (dir != null) {
            out.add(dir.resolve("vmlinux"));
            if (dir.getParent() != null) out.add(dir.getParent().resolve("vmlinux"));
        }
        String r = release(dump);
        if (r != null) {
            String home = System.getProperty("user.home");
            out.add(Path.of(home, ".cache/kdx/kernels", r, "usr/lib/debug/boot", "vmlinux-" + r));
            out.add(Path.of("/usr/lib/debug/boot", "vmlinux-" + r));
            out.add(Path.of("/usr/lib/debug/lib/modules", r, "vmlinux"));
        }
        return out;
    }
}
