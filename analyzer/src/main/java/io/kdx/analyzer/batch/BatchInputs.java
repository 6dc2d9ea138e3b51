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
                    s.filter(Files::isRegularFile).filter(BatchInputs::candidate).sorted()
                            .forEach(f -> out.add(new BatchInput(f, null)));
                }
            } else {
                out.add(new BatchInput(p, null));
            }
        }
        return out;
    }

    /** Inside a directory, a file is a candidate when it is an archive or starts like a dump. */
    static boolean candidate(Path f) {
        if (Archives.isArchive(f)) return true;
        try (var in = Files.newInputStream(f)) {
            byte[] head = in.readNBytes(16);
            return Archives.looksLikeDump(head, head.length);
        } catch (IOException e) {
            return true; // let the worker report why it cannot be read
        }
    }
}
