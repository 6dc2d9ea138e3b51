package io.kdx.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kdx.analyzer.batch.BatchInput;
import io.kdx.analyzer.batch.BatchResult;
import io.kdx.analyzer.batch.BatchRunner;
import io.kdx.analyzer.batch.Batches;
import io.kdx.analyzer.batch.Triage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * The task: {@code kdx batch}'s engine on each dump of its partition (one, as the job plans it),
 * each row exactly the JSON line {@code kdx batch --json} prints for that file.
 *
 * <p>Input errors never fail the task: a dump that cannot be read, copied or analyzed within the
 * time limit gets its row with the error, so Spark's task retries are left for what they are for
 * (a lost executor). A dump on a file system other than the local one is copied to the executor's
 * scratch directory first (kdx memory-maps its input) and deleted after.
 */
public final class DumpTriage implements FlatMapFunction<Iterator<DumpRef>, String> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JobSettings settings;

    public DumpTriage(JobSettings settings) {
        this.settings = settings;
    }

    @Override
    public Iterator<String> call(Iterator<DumpRef> refs) {
        Configuration conf = settings.hadoopConfiguration();
        List<String> rows = new ArrayList<>();
        while (refs.hasNext()) one(refs.next(), conf).ifPresent(rows::add);
        return rows.iterator();
    }

    /** The row of one file, or none when a file met in a directory is not a dump (as kdx batch skips it). */
    Optional<String> one(DumpRef ref, Configuration conf) {
        Path path = new Path(ref.uri());
        String name = displayName(path);
        FutureTask<Optional<String>> work = new FutureTask<>(() -> analyze(ref, path, name, conf));
        Thread worker = Thread.ofPlatform().daemon().name("kdx-spark-dump").start(work);
        long limitNanos = (long) (settings.timeoutSeconds() * 1e9);
        try {
            return work.get(limitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // The worker is told to stop and abandoned (a daemon); its scratch copy is deleted when it ends.
            worker.interrupt();
            return Optional.of(failureRow(name, name + ": not analyzed within the time limit of "
                    + formatSeconds(settings.timeoutSeconds()) + " s", settings.timeoutSeconds()));
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            return Optional.of(failureRow(name, name + ": " + (c.getMessage() == null ? c.toString() : c.getMessage()), 0));
        } catch (InterruptedException e) {
            // Spark is killing this task (job cancelled, speculative copy won): stop the worker and let Spark see it.
            worker.interrupt();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while analyzing " + name, e);
        }
    }

    private Optional<String> analyze(DumpRef ref, Path path, String name, Configuration conf) throws IOException {
        long t0 = System.nanoTime();
        FileSystem fs;
        try {
            fs = path.getFileSystem(conf);
        } catch (IOException e) {
            return Optional.of(failureRow(name, name + ": " + e.getMessage(), seconds(t0)));
        }
        if ("file".equals(fs.getScheme())) {
            java.nio.file.Path local = java.nio.file.Path.of(path.toUri());
            if (ref.listed() && !Batches.candidate(local)) return Optional.empty();
            return Optional.of(batchLine(local, name, null));
        }
        java.nio.file.Path dir = Files.createTempDirectory(scratchRoot(), "kdx-spark-");
        try {
            java.nio.file.Path local = dir.resolve(path.getName());
            try {
                if (ref.listed()) {
                    // Decide as kdx batch does (by name or signature) before copying the whole file.
                    try (InputStream in = fs.open(path)) {
                        Files.write(local, in.readNBytes(16));
                    }
                    if (!Batches.candidate(local)) return Optional.empty();
                }
                try (InputStream in = fs.open(path); OutputStream out = Files.newOutputStream(local)) {
                    in.transferTo(out);
                }
            } catch (IOException e) {
                return Optional.of(failureRow(name, name + ": cannot copy to the executor's scratch directory: " + e.getMessage(), seconds(t0)));
            }
            return Optional.of(batchLine(local, name, null));
        } finally {
            deleteQuietly(dir);
        }
    }

    /**
     * Runs kdx batch's runner on the one local file and returns its JSON line, renamed to
     * {@code name} where the file is a scratch copy. With a {@code failure}, the runner reports it
     * as it reports any dump that fails, so error rows carry exactly the fields batch gives them.
     */
    private String batchLine(java.nio.file.Path local, String name, String failure) {
        Triage triage = failure == null
                ? ExecutorTriage.forSymbols(settings.symbolsName())
                : (f, n) -> { throw new IOException(failure); };
        List<BatchResult> results = new BatchRunner(triage, 1).run(List.of(new BatchInput(local, null)), r -> {},
                BatchRunner.Progress.NONE);
        String line = Batches.jsonLine(results.getFirst());
        String localName = local.toString();
        if (failure == null && localName.equals(name)) return line;
        try {
            ObjectNode row = (ObjectNode) JSON.readTree(line);
            String dump = row.path("dump").asText();
            row.put("dump", dump.startsWith(localName) ? name + dump.substring(localName.length()) : name);
            JsonNode err = row.get("error");
            if (failure != null) row.put("error", failure.lines().findFirst().orElse(failure));
            else if (err != null && err.isTextual()) row.put("error", err.asText().replace(localName, name));
            return JSON.writeValueAsString(row);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String failureRow(String name, String message, double seconds) {
        String line = batchLine(java.nio.file.Path.of("kdx-spark-unread"), name, message);
        try {
            ObjectNode row = (ObjectNode) JSON.readTree(line);
            if (row.has("seconds")) row.put("seconds", Math.round(seconds * 1e3) / 1e3);
            return JSON.writeValueAsString(row);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A local file by its path (as kdx batch names it), any other by its full URI. */
    static String displayName(Path p) {
        return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath() : p.toString();
    }

    private java.nio.file.Path scratchRoot() throws IOException {
        String dir = settings.scratch();
        if (dir == null) dir = firstOf(System.getenv("SPARK_LOCAL_DIRS"));
        if (dir == null) dir = firstOf(System.getenv("LOCAL_DIRS")); // YARN's container directories
        if (dir == null && SparkEnv.get() != null) dir = firstOf(SparkEnv.get().conf().get("spark.local.dir", null));
        if (dir == null) dir = System.getProperty("java.io.tmpdir");
        return Files.createDirectories(java.nio.file.Path.of(dir));
    }

    private static String firstOf(String dirs) {
        if (dirs == null || dirs.isBlank()) return null;
        return dirs.split(",")[0].strip();
    }

    private static double seconds(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e6) / 1e3;
    }

    private static String formatSeconds(double s) {
        return s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s);
    }

    private static void deleteQuietly(java.nio.file.Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // left for the executor's own cleanup of its local directories
                }
            });
        } catch (IOException ignored) {
            // same
        }
    }
}
