package io.kdx.analyzer.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kdx} command line. Exit codes are a contract: see {@link ExitCodes}. */
@Command(name = "kdx", mixinStandardHelpOptions = true, version = Main.VERSION, description = Main.DESCRIPTION,
        footer = {"", Main.EXIT_CODES})
public final class Main implements Runnable {
    static final String VERSION = "kdx 0.1.0";
    static final String DESCRIPTION = "kdx, the kernel dump examiner: reads Linux crash dumps and says why the machine hung or died.";
    static final String EXIT_CODES = "Exit codes: 0 done, 2 usage error, 3 unreadable or invalid input, 4 done but the dump is incomplete.";
    static final String[] FOOTER = {"", EXIT_CODES};

    /**
     * The subcommands, in the order help lists them. picocli builds a command's model by reflection
     * when it is added (tens of milliseconds for all of them, a large share of a short command's
     * start, and again for each command of `kdx run`), so only the command named is added.
     */
    private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();
    static {
        COMMANDS.put("help", CommandLine.HelpCommand::new);
        COMMANDS.put("run", RunCommand::new);
        COMMANDS.put("batch", BatchCommand::new);
        COMMANDS.put("info", InfoCommand::new);
        COMMANDS.put("pages", PagesCommand::new);
        COMMANDS.put("ps", PsCommand::new);
        COMMANDS.put("bt", BtCommand::new);
        COMMANDS.put("sys", SysCommand::new);
        COMMANDS.put("log", LogCommand::new);
        COMMANDS.put("mount", MountCommand::new);
        COMMANDS.put("mem", MemCommand::new);
        COMMANDS.put("analyze", AnalyzeCommand::new);
        COMMANDS.put("symbols", SymbolsCommand::new);
        COMMANDS.put("struct", StructCommand::new);
        COMMANDS.put("sym", SymCommand::new);
        COMMANDS.put("crash", CrashCommand.Crash::new);
        COMMANDS.put("shell", CrashCommand.Shell::new);
    }

    @Override
    public void run() {
        commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        int rc = execute(args);
        if (Boolean.getBoolean("kdx.halt") && !(args.length > 0 && (args[0].equals("crash") || args[0].equals("shell")))) {
            // Set by the launcher when it adds no JVM options of the user's (KDX_JAVA_OPTS: a flight recording or an
            // agent may need the shutdown hooks that halt skips); crash and shell keep them (JLine restores the terminal).
            // Every other command has joined its threads and closed its files by now, and registers no shutdown
            // hook. Runtime.exit's first step looks up a System.Logger to log the exit (JDK 17+), which starts the
            // platform's logging back end: about 8 ms of CPU, a twentieth of a `kdx analyze` (a trivial class with
            // the AOT cache: 36.6 ms with System.exit, 29.2 with halt, 31 alternating runs).
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(rc);
        }
        System.exit(rc);
    }

    /** The whole command line, every subcommand added (for help and for unknown commands). */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        COMMANDS.values().forEach(c -> cl.addSubcommand(c.get()));
        return cl;
    }

    /** Runs the command line and returns its exit code (for tests and batch use). */
    public static int execute(String... args) {
        if (args.length > 0 && (args[0].equals("crash") || args[0].equals("shell"))) { // crash's own command line
            return io.kdx.analyzer.crash.CrashFront.run(java.util.List.of(args).subList(1, args.length), args[0].equals("shell"));
        }
        AnalyzeCommand plain = AnalyzeArgs.parse(args); // the measured command, without picocli's start-up when its line is plain
        if (plain != null) return AnalyzeArgs.run(plain);
        return commandLineFor(args).execute(args);
    }

    /** The command line that runs {@code args}: only the command named, else all of them. */
    static CommandLine commandLineFor(String... args) {
        String name = args.length > 0 ? args[0] : "";
        if (name.equals("analyze")) { // the measured command: its model built without reflection (HandBuilt)
            return configured(new CommandLine(HandBuilt.root(name, AnalyzeCommand.handBuilt(new AnalyzeCommand()))));
        }
        return annotated(name);
    }

    /** The command line read from the annotations: the command {@code name} alone, or every command for help and unknown names. */
    static CommandLine annotated(String name) {
        Supplier<Object> only = name.equals("help") ? null : COMMANDS.get(name);
        CommandLine cl;
        if (only != null) {
            cl = new CommandLine(new Main());
            cl.addSubcommand(only.get());
        } else {
            cl = commandLine();
        }
        return configured(cl);
    }

    private static CommandLine configured(CommandLine cl) {
        cl.setExitCodeExceptionMapper(ExitCodes::forException);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("kdx: " + ExitCodes.message(ex));
            return ExitCodes.forException(ex);
        });
        return cl;
    }
}
