package io.kdx.analyzer.cli;

import io.kdx.analyzer.diagnose.Analyzer;
import io.kdx.analyzer.diagnose.Diagnosis;
import io.kdx.analyzer.diagnose.JsonReport;
import io.kdx.analyzer.diagnose.TextReport;
import io.kdx.analyzer.kernel.Kernel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kdx analyze [DUMP]}: the diagnosis. Without DUMP it analyses the bundled sample
 * (fixtures/sample: a dump and its symbol pack), found under $KDX_HOME, beside the jar's checkout,
 * or in the current directory.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {AnalyzeCommand.DESCRIPTION_1, AnalyzeCommand.DESCRIPTION_2, AnalyzeCommand.DESCRIPTION_3})
public final class AnalyzeCommand implements Callable<Integer> {
    // The texts, shared by the annotations (the contract, what `kdx help analyze` shows) and handBuilt().
    static final String DESCRIPTION_1 = "Diagnose the dump: a short verdict first, then the evidence (frozen filesystems and who waits on them,";
    static final String DESCRIPTION_2 = "the audit backlog, hung tasks, a panic) and what could not be read. Without DUMP, analyses the bundled sample.";
    static final String DESCRIPTION_3 = "JSON: one object, fields documented in the README (verdict, findings [{kind, ...}], audit, remedy, unreadable).";
    static final String DUMP = "the dump file; default: the bundled sample (fixtures/sample)";
    static final String SPLIT_PART = "further files of a split dump (makedumpfile --split)";
    static final String SYMBOLS = "vmlinux, symbol pack, or a directory holding one";
    static final String DUMP_SYMBOLS = "read the kernel's symbols, types and unwind tables from the dump itself (kallsyms, BTF, ORC), even when a vmlinux or pack is at hand";
    static final String JSON = "print JSON instead of text";
    static final String STACKS = "show full stacks (function+offset) and every object chain of the blocked tasks";

    @Parameters(index = "0", arity = "0..1", paramLabel = "DUMP", description = DUMP)
    Path dump;

    @Option(names = "--split-part", paramLabel = "FILE", description = SPLIT_PART)
    List<Path> splitParts = List.of();

    @Option(names = {"-s", "--symbols"}, paramLabel = "PATH", description = SYMBOLS)
    Path symbols;

    @Option(names = "--dump-symbols", description = DUMP_SYMBOLS)
    boolean dumpSymbols;

    @Option(names = "--json", description = JSON)
    boolean json;

    @Option(names = "--stacks", description = STACKS)
    boolean stacks;

    /**
     * This command's model as its annotations make it, built in code ({@link HandBuilt}: no annotation
     * proxies, no reflection), its options bound to {@code c}'s fields, whose values now are the initial
     * values picocli restores before each parse (as it reads them from an annotated object).
     */
    static CommandSpec handBuilt(AnalyzeCommand c) {
        CommandSpec s = CommandSpec.wrapWithoutInspection(c).name("analyze");
        s.usageMessage().description(DESCRIPTION_1, DESCRIPTION_2, DESCRIPTION_3);
        HandBuilt.standardHelpOptions(s);
        HandBuilt.Field<Path> dumpField = HandBuilt.field(() -> c.dump, v -> c.dump = v);
        s.addPositional(PositionalParamSpec.builder().index("0").arity("0..1").paramLabel("DUMP").type(Path.class)
                .converters(HandBuilt.PATH).description(DUMP).initialValue(c.dump).getter(dumpField).setter(dumpField).build());
        HandBuilt.Field<List<Path>> parts = HandBuilt.field(() -> c.splitParts, v -> c.splitParts = v);
        s.addOption(OptionSpec.builder("--split-part").paramLabel("FILE").type(List.class).auxiliaryTypes(Path.class)
                .converters(HandBuilt.PATH).description(SPLIT_PART).initialValue(c.splitParts).getter(parts).setter(parts).build());
        HandBuilt.Field<Path> symbolsField = HandBuilt.field(() -> c.symbols, v -> c.symbols = v);
        s.addOption(OptionSpec.builder("-s", "--symbols").paramLabel("PATH").type(Path.class)
                .converters(HandBuilt.PATH).description(SYMBOLS).initialValue(c.symbols).getter(symbolsField).setter(symbolsField).build());
        s.addOption(flag("--dump-symbols", DUMP_SYMBOLS, HandBuilt.field(() -> c.dumpSymbols, v -> c.dumpSymbols = v)));
        s.addOption(flag("--json", JSON, HandBuilt.field(() -> c.json, v -> c.json = v)));
        s.addOption(flag("--stacks", STACKS, HandBuilt.field(() -> c.stacks, v -> c.stacks = v)));
        return s;
    }

