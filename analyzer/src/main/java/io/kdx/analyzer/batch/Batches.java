package io.kdx.analyzer.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** The batch engine's entry points for the command line. */
public final class Batches {
    private static final ObjectMapper LINES = new ObjectMapper();

    private Batches() {}

    public static List<BatchInput> expand(List<Path> paths) throws IOException {
        return BatchInputs.expand(paths);
    }

    /**
     * Whether a file met while walking a directory is one {@code kdx batch} analyzes: an archive by
     * its name, else a file that starts like a dump (the Spark job asks this of each listed file).
     */
    public static boolean candidate(Path file) {
        return BatchInputs.candidate(file);
    }

    public static BatchRunner.Progress progressBar(PrintStream err) {
        return new ProgressBar(err);
    }

    /** One result as a single JSON line. */
    public static String jsonLine(BatchResult r) {
        try {
            return LINES.writeValueAsString(r);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
