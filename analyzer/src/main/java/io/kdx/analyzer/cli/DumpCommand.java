package io.kdx.analyzer.cli;

import io.kdx.dump.Dump;
import io.kdx.dump.DumpException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The one shape of every command that reads a dump: {@code kdx COMMAND [options] DUMP [ARGS...]},
 * symbols by {@code -s PATH}, {@code --json} for machine-readable output. Options may stand before or
 * after DUMP (picocli mixes options and positionals). Subclasses implement {@link #run(Dump)}.
 */
public abstract class DumpCommand implements Callable<Integer> {

    @Spec
    protected CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DUMP", description = "the dump file (vmcore, kdump, flattened; several files for a split dump with --split-part)")
    protected Path dumpPath;

    @Option(names = "--split-part", paramLabel = "FILE", description = "further files of a split dump (makedumpfile --split)")
    protected List<Path> splitParts = List.of();

    @Option(names = {"-s", "--symbols"}, paramLabel = "PATH", description = "vmlinux, symbol pack, or a directory holding one")
    protected Path symbolsPath;

    @Option(names = "--dump-symbols", description = "read the kernel's symbols, types and unwind tables from the dump itself (kallsyms, BTF, ORC), even when a vmlinux or pack is at hand")
    protected boolean dumpSymbols;

    @Option(names = "--json", description = "print JSON instead of text")
    protected boolean json;

    protected PrintStream out() {
        return new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
    }

    /**
     * The command's name for messages: picocli's, or, for a command another one runs itself (analyze's
     * inner run, which picocli never sees, so has no spec), the name that one gives it.
     */
    protected String commandName() {
        return spec != null ? spec.name() : "the command";
    }

    /** Opens the dump named on the command line, checking first what a user can get wrong. */
    protected Dump openDump() throws DumpException {
        Path[] files = new Path[1 + splitParts.size()];
        files[0] = dumpPath;
        for (int i = 0; i < splitParts.size(); i++) files[i + 1] = splitParts.get(i);
        for (Path f : files) {
            if (!Files.exists(f)) throw new DumpException(f, "no such file");
            if (Files.isDirectory(f)) throw new DumpException(f, "is a directory, not a dump file");
            if (!Files.isReadable(f)) throw new DumpException(f, "permission denied");
            if (!Files.isRegularFile(f)) throw new DumpException(f, "not a regular file (a pipe, socket or device), not a dump file");
        }
        return Dump.open(files);
    }

    @Override
    public Integer call() throws Exception {
        Session session = Session.current(dumpPath);
        try {
            if (session != null) {
                return finish(session.dump(), run(session.dump()));
            }
            try (Dump dump = openDump()) {
                return finish(dump, run(dump));
            }
        } catch (io.kdx.analyzer.kernel.MemoryFault | io.kdx.analyzer.kernel.MissingTypeException e) {
            // the dump opened but what the command needs could not be read from it: one line, exit 4, never 70
            System.err.println("kdx: " + dumpPath + ": could not read what " + commandName() + " needs: " + e.getMessage());
            return ExitCodes.INCOMPLETE_DUMP;
        }
    }

    /** Exit code 4 when a command succeeded on a dump its writer marked incomplete, that is truncated, or damaged. */
    private static int finish(Dump dump, int rc) {
        if (rc == ExitCodes.OK && dump.metadata().partial()) {
            return ExitCodes.INCOMPLETE_DUMP;
        }
        return rc;
    }

    protected abstract int run(Dump dump) throws Exception;
}
