package io.kdx.spark;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kdx spark PATH... [--master URL] [--output DIR] [-s SYMBOLS]}: {@code kdx batch} as a
 * Spark job. Under spark-submit the master comes from spark-submit; run directly (./kdx spark) it
 * defaults to local[*]. Exit code 0 when the job ran (dumps that could not be analyzed are rows
 * with their error, counted in the summary), 2 on a usage error, 3 when the job could not run.
 */
@Command(name = "kdx spark", mixinStandardHelpOptions = true, version = "kdx 0.1.0",
        description = "Runs kdx batch's triage as a Spark job: one task per dump, one row per dump (Parquet and JSON lines).")
public final class SparkMain implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "PATH",
            description = "dumps, archives, directories or globs on any Hadoop file system (file:, hdfs:, s3a: ...)")
    List<String> paths = new ArrayList<>();

    @Option(names = "--list", paramLabel = "FILE", description = "a text file naming one PATH a line (may be repeated)")
    List<String> lists = new ArrayList<>();

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (default: spark-submit's, else local[*])")
    String master;

    @Option(names = "--output", paramLabel = "DIR", description = "where the rows go: DIR/json/date=D and DIR/parquet/date=D (default: kdx-triage)")
    String output = "kdx-triage";

    @Option(names = {"-s", "--symbols"}, paramLabel = "PATH",
            description = "a symbol pack or vmlinux for every dump, or a pack-cache directory (BUILD-ID/vmlinux-RELEASE.kdxsym); shipped once to each executor (default: found per dump by build-id)")
    String symbols;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "the most one dump may take, copy included (default: 900)")
    double timeout = 900;

    @Option(names = "--scratch", paramLabel = "DIR", description = "where executors copy non-local dumps (default: the executor's local directories)")
    String scratch;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "the run's date partition (default: today, UTC)")
    String date;

    @Override
    public Integer call() throws Exception {
        if (paths.isEmpty() && lists.isEmpty()) throw new CommandLine.ParameterException(new CommandLine(this), "kdx spark: give at least one PATH or --list FILE");
        if (!(timeout > 0)) throw new CommandLine.ParameterException(new CommandLine(this), "kdx spark: --timeout must be positive");
        LocalDate day = date == null ? LocalDate.now(ZoneOffset.UTC) : LocalDate.parse(date);
        SparkSession.Builder b = SparkSession.builder().appName("kdx triage");
        if (master != null) b.master(master);
        else if (System.getProperty("spark.master") == null) b.master("local[*]");
        boolean local = master == null ? System.getProperty("spark.master") == null : master.startsWith("local");
        if (local) {
            // One machine: no web UI (a second of start-up nobody looks at), and the driver on the
            // loopback interface rather than whatever address the host name resolves to.
            b.config("spark.ui.enabled", "false").config("spark.driver.host", "localhost")
                    .config("spark.driver.bindAddress", "127.0.0.1");
        }
        long t0 = System.nanoTime();
        try (SparkSession spark = b.getOrCreate()) {
            double startSeconds = (System.nanoTime() - t0) / 1e9;
            JobSettings settings = JobSettings.forJob(
                    org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext()), symbols, timeout, scratch);
            TriageJob.Outcome o = TriageJob.run(spark, paths, lists, output, settings, day);
            System.out.print(o.summary().format(o.triageSeconds(), o.jobSeconds()));
            System.out.printf("  Spark session start: %.1f s; rows: %s (JSON lines), %s (Parquet)%n", startSeconds, o.jsonDir(), o.parquetDir());
        }
        return 0;
    }

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new SparkMain());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            String msg = ex.getMessage() == null ? ex.toString() : ex.getMessage();
            cmd.getErr().println("kdx spark: " + msg.lines().findFirst().orElse(msg));
            return 3;
        });
        System.exit(cl.execute(args));
    }
}
