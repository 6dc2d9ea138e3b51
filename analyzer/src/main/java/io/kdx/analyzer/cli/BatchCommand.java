package io.kdx.analyzer.cli;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.batch.AnalyzeTriage;
import io.kdx.analyzer.batch.BatchInput;
import io.kdx.analyzer.batch.BatchResult;
import io.kdx.analyzer.batch.BatchRunner;
import io.kdx.analyzer.batch.Batches;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kdx batch PATH... [--jobs N] [--json]}: {@code kdx analyze} over many dumps in parallel.
 * With --json, one JSON object per line and dump (dump, release, verdict, findings, seconds, error)
 * on stdout, the summary on stderr; otherwise a line per dump and the summary table on stdout.
 * Exit code 0 when every dump was analyzed, 3 when any could not be, else 4 when any was incomplete
 * or truncated.
 */
@Command(name = "batch", description = "Analyzes many dumps (files, directories, .tar/.tar.gz/.tar.xz/.tar.zst archives) in parallel.")
public final class BatchCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "dump files, directories, or archives holding a vmcore")
    List<Path> paths;

    @Option(names = "--jobs", paramLabel = "N", description = "dumps analyzed at once (default: the number of cores)")
    int jobs = Runtime.getRuntime().availableProcessors();

    @Option(names = {"-s", "--symbols"}, paramLabel = "PATH", description = "one vmlinux or pack for every dump (default: found per dump by build-id)")
    Path symbols;

    @Option(names = "--json", description = "one JSON line per dump")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
        PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true);
        List<BatchInput> inputs = Batches.expand(paths);
        BatchRunner.Progress progress = System.console() != null ? Batches.progressBar(err) : BatchRunner.Progress.NONE;
        List<BatchResult> results;
        long t0 = System.nanoTime();
        try (AnalyzeTriage triage = new AnalyzeTriage(symbols)) {
            results = new BatchRunner(triage, jobs).run(inputs, r -> {
                if (json) {
                    out.println(Batches.jsonLine(r));
                } else if (progress == BatchRunner.Progress.NONE) {
                    out.println(line(r));
                }
            }, progress);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        PrintStream summaryTo = json ? err : out;
        if (!json && progress != BatchRunner.Progress.NONE) results.forEach(r -> out.println(line(r)));
        summaryTo.print(summary(results, seconds));
        if (results.stream().anyMatch(BatchResult::failed)) return ExitCodes.BAD_INPUT;
        // a dump kdx could not read is exit 4 here as in kdx analyze, truncated or not (a flipped bitmap bit)
        return results.stream().anyMatch(r -> r.partial() || r.notRead()) ? ExitCodes.INCOMPLETE_DUMP : ExitCodes.OK;
    }

    private static String line(BatchResult r) {
        String what = r.failed() ? "ERROR  " + r.error()
                : (r.partial() ? "(" + (Boolean.TRUE.equals(r.truncated()) ? "truncated" : "incomplete") + " dump) " : "") + r.verdict();
        return Fmt.format("%7.2fs  %-24s  %s%n         %s", r.seconds(), r.release() == null ? "-" : r.release(), r.dump(),
                what == null ? "" : what.lines().findFirst().orElse(""));
    }

    static String summary(List<BatchResult> results, double seconds) {
        Map<String, Integer> byKind = new TreeMap<>();
        int failed = 0;
        int notRead = 0;
        for (BatchResult r : results) {
            if (r.failed()) {
                failed++;
                continue;
            }
            // a dump whose task list, mounts or log kdx could not read has no finding because nothing was read:
            // never counted with the dumps found healthy (issue #12)
            if (r.notRead()) notRead++;
            if (r.findings() != null && !r.findings().isEmpty()) {
                r.findings().stream().map(f -> String.valueOf(f.get("kind"))).distinct().forEach(k -> byKind.merge(k, 1, Integer::sum));
            } else if (!r.notRead()) {
                byKind.merge("(no finding)", 1, Integer::sum);
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(Fmt.format("%nSUMMARY: %d dumps in %.1f s (%.2f dumps/s), %d analyzed, %d not read, %d failed%n", results.size(),
                seconds, seconds > 0 ? results.size() / seconds : 0.0, results.size() - failed - notRead, notRead, failed));
        sb.append(Fmt.format("  %-24s %6s%n", "FINDING", "DUMPS"));
        byKind.forEach((k, n) -> sb.append(Fmt.format("  %-24s %6d%n", k, n)));
        if (notRead > 0) sb.append(Fmt.format("  %-24s %6d%n", "(not read)", notRead));
        if (failed > 0) sb.append(Fmt.format("  %-24s %6d%n", "(could not analyze)", failed));
        return sb.toString();
    }
}
