package io.kdx.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How kdx analyze finds the dump of the bundled sample. */
class AnalyzeCommandTest {
    @Test
    void theSampleDumpIsTheLargestFileNamedLikeADump(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("README.md"), "x".repeat(5000));
        Files.writeString(dir.resolve("vmlinux.kdxsym"), "x".repeat(9000));
        Files.writeString(dir.resolve("frozen-audit.kdump"), "x".repeat(3000));
        Files.createDirectories(dir.resolve("dumps"));
        Files.writeString(dir.resolve("dumps/dmesg.txt"), "x".repeat(8000));
        assertEquals(dir.resolve("frozen-audit.kdump"), AnalyzeCommand.sampleDump(dir));
    }

    @Test
    void aSampleWithoutADumpIsOneClearError(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "x");
        InputException e = assertThrows(InputException.class, () -> AnalyzeCommand.sampleDump(dir));
        assertEquals(dir + ": the bundled sample holds no dump file (vmcore, *.kdump, *.elf, *.flat)", e.getMessage());
    }
}
