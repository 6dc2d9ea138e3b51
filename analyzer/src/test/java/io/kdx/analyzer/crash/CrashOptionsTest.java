package io.kdx.analyzer.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** crash's command line: files in either order, options with and without arguments, unknown ones refused. */
class CrashOptionsTest {
    @TempDir
    Path dir;

    private Path vmlinux() throws Exception {
        byte[] elf = new byte[64];
        elf[0] = 0x7f; elf[1] = 'E'; elf[2] = 'L'; elf[3] = 'F'; elf[4] = 2; elf[5] = 1; elf[16] = 2; // ET_EXEC
        return Files.write(dir.resolve("vmlinux"), elf);
    }

    private Path vmcore() throws Exception {
        byte[] elf = new byte[64];
        elf[0] = 0x7f; elf[1] = 'E'; elf[2] = 'L'; elf[3] = 'F'; elf[4] = 2; elf[5] = 1; elf[16] = 4; // ET_CORE
        return Files.write(dir.resolve("vmcore"), elf);
    }

    @Test
    void namelistAndDumpInEitherOrder() throws Exception {
        Path v = vmlinux(), c = vmcore();
        CrashOptions a = CrashOptions.parse(List.of("-s", c.toString(), v.toString()));
        CrashOptions b = CrashOptions.parse(List.of(v.toString(), c.toString(), "--minimal"));
        assertEquals(v, a.vmlinux());
        assertEquals(c, a.dump());
        assertTrue(a.silent());
        assertEquals(v, b.vmlinux());
        assertEquals(c, b.dump());
        assertTrue(b.minimal());
        Path kdump = Files.writeString(dir.resolve("dump"), "KDUMP   ");
        assertEquals(kdump, CrashOptions.parse(List.of(kdump.toString())).dump());
        assertNull(CrashOptions.parse(List.of(kdump.toString())).vmlinux());
        Path part2 = Files.writeString(dir.resolve("dump.2"), "KDUMP   "); // a split dump: every part, in order
        assertEquals(List.of(kdump, part2), CrashOptions.parse(List.of(v.toString(), kdump.toString(), part2.toString())).dumps());
    }

    @Test
    void optionsWithArgumentsAreConsumedAndNoted() throws Exception {
        Path v = vmlinux(), c = vmcore();
        CrashOptions o = CrashOptions.parse(List.of("-i", "crashrc", "--kaslr", "auto", "-d", "1", "--machdep=phys_base=0x200000",
                "--zero_excluded", "--no_modules", c.toString(), v.toString()));
        assertEquals(Path.of("crashrc"), o.inputFile());
        assertTrue(o.zeroExcluded());
        assertEquals(c, o.dump());
        assertEquals(4, o.ignored().size(), o.ignored().toString());
        assertEquals(Path.of("x"), CrashOptions.parse(List.of("-six")).inputFile()); // getopt bundling: -s -i x
    }

    @Test
    void queries() throws Exception {
        CrashOptions o = CrashOptions.parse(List.of("--osrelease", "vmcore"));
        assertEquals(CrashOptions.Query.OSRELEASE, o.query());
        assertEquals(Path.of("vmcore"), o.queryDump());
        assertEquals(CrashOptions.Query.BUILD_ID, CrashOptions.parse(List.of("--build-id=vmcore")).query());
    }

    @Test
    void unknownOptionsAndMissingArgumentsAreUsageErrors() {
        assertEquals("unrecognized option '--bogus'",
                assertThrows(CrashOptions.UsageException.class, () -> CrashOptions.parse(List.of("--bogus"))).getMessage());
        assertEquals("invalid option -- 'z'",
                assertThrows(CrashOptions.UsageException.class, () -> CrashOptions.parse(List.of("-z"))).getMessage());
        assertThrows(CrashOptions.UsageException.class, () -> CrashOptions.parse(List.of("-i")));
        assertThrows(CrashOptions.UsageException.class, () -> CrashOptions.parse(List.of("--osrelease")));
    }

    @Test
    void crashsColumnJustification() {
        assertEquals("     MODULE     ", CrashText.center("MODULE", 16));
        assertEquals("     MOUNT      ", CrashText.center("MOUNT", 16));
        assertEquals("    SUPERBLK    ", CrashText.center("SUPERBLK", 16));
        assertEquals("\\000", GdbValue.escape(0, '"'));
        assertEquals("\\\"", GdbValue.escape('"', '"'));
        assertEquals("\\'", GdbValue.escape('\'', '\''));
    }
}
