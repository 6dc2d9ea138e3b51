package io.kdx.analyzer.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Expands the paths a batch run was given (files, directories, archives) into dumps to analyze. */
final class BatchInputs {
    /** Walks into directories at most this deep: a triage drop is a few levels at most. */
    private static final int MAX_DEPTH = 8;

    private BatchInputs() {}

    static List<BatchInput> expand(List<Path> paths) throws IOException {
        List<BatchInput> out = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) throw new java.nio.file.NoSuchFileException(p.toString());
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p, MAX_DEPTH)) {
                    // every regular file found gets a line, a dump or not ("not a crash dump")
                    s.filter(BatchInputs::candidate).sorted().forEach(f -> out.add(new BatchInput(f, null)));
                }
            } else {
                out.add(new BatchInput(p, null));
            }
        }
        return out;
    }

    /**
     * Inside a directory, every regular file is a candidate: a dump or not, it gets a line (a file that
     * is no dump says "not a crash dump"), so nothing handed to triage goes unreported (issue #12).
     */
    static boolean candidate(Path f) {
        return Files.isRegularFile(f);
    }
}