    private static OptionSpec flag(String name, String description, HandBuilt.Field<Boolean> field) {
        return OptionSpec.builder(name).type(boolean.class).description(description).initialValue(field.<Boolean>get())
                .getter(field).setter(field).build();
    }

    @Override
    public Integer call() throws Exception {
        Run r = new Run();
        if (dump == null) {
            Path sample = sampleDir();
            r.dumpPath = sampleDump(sample);
            r.symbolsPath = symbols; // the dump's own symbols unless a pack of its build is cached
        } else {
            r.dumpPath = dump;
            r.symbolsPath = symbols;
        }
        r.splitParts = splitParts;
        r.json = json;
        r.dumpSymbols = dumpSymbols;
        r.stacks = stacks;
        return r.call();
    }

    static final class Run extends KernelCommand {
        boolean stacks;

        @Override
        protected String commandName() {
            return "analyze";
        }

        @Override
        protected int run(Kernel kernel) throws Exception {
            Diagnosis d = Analyzer.analyze(kernel);
            PrintStream out = out();
            if (json) {
                java.util.Map<String, Object> j = new java.util.LinkedHashMap<>(JsonReport.of(d));
                j.put("symbols", io.kdx.analyzer.kernel.DumpIdentity.describe(kernel.symbols()));
                out.println(Json.MAPPER.writeValueAsString(j));
            }
            else out.print(TextReport.of(d, stacks));
            out.flush();
            // the task list, the mounts or the log could not be read: the verdict says so, and so does the exit code
            return d.analyzed() ? ExitCodes.OK : ExitCodes.INCOMPLETE_DUMP;
        }
    }

    /** fixtures/sample under $KDX_HOME, the checkout holding the jar (analyzer/target/kdx.jar), or the current directory. */
    static Path sampleDir() {
        List<Path> tried = new ArrayList<>();
        String home = System.getenv("KDX_HOME");
        if (home != null && !home.isBlank()) tried.add(Path.of(home, "fixtures", "sample"));
        try {
            Path jar = Path.of(AnalyzeCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
            for (Path p = jar.getParent(); p != null; p = p.getParent()) tried.add(p.resolve("fixtures").resolve("sample"));
        } catch (Exception e) {
            // no code source (e.g. a custom class loader): the other places still count
        }
        tried.add(Path.of("fixtures", "sample").toAbsolutePath());
        for (Path p : tried) if (Files.isDirectory(p)) return p;
        throw new InputException("no DUMP given and no bundled sample found (fixtures/sample); looked in " + tried
                + "; give a dump: kdx analyze DUMP [-s vmlinux]");
    }

    /** The dump file in the sample directory: by its name (vmcore, *.kdump, *.elf, *.flat, dump*), largest first. */
    static Path sampleDump(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir, 2)) {
            return s.filter(Files::isRegularFile).filter(AnalyzeCommand::looksLikeDump)
                    .max(Comparator.comparingLong(AnalyzeCommand::size))
                    .orElseThrow(() -> new InputException(dir + ": the bundled sample holds no dump file (vmcore, *.kdump, *.elf, *.flat)"));
        }
    }

    static boolean looksLikeDump(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.startsWith("vmcore") || n.startsWith("dump") || n.endsWith(".kdump") || n.endsWith(".vmcore")
                || n.endsWith(".elf") || n.endsWith(".flat") || n.endsWith(".core");
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return -1;
        }
    }
}
