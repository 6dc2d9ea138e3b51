package io.kdx.dump;

import java.io.IOException;
import java.nio.file.Path;

/** A dump that cannot be read as what it claims to be. The message names the file and the fault. */
public class DumpException extends IOException {
    private final Path file;

    public DumpException(Path file, String what) {
        super(file + ": " + what);
        this.file = file;
    }

    public DumpException(Path file, String what, Throwable cause) {
        super(file + ": " + what, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
