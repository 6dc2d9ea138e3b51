package io.kdx.analyzer.batch;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * One line of {@code kdx batch --json}: the dump, its kernel release, the verdict and findings of
 * {@code kdx analyze}, whether the dump is incomplete or truncated and what could not be read, the
 * seconds it took, and the error when the dump could not be analyzed. {@code incomplete} and
 * {@code truncated} are null when the dump could not be opened (unknown, not false).
 */
@JsonPropertyOrder({"dump", "release", "verdict", "findings", "incomplete", "truncated", "unreadable", "seconds", "error"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record BatchResult(String dump, String release, String verdict, List<Map<String, Object>> findings,
                          Boolean incomplete, Boolean truncated, List<String> unreadable, double seconds, String error) {
    /** A dump that could not be analyzed at all. */
    public static BatchResult failure(String dump, double seconds, String error) {
        return new BatchResult(dump, null, null, List.of(), null, null, List.of(), seconds, error);
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
