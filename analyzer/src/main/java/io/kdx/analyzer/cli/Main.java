package io.kdx.analyzer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kdx} command line. Exit codes are a contract: see {@link ExitCodes}. */
@Command(name = "kdx", mixinStandardHelpOptions = true, version = "kdx 0.1.0",
        description = "kdx, the kernel dump examiner: reads Linux crash dumps and says why the machine hung or died.",
        subcommands = {CommandLine.HelpCommand.class, RunCommand.class, BatchCommand.class, InfoCommand.class, PagesCommand.class, PsCommand.class, BtCommand.class, SysCommand.class, LogCommand.class, MountCommand.class, AnalyzeCommand.class, SymbolsCommand.class, StructCommand.class, SymCommand.class},
        footer = {"", "Exit codes: 0 done, 2 usage error, 3 unreadable or invalid input, 4 done but the dump is incomplete."})
public final class Main implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (for tests and batch use). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExitCodeExceptionMapper(ExitCodes::forException);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("kdx: " + ExitCodes.message(ex));
            return ExitCodes.forException(ex);
        });
        return cl.execute(args);
    }
}
