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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kdx analyze [DUMP]}: the diagnosis. Without DUMP it analyses the bundled sample
 * (fixtures/sample: a dump and its symbol pack), found under $KDX_HOME, beside the jar's checkout,
 * or in the current directory.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = {"Diagnose the dump: a short verdict first, then the evidence (frozen filesystems and who waits on them,",
                "the audit backlog, hung tasks, a panic) and what could not be read. Without DUMP, analyses the bundled sample.",
                "JSON: one object, fields documented in the README (verdict, findings [{kind, ...}], audit, remedy, unreadable)."})
public final class AnalyzeCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "DUMP", description = "the dump file; default: the bundled sample (fixtures/sample)")
    Path dump;

    @Option(names = "--split-part", paramLabel = "FILE", description = "further files of a split dump (makedumpfile --split)")
    List<Path> splitParts = List.of();

    @Option(names = {"-s", "--symbols"}, paramLabel = "PATH", description = "vmlinux, symbol pack, or a directory holding one")
    Path symbols;

    @Option(names = "--dump-symbols", description = "read the kernel's symbols, types and unwind tables from the dump itself (kallsyms, BTF, ORC), even when a vmlinux or pack is at hand")
    boolean dumpSymbols;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Option(names = "--stacks", description = "show full stacks (function+offset) and every object chain of the blocked tasks")
    boolean stacks;

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

    private static final class Run extends KernelCommand {
        boolean stacks;

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
