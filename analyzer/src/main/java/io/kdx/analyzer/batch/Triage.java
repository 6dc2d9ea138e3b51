package io.kdx.analyzer.batch;

import java.nio.file.Path;

/** Analyzes one dump file for a batch run. Implementations are called from several threads at once. */
@FunctionalInterface
public interface Triage {
    /** Returns the release, verdict and findings; throws with a one-line message when the dump cannot be read. */
    BatchResult triage(Path dump, String displayName) throws Exception;
}
