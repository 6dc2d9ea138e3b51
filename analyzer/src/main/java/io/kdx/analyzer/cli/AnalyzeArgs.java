package io.kdx.analyzer.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The plain {@code kdx analyze} command lines read without picocli (issue #13's start-up). Building
 * any picocli {@code CommandLine}, even from the hand-built model, registers its built-in type
 * converters: it loads java.time, java.sql and java.net classes and looks their parse methods up by
 * reflection, about 13 ms of a 130 ms `kdx analyze` (class-initialisation log, JDK 25, AOT cache).
 * <p>
 * Only the forms whose meaning is beyond doubt are read here: at most one DUMP, {@code -s}/{@code
 * --symbols} and {@code --split-part} with a value (separate or after {@code =}), and the flags
 * {@code --json}, {@code --stacks}, {@code --dump-symbols}, each option at most once but
 * {@code --split-part}. Anything else (help, version, {@code --}, {@code @files}, clustered or unknown
 * options, a value that looks like an option, a repeated option) returns null and goes to picocli, which
 * stays the contract: AnalyzeArgsTest checks that every form read here parses as picocli parses it.
 */
final class AnalyzeArgs {
    private AnalyzeArgs() {}

    /** The command {@code args} (starting with "analyze") describe, or null when picocli must read them. */
    static AnalyzeCommand parse(String... args) {
        if (args.length == 0 || !args[0].equals("analyze")) return null;
        AnalyzeCommand c = new AnalyzeCommand();
        List<Path> parts = new ArrayList<>();
        boolean json = false, stacks = false, dumpSymbols = false;
        try {
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                if (a.isEmpty() || a.startsWith("@")) return null;
                if (!a.startsWith("-")) {
                    if (c.dump != null) return null; // a second DUMP: picocli's error
                    c.dump = Path.of(a);
                    continue;
                }
                String name = a, value = null;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0) {
                    name = a.substring(0, eq);
                    value = a.substring(eq + 1);
                }
                switch (name) {
                    case "--json" -> { if (json || value != null) return null; json = true; }
                    case "--stacks" -> { if (stacks || value != null) return null; stacks = true; }
                    case "--dump-symbols" -> { if (dumpSymbols || value != null) return null; dumpSymbols = true; }
                    case "-s", "--symbols", "--split-part" -> {
                        if (value == null) {
                            if (i + 1 >= args.length) return null;
                            value = args[++i];
                            if (value.isEmpty() || value.startsWith("-") || value.startsWith("@")) return null;
                        } else if (value.isEmpty() || value.startsWith("@")) {
                            return null;
                        }
                        Path p = Path.of(value);
                        if (name.equals("--split-part")) {
                            parts.add(p);
                        } else {
                            if (c.symbols != null) return null;
                            c.symbols = p;
                        }
                    }
                    default -> { return null; }
                }
            }
        } catch (InvalidPathException e) {
            return null; // picocli says which argument it could not convert
        }
        c.json = json;
        c.stacks = stacks;
        c.dumpSymbols = dumpSymbols;
        if (!parts.isEmpty()) c.splitParts = List.copyOf(parts);
        return c;
    }

    /** Runs {@code c} as picocli's execute would with Main's handlers: its exit code, or the failure's line and code. */
    static int run(AnalyzeCommand c) {
        try {
            return c.call();
        } catch (Exception e) {
            System.err.println("kdx: " + ExitCodes.message(e));
            System.err.flush();
            return ExitCodes.forException(e);
        }
    }
}
