package io.kdx.analyzer.cli;

import io.kdx.dump.Dump;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code kdx run DUMP [-s SYMBOLS] COMMAND...}: several commands on one dump in one process, the
 * dump and symbols opened once (crash's command file, without the start-up cost per command).
 * Each COMMAND is one argument, quoted when it has its own arguments: {@code kdx run vmcore sys "bt -a"}.
 */
@Command(name = "run", description = "Runs several commands on one dump in one process, opening the dump and symbols once.")
public final class RunCommand extends DumpCommand implements Callable<Integer> {

    @Parameters(index = "1..*", paramLabel = "COMMAND", arity = "1..*",
            description = "commands with their arguments, one quoted argument each, e.g. sys ps \"bt -a\" analyze")
    List<String> commands = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        try (Session session = Session.begin(dumpPath, openDump())) {
            return run(session.dump());
        }
    }

    @Override
    protected int run(Dump dump) {
        PrintStream out = out();
        int worst = ExitCodes.OK;
        for (String command : commands) {
            List<String> args = new ArrayList<>(List.of(command.trim().split("\\s+")));
            if (args.getFirst().equals("run")) throw new CommandLine.ParameterException(spec.commandLine(), "run cannot run itself");
            args.add(1, dumpPath.toString());
            if (symbolsPath != null) {
                args.add("-s");
                args.add(symbolsPath.toString());
            }
            if (dumpSymbols) args.add("--dump-symbols");
            if (json) args.add("--json");
            if (!json) out.println("kdx> " + command);
            int rc = Main.execute(args.toArray(String[]::new));
            if (!json) out.println();
            worst = Math.max(worst, rc);
        }
        return worst;
    }
}
