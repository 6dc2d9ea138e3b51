package io.kdx.analyzer.cli;

import io.kdx.analyzer.crash.CrashFront;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code kdx crash} and {@code kdx shell}: listed here for help; {@link Main#execute} hands their
 * arguments to {@link CrashFront} untouched, since they follow crash's command line, not kdx's.
 */
final class CrashCommand {
    private CrashCommand() {}

    @Command(name = "crash", description = {"A crash-compatible session: crash's command line ([-s] [-i FILE] [VMLINUX] DUMP, --osrelease DUMP, --build-id DUMP)",
            "and its commands on standard input (sys, log, mod, ps, bt, foreach, mount, struct, p, sym, rd, files, waitq, set, cd, help, quit, analyze)."})
    static final class Crash implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            return CrashFront.run(args, false);
        }
    }

    @Command(name = "shell", description = "The interactive crash-like shell on a dump: kdx shell DUMP [-s SYMBOLS].")
    static final class Shell implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            return CrashFront.run(args, true);
        }
    }
}
