package io.kdx.spark;

import java.io.IOException;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The job: one task per dump, each row the {@code kdx batch --json} line of its dump, written as
 * JSON lines and as Parquet under {@code OUTPUT/json/date=D/} and {@code OUTPUT/parquet/date=D/}
 * (D the run's date, UTC; appended, so several runs a day add up), and the summary table.
 */
public final class TriageJob {
    /** Rows per output file: thousands of one-row files would cost the file system more than the rows. */
    private static final long ROWS_PER_FILE = 10_000;

    private TriageJob() {}

    /** What a run produced. */
    public record Outcome(long rows, Summary summary, double triageSeconds, double jobSeconds,
                          String jsonDir, String parquetDir) {}

    /** Expands {@code paths} and the list files on the driver, then runs the job. */
    public static Outcome run(SparkSession spark, List<String> paths, List<String> lists, String output,
                              JobSettings settings, LocalDate date) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // Fail before any dump is analyzed, in one line, when the output cannot be written.
        org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(output);
        try {
            if (!out.getFileSystem(sc.hadoopConfiguration()).mkdirs(out)) throw new IOException("mkdirs failed");
        } catch (IOException e) {
            throw new IOException(output + ": cannot create the output directory (" + e.getMessage() + ")", e);
        }
        List<DumpRef> refs = DumpInputs.expand(paths, lists, sc.hadoopConfiguration());
        return write(spark, rows(refs(sc, refs), settings), output, date);
    }

    /** One partition, hence one task, per dump. */
    public static JavaRDD<DumpRef> refs(JavaSparkContext sc, List<DumpRef> refs) {
        return sc.parallelize(refs, Math.max(1, refs.size()));
    }

    /** The rows of {@code refs}: kdx batch's JSON lines. */
    public static JavaRDD<String> rows(JavaRDD<DumpRef> refs, JobSettings settings) {
        return refs.mapPartitions(new DumpTriage(settings));
    }

    /** Computes the rows once (kept while they are written twice and summed up), writes them, sums them up. */
    public static Outcome write(SparkSession spark, JavaRDD<String> rows, String output, LocalDate date) {
        long t0 = System.nanoTime();
        JavaRDD<String> kept = rows.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long n = kept.count();
            double triageSeconds = (System.nanoTime() - t0) / 1e9;
            int files = (int) Math.max(1, Math.min(kept.getNumPartitions(), (n + ROWS_PER_FILE - 1) / ROWS_PER_FILE));
            String partition = "date=" + date;
            String jsonDir = output + "/json/" + partition;
            String parquetDir = output + "/parquet/" + partition;
            Dataset<String> lines = spark.createDataset(kept.rdd(), Encoders.STRING());
            lines.coalesce(files).write().mode(SaveMode.Append).text(jsonDir);
            if (n > 0) {
                // The Parquet schema is inferred from the very lines, so it follows kdx batch --json's fields.
                spark.read().json(lines).coalesce(files).write().mode(SaveMode.Append).parquet(parquetDir);
            }
            Summary summary = kept.aggregate(new Summary(), Summary::add, Summary::merge);
            return new Outcome(n, summary, triageSeconds, (System.nanoTime() - t0) / 1e9, jsonDir, parquetDir);
        } finally {
            kept.unpersist(false);
        }
    }
}
