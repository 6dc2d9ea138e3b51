package io.kdx.analyzer.batch;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * One line of {@code kdx batch --json}: the dump, its kernel release, the verdict and findings of
 * {@code kdx analyze}, whether the dump is incomplete or truncated and what could not be read, the
 * seconds it took, and the error when the dump could not be analyzed. {@code incomplete} and
 * {@code truncated} are null when the dump could not be opened (unknown, not false).
 * {@code analyzed} is {@code kdx analyze --json}'s: false when the task list, the mounts or the log
 * could not be read, with the reasons in {@code not_analyzed} (such a dump has no findings because
 * nothing was read, not because nothing is wrong: issue #12); null when the dump could not be opened.
 */
@JsonPropertyOrder({"dump", "release", "verdict", "findings", "incomplete", "truncated", "unreadable", "seconds", "error",
        "analyzed", "not_analyzed", "unreadable_records"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record BatchResult(String dump, String release, String verdict, List<Map<String, Object>> findings,
                          Boolean incomplete, Boolean truncated, List<String> unreadable, double seconds, String error,
                          Boolean analyzed, @JsonProperty("not_analyzed") List<String> notAnalyzed,
                          @JsonProperty("unreadable_records") List<io.kdx.analyzer.kernel.Unreadable> unreadableRecords) {
    /** A dump that could not be analyzed at all. */
    public static BatchResult failure(String dump, double seconds, String error) {
        return new BatchResult(dump, null, null, List.of(), null, null, List.of(), seconds, error, null, List.of(), List.of());
    }

    /** The same result under another name and wall time (an archive's entry, the time measured by the runner). */
    public BatchResult as(String name, double wallSeconds) {
        return new BatchResult(name, release, verdict, findings, incomplete, truncated, unreadable, wallSeconds, error, analyzed,
                notAnalyzed, unreadableRecords);
    }

    /** Opened, but kdx could not read what a verdict stands on (the task list, the mounts or the log). */
    @JsonIgnore
    public boolean notRead() {
        return Boolean.FALSE.equals(analyzed);
    }

    public boolean failed() {
        return error != null;
    }

    /** Analyzed, but the dump lacks pages its writer meant to save (incomplete or truncated): exit code 4. */
    @JsonIgnore
    public boolean partial() {
        return Boolean.TRUE.equals(incomplete) || Boolean.TRUE.equals(truncated);
    }
}
