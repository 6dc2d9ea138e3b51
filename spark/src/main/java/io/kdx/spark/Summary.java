package io.kdx.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The driver's table over a job's rows: dumps per finding kind (a dump counts once per kind), per
 * kernel release (with its failures), and the failures. Built on the executors and merged, so the
 * driver never holds the rows.
 */
public final class Summary implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private long dumps;
    private long failed;
    private long notRead;
    private double analysisSeconds;
    private final TreeMap<String, Long> byKind = new TreeMap<>();
    private final TreeMap<String, long[]> byRelease = new TreeMap<>();

    /** Adds one row (a {@code kdx batch --json} line). */
    public Summary add(String row) {
        JsonNode r;
        try {
            r = JSON.readTree(row);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dumps++;
        analysisSeconds += r.path("seconds").asDouble(0);
        boolean bad = r.hasNonNull("error");
        String release = r.hasNonNull("release") ? r.get("release").asText() : "(unknown)";
        long[] rel = byRelease.computeIfAbsent(release, k -> new long[2]);
        rel[0]++;
        if (bad) {
            failed++;
            rel[1]++;
            return this;
        }
        // analyzed false: kdx could not read the task list, the mounts or the log, so no finding means
        // nothing read, not a healthy machine (issue #12); counted apart, as kdx batch does
        boolean unread = r.path("analyzed").isBoolean() && !r.get("analyzed").asBoolean();
        if (unread) notRead++;
        TreeSet<String> kinds = new TreeSet<>();
        r.path("findings").forEach(f -> kinds.add(f.path("kind").asText("(unnamed)")));
        if (kinds.isEmpty() && !unread) kinds.add("(no finding)");
        kinds.forEach(k -> byKind.merge(k, 1L, Long::sum));
        return this;
    }

    public Summary merge(Summary o) {
        dumps += o.dumps;
        failed += o.failed;
        notRead += o.notRead;
        analysisSeconds += o.analysisSeconds;
        o.byKind.forEach((k, n) -> byKind.merge(k, n, Long::sum));
        o.byRelease.forEach((k, n) -> {
            long[] mine = byRelease.computeIfAbsent(k, x -> new long[2]);
            mine[0] += n[0];
            mine[1] += n[1];
        });
        return this;
    }

    public long dumps() {
        return dumps;
    }

    public long failed() {
        return failed;
    }

    /** Dumps opened whose task list, mounts or log could not be read (no verdict stands on them). */
    public long notRead() {
        return notRead;
    }

    public Map<String, Long> byKind() {
        return java.util.Collections.unmodifiableMap(byKind);
    }

    /** Release to {dumps, failed}. */
    public Map<String, long[]> byRelease() {
        return java.util.Collections.unmodifiableMap(byRelease);
    }

    /** The table, with the wall time of the triage stage (dumps/s) and of the whole job. */
    public String format(double triageSeconds, double jobSeconds) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%nSUMMARY: %d dumps in %.1f s (%.2f dumps/s; job %.1f s with output), %d analyzed, %d not read, %d failed%n",
                dumps, triageSeconds, triageSeconds > 0 ? dumps / triageSeconds : 0.0, jobSeconds, dumps - failed - notRead, notRead,
                failed));
        sb.append(String.format("  %-28s %8s%n", "FINDING", "DUMPS"));
        byKind.forEach((k, n) -> sb.append(String.format("  %-28s %8d%n", k, n)));
        if (notRead > 0) sb.append(String.format("  %-28s %8d%n", "(not read)", notRead));
        if (failed > 0) sb.append(String.format("  %-28s %8d%n", "(could not analyze)", failed));
        sb.append(String.format("  %-28s %8s %8s%n", "RELEASE", "DUMPS", "FAILED"));
        byRelease.forEach((k, n) -> sb.append(String.format("  %-28s %8d %8d%n", k, n[0], n[1])));
        sb.append(String.format("  analysis time summed over dumps: %.1f s%n", analysisSeconds));
        return sb.toString();
    }
}
