package io.kdx.spark;

import io.kdx.analyzer.batch.AnalyzeTriage;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkFiles;

/**
 * The triage of one executor JVM, shared by all its tasks: {@code kdx batch}'s
 * {@link AnalyzeTriage}, which opens a kernel build's symbols once and keeps them for every later
 * dump of that build. Kept for the JVM's life, so a thousand dumps of one kernel on an executor
 * map its pack once, whatever the number of tasks.
 */
final class ExecutorTriage {
    private static final Map<String, AnalyzeTriage> BY_SYMBOLS = new ConcurrentHashMap<>();

    private ExecutorTriage() {}

    static AnalyzeTriage forSymbols(String shippedName) {
        String key = shippedName == null ? "" : SparkFiles.get(shippedName);
        return BY_SYMBOLS.computeIfAbsent(key, k -> new AnalyzeTriage(k.isEmpty() ? null : Path.of(k)));
    }
}
