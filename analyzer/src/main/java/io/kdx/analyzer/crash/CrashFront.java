package io.kdx.analyzer.crash;

import io.kdx.analyzer.kernel.DumpIdentity;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.Kernels;
import io.kdx.dump.Dump;
import io.kdx.dump.DumpException;
import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.SymbolLocator;
import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.UncheckedSymbolsException;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code kdx crash [crash's options] [VMLINUX] DUMP} and {@code kdx shell DUMP [-s SYMBOLS]}: a
 * session that takes crash's command line and commands (from {@code -i FILE}, then standard input;
 * a {@code crash> } prompt when standard input is a terminal), so that a service that runs crash
 * can run kdx by changing the debugger's path. Exit codes: 0 after quit or the end of input,
 * 1 for {@code --osrelease}/{@code --build-id} that find nothing (crash prints "unknown"),
 * 2 for a usage error, 3 for a dump or vmlinux that cannot be used.
 */
public final class CrashFront {
    static final int OK = 0, NOT_FOUND = 1, USAGE = 2, BAD_INPUT = 3;

    private CrashFront() {}

    /** Runs {@code kdx crash ARGS} ({@code shell} = invoked as {@code kdx shell}); returns the exit code. */
    public static int run(List<String> args, boolean shell) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        String me = shell ? "kdx shell" : "kdx crash";
        try {
            return run(args, shell, out, err, me);
        } finally {
            out.flush();
        }
    }

    private static int run(List<String> rawArgs, boolean shell, PrintStream out, PrintStream err, String me) {
        List<String> args = new java.util.ArrayList<>(rawArgs);
        if (shell) { // kdx's own shape: -s names the symbols, not crash's silent mode
            int i = args.indexOf("-s");
            if (i >= 0 && i + 1 < args.size()) {
                args.set(i, args.get(i + 1));
                args.remove(i + 1);
            }
        }
        CrashOptions o;
        try {
            o = CrashOptions.parse(args);
        } catch (CrashOptions.UsageException e) {
            err.println(me + ": " + e.getMessage());
            return USAGE;
        }
        if (o.version()) {
            out.println("kdx " + Help.VERSION + " (crash-compatible front end)");
            return OK;
        }
        if (o.help()) {
            out.println("Usage: " + me + " [-s] [-i FILE] [--minimal] [--zero_excluded] [VMLINUX] DUMP");
            out.println("       " + me + " --osrelease DUMP | --build-id DUMP");
            return OK;
        }
        if (o.query() != CrashOptions.Query.NONE) return query(o, out, err, me);
        if (o.dump() == null) {
            err.println(me + ": no dump file given" + (o.vmlinux() != null ? " (" + o.vmlinux() + " is a namelist)" : ""));
            return USAGE;
        }
        if (!o.silent()) for (String n : o.ignored()) err.println(me + ": note: ignoring " + n);
        BufferedReader script = null;
        if (o.inputFile() != null) {
            try {
                script = Files.newBufferedReader(o.inputFile(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println(me + ": " + o.inputFile() + ": cannot open: " + (Files.exists(o.inputFile()) ? e.getMessage() : "no such file"));
                return BAD_INPUT;
            }
        }
        Dump dump = null;
        KernelSymbols symbols = null;
        Kernel kernel = null;
        try {
            dump = open(o.dumps().toArray(Path[]::new));
            if (o.zeroExcluded()) dump = new ZeroExcludedDump(dump);
            symbols = DumpIdentity.locateSymbols(new SymbolLocator(), symbolsPath(o, dump), dump);
            kernel = Kernels.open(dump, symbols);
            CrashSession session = new CrashSession(o, dump, kernel, err);
            if (!o.silent()) {
                for (String n : kernel.notes()) err.println(me + ": note: " + n);
            }
            if (script != null) {
                try (BufferedReader r = script) {
                    if (loop(session, r, out)) return OK;
                }
            }
            if (stdinIsTerminal()) {
                if (!o.silent()) {
                    session.execute("sys", out);
                    out.println();
                }
                out.flush();
                return Shell.run(session, out, shell ? "kdx> " : "crash> ");
            }
            loop(session, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), out);
            return OK;
        } catch (DumpException | SymbolsException e) {
            err.println(me + ": " + e.getMessage());
            return BAD_INPUT;
        } catch (UncheckedSymbolsException e) {
            err.println(me + ": " + e.getCause().getMessage());
            return BAD_INPUT;
        } catch (IOException e) {
            err.println(me + ": " + e.getMessage());
            return BAD_INPUT;
        } finally {
            if (kernel != null) kernel.close();
            if (symbols != null) symbols.close();
            if (dump != null) dump.close();
        }
    }

    /**
     * Whether standard input is a terminal, from what /proc says fd 0 is: System.console() would load
     * the JDK's own line editor (its JLine copy) on every run, tens of milliseconds of a short session.
     */
    static boolean stdinIsTerminal() {
        try {
            String t = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            return t.startsWith("/dev/pts/") || t.startsWith("/dev/tty") || t.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return System.console() != null && System.console().isTerminal();
        }
    }

    /** Runs each line; true when a quit ended it. */
    static boolean loop(CrashSession s, BufferedReader in, PrintStream out) throws IOException {
        for (String line; (line = in.readLine()) != null; ) {
            s.execute(line, out);
            out.flush();
            if (s.quitRequested()) return true;
        }
        return false;
    }

    private static Path symbolsPath(CrashOptions o, Dump dump) {
        if (o.vmlinux() != null) return o.vmlinux();
        Path dir = dump.path().toAbsolutePath().getParent();
        if (dir != null) { // as kdx's other commands: a vmlinux beside the dump or one directory up
            if (Files.isRegularFile(dir.resolve("vmlinux"))) return dir.resolve("vmlinux");
            if (dir.getParent() != null && Files.isRegularFile(dir.getParent().resolve("vmlinux"))) return dir.getParent().resolve("vmlinux");
        }
        return null;
    }

    /** Opens the dump (several files: the parts of a split dump), checking first what a user can get wrong. */
    static Dump open(Path... files) throws DumpException {
        for (Path f : files) {
            if (!Files.exists(f)) throw new DumpException(f, "no such file");
            if (Files.isDirectory(f)) throw new DumpException(f, "is a directory, not a dump file");
            if (!Files.isReadable(f)) throw new DumpException(f, "permission denied");
        }
        return Dump.open(files);
    }

    /** --osrelease DUMP, --build-id DUMP: one line, the answer or "unknown" (exit 1), as crash does. */
    private static int query(CrashOptions o, PrintStream out, PrintStream err, String me) {
        try (Dump dump = open(o.queryDump())) {
            String v = o.query() == CrashOptions.Query.OSRELEASE ? DumpRelease.release(dump) : DumpRelease.buildId(dump);
            out.println(v == null ? "unknown" : v);
            return v == null ? NOT_FOUND : OK;
        } catch (DumpException e) { // crash's answer for a file it cannot read, and why on stderr
            out.println("unknown");
            err.println(me + ": " + e.getMessage());
            return NOT_FOUND;
        }
    }
}
