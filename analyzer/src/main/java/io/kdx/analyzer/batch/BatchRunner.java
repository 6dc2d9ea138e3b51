package io.kdx.analyzer.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs a {@link Triage} over many dumps on a fixed number of threads. A dump that fails is
 * reported as a result with an error and never stops the others. Results are handed to
 * {@code sink} as they complete (from worker threads, one at a time).
 */
public final class BatchRunner {
    private final Triage triage;
    private final int jobs;

    public BatchRunner(Triage triage, int jobs) {
        this.triage = triage;
        this.jobs = Math.max(1, jobs);
    }

    public List<BatchResult> run(List<BatchInput> inputs, Consumer<BatchResult> sink, Progress progress) {
        List<BatchResult> results = new ArrayList<>();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        progress.update(0, 0, inputs.size());
        try (ExecutorService pool = Executors.newFixedThreadPool(jobs, Thread.ofPlatform().name("kdx-batch-", 0).daemon().factory())) {
            List<Future<BatchResult>> futures = new ArrayList<>();
            for (BatchInput in : inputs) {
                futures.add(pool.submit(() -> {
                    BatchResult r = one(in);
                    synchronized (results) {
                        results.add(r);
                        if (r.failed()) failed.incrementAndGet();
                        sink.accept(r);
                        progress.update(done.incrementAndGet(), failed.get(), inputs.size());
                    }
                    return r;
                }));
            }
            for (Future<BatchResult> f : futures) {
                try {
                    f.get();
                } catch (Exception e) {
                    // one() never throws; an interrupted wait ends the run with what completed
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        progress.finish();
        results.sort(Comparator.comparing(BatchResult::dump));
        return results;
    }

    private BatchResult one(BatchInput in) {
        long t0 = System.nanoTime();
        Path tmp = null;
        Path file = in.file();
        String name = in.name();
        try {
            if (Archives.isArchive(file)) {
                tmp = Files.createTempDirectory("kdx-batch-");
                Archives.Extracted x = Archives.extractDump(file, tmp);
                file = x.file();
                name = in.file() + "!" + x.entry();
            }
            BatchResult r = triage.triage(file, name);
            return r.as(name, seconds(t0));
        } catch (Throwable e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            msg = msg.lines().findFirst().orElse(msg);
            // an entry's copy is a temporary file: name the entry as the user knows it, archive!entry
            if (!file.equals(in.file())) msg = msg.replace(file.toString(), name);
            return BatchResult.failure(name, seconds(t0), msg);
        } finally {
            if (tmp != null) deleteQuietly(tmp);
        }
    }

    private static double seconds(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e6) / 1e3;
    }

    private static void deleteQuietly(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a temporary file we could not delete is left for the OS to clean
                }
            });
        } catch (IOException ignored) {
            // same
        }
    }

    /** Progress reporting; {@link #NONE} when output is not a terminal. */
    public interface Progress {
        Progress NONE = new Progress() {
            @Override public void update(int done, int failed, int total) {}
            @Override public void finish() {}
        };

        void update(int done, int failed, int total);

        void finish();
    }
}
