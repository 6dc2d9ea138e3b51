package io.kdx.analyzer.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kdx.dump.testing.ElfWriter;
import io.kdx.dump.testing.KdumpWriter;
import io.kdx.dump.testing.Memory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kdx info} and {@code kdx pages} on synthetic dumps, and every kind of bad input, run as a user runs them. */
class InfoPagesCommandTest {
    @TempDir
    Path dir;

    record Run(int rc, String out, String err) {}

    static Run kdx(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out, err);
    }

    @Test
    void infoJson() throws Exception {
        Memory m = Memory.sample();
        KdumpWriter w = new KdumpWriter();
        w.compression = KdumpWriter.LZO;
        Path k = dir.resolve("lzo.kdump");
        w.write(m, k);
        Run r = kdx("info", k.toString(), "--json");
        assertEquals(0, r.rc(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("kdump", j.get("format").asText());
        assertEquals("lzo", j.get("compression").asText());
        assertEquals(4096, j.get("page_size").asInt());
        assertEquals(2, j.get("cpus").asInt());
        assertEquals("6.1.0-test", j.get("release").asText());
        long zero = m.pages.values().stream().filter(Memory::isZero).count();
        assertEquals(m.pages.size(), j.get("present_pages").asLong());
        assertEquals(zero, j.get("zero_pages").asLong());
        assertEquals(m.excluded.size(), j.get("excluded_pages").asLong());
        assertEquals(0, j.get("lost_pages").asLong());
        assertFalse(j.get("incomplete").asBoolean());
        assertTrue(j.get("vmcoreinfo_keys").toString().contains("OSRELEASE"));
    }

    @Test
    void infoOnIncompleteDumpExitsFour() throws Exception {
        KdumpWriter w = new KdumpWriter();
        w.incomplete = true;
        w.lostFromDescriptor = 100;
        Path k = dir.resolve("inc.kdump");
        w.write(Memory.sample(), k);
        Run r = kdx("info", k.toString(), "--json");
        assertEquals(ExitCodes.INCOMPLETE_DUMP, r.rc(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertTrue(j.get("incomplete").asBoolean());
        assertTrue(j.get("lost_pages").asLong() > 0);
    }

    /** Issue #12: a PT_LOAD moved to p_paddr 0xfffffffff000 names 2^36 pfns; info and pages follow what the dump holds. */
    @Test
    void aFarSegmentCostsWhatItHolds() throws Exception {
        Memory m = Memory.sample();
        Path elf = dir.resolve("far.elf");
        new ElfWriter().write(m, elf);
        Path plain = dir.resolve("plain.elf");
        new ElfWriter().write(m, plain);
        io.kdx.dump.testing.Corrupt.putLong(elf, 64 + 56 + 24, 0xfffffffff000L);
        Run far = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                () -> kdx("pages", "--json", "--jobs", "2", elf.toString()));
        assertEquals(0, far.rc(), far.err());
        Run near = kdx("pages", "--json", "--jobs", "2", plain.toString());
        assertEquals(new ObjectMapper().readTree(near.out()).get("pages").asLong(), new ObjectMapper().readTree(far.out()).get("pages").asLong());
        Run info = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                () -> kdx("info", "--json", elf.toString()));
        assertEquals(0, info.rc(), info.err());
    }

    /** One memory in every form: the digest must not depend on the format (zero pages skipped by definition). */
    @Test
    void pagesDigestIsTheSameInEveryFormat() throws Exception {
        Memory m = Memory.sample();
        Path elf = dir.resolve("m.elf");
        new ElfWriter().write(m, elf);
        KdumpWriter w = new KdumpWriter();
        w.dumpLevel = 1;
        Path k = dir.resolve("m.kdump");
        w.write(m, k);
        Path flat = dir.resolve("m.flat");
        KdumpWriter.flatten(k, flat, 3000, true, 3);
        List<Path> split = w.writeSplit(m, dir, "m.split", 2);
        w.compression = KdumpWriter.ZSTD;
        w.dumpLevel = 0;
        Path z = dir.resolve("z.kdump");
        w.write(m, z);
        String digest = null;
        for (String[] args : List.of(
                new String[] {elf.toString()}, new String[] {k.toString()}, new String[] {flat.toString()},
                new String[] {z.toString()},
                new String[] {split.get(0).toString(), "--split-part", split.get(1).toString()})) {
            List<String> a = new ArrayList<>(List.of("pages", "--json", "--jobs", "2"));
            a.addAll(List.of(args));
            Run r = kdx(a.toArray(String[]::new));
            assertEquals(0, r.rc(), String.join(" ", args) + ": " + r.err());
            JsonNode j = new ObjectMapper().readTree(r.out());
            String d = j.get("digest").asText();
            if (digest == null) digest = d;
            assertEquals(digest, d, "digest of " + String.join(" ", args));
            assertTrue(j.get("mb_per_s").asDouble() > 0);
        }
    }

    @Test
    void badInputIsOneLineAndExitThree() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "this is not a dump\n".repeat(100));
        Path empty = Files.createFile(dir.resolve("empty"));
        Path k = dir.resolve("full.kdump");
        new KdumpWriter().write(Memory.sample(), k);
        Path shortKdump = dir.resolve("short.kdump");
        Files.write(shortKdump, java.util.Arrays.copyOf(Files.readAllBytes(k), 100));
        Path e = dir.resolve("full.elf");
        new ElfWriter().write(Memory.sample(), e);
        Path shortElf = dir.resolve("short.elf");
        Files.write(shortElf, java.util.Arrays.copyOf(Files.readAllBytes(e), 40));
        Path noPerm = dir.resolve("noperm");
        Files.writeString(noPerm, "secret");
        Files.setPosixFilePermissions(noPerm, PosixFilePermissions.fromString("---------"));
        for (Path p : List.of(text, empty, shortKdump, shortElf, dir, noPerm, dir.resolve("missing"))) {
            // every input through info; pages shares DumpCommand's opening, checked on two of them
            for (String cmd : p == text || p == dir ? List.of("info", "pages") : List.of("info")) {
                Run r = kdx(cmd, p.toString());
                assertEquals(ExitCodes.BAD_INPUT, r.rc(), cmd + " " + p + ": " + r.err());
                String err = r.err().lines().filter(l -> !l.startsWith("WARNING")).reduce("", (a, b) -> a + b + "\n");
                assertEquals(1, err.lines().count(), cmd + " " + p + " printed: " + err);
                assertTrue(err.startsWith("kdx: ") && err.contains(p.getFileName().toString()), err);
                assertFalse(err.contains("Exception") || err.contains("\tat "), err);
            }
        }
    }

    @Test
    void corruptPageIsReportedNotCrashed() throws Exception {
        Memory m = Memory.sample();
        Path k = dir.resolve("bad.kdump");
        new KdumpWriter().write(m, k);
        corruptDescriptor(k, 5);
        Run r = kdx("pages", k.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.rc());
        assertTrue(r.err().contains("corrupt pages") && r.err().contains("pfn "), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    /** Points descriptor {@code index} far past the end of the file. */
    static void corruptDescriptor(Path k, int index) throws IOException {
        byte[] b = Files.readAllBytes(k);
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int bs = bb.getInt(428), sub = bb.getInt(432), bm = bb.getInt(436);
        int d = bs * (1 + sub + bm) + 24 * index;
        bb.putLong(d, 1L << 40);
        Files.write(k, b);
    }
}
