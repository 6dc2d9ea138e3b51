package io.kdx.analyzer.batch;

import java.nio.file.Path;

/**
 * One dump a batch run was handed: a file on disk, or an entry of an archive that triage services
 * receive (.tar, .tar.gz, .tar.xz, .tar.zst). {@code entry} is null for a plain file.
 */
public record BatchInput(Path file, String entry) {
    /** How the dump is named in reports: the file, or archive!entry. */
    public String name() {
        return entry == null ? file.toString() : file + "!" + entry;
    }

    public boolean inArchive() {
        return Archives.isArchive(file);
    }
}
