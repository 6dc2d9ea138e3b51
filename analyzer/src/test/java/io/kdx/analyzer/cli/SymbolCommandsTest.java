package io.kdx.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kdx struct, sym and symbols pack given bad symbol files: exit code 3 and one line naming the file, never a stack trace. */
class SymbolCommandsTest {
    @TempDir
    Path dir;

    @Test
    void badSymbolFilesAreOneLineErrors() throws Exception {
        Path junk = dir.resolve("junk");
        Files.writeString(junk, "not a kernel at all");
        Path elf = dir.resolve("truncated-vmlinux");
        byte[] h = new byte[40];
        h[0] = 0x7f; h[1] = 'E'; h[2] = 'L'; h[3] = 'F'; h[4] = 2; h[5] = 1;
        Files.write(elf, h);
        Path pack = dir.resolve("bad.kdxsym");
        Files.write(pack, "KDXSYMP\0garbage".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Path empty = Files.createDirectory(dir.resolve("empty-dir"));
        Path missing = dir.resolve("missing-vmlinux");
        for (Path p : List.of(junk, elf, pack, empty, missing)) {
            for (List<String> args : List.of(List.of("struct", "task_struct", "-s", p.toString()), List.of("sym", "init_task", "-s", p.toString()),
                    List.of("symbols", "pack", p.toString(), "-o", dir.resolve("out.kdxsym").toString()))) {
                if (args.get(0).equals("symbols") && p.equals(empty)) continue;
                InfoPagesCommandTest.Run r = InfoPagesCommandTest.kdx(args.toArray(String[]::new));
                assertEquals(ExitCodes.BAD_INPUT, r.rc(), args + ": " + r.err());
                String err = r.err().lines().filter(l -> !l.startsWith("WARNING")).reduce("", (a, b) -> a + b + "\n");
                assertEquals(1, err.lines().count(), args + " printed: " + err);
                assertTrue(err.startsWith("kdx: ") && err.contains(p.getFileName().toString()), err);
                assertFalse(err.contains("Exception") || err.contains("\tat "), err);
            }
        }
    }
}
