package io.kdx.analyzer.batch;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * One line of {@code kdx batch --json}: the dump, its kernel release, the verdict and findings of
 * {@code kdx analyze}, the seconds it took, and the error when the dump could not be analyzed.
 */
@JsonPropertyOrder({"dump", "release", "verdict", "findings", "seconds", "error"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record BatchResult(String dump, String release, String verdict, List<Map<String, Object>> findings,
                          double seconds, String error) {
    public boolean failed() {
        return error != null;
    }
}
