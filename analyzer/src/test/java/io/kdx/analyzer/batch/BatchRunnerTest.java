package io.kdx.analyzer.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchRunnerTest {
    @TempDir
    Path tmp;

    @Test
    void aFailingDumpIsReportedAndNeverStopsTheOthers() throws Exception {
        List<BatchInput> inputs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Path f = tmp.resolve("dump" + i);
            Files.writeString(f, "KDUMP   " + i);
            inputs.add(new BatchInput(f, null));
        }
        Set<String> threads = ConcurrentHashMap.newKeySet();
        Triage triage = (file, name) -> {
            threads.add(Thread.currentThread().getName());
            Thread.sleep(20);
            if (name.endsWith("dump5")) throw new IllegalStateException(name + ": bad magic\nsecond line");
            return new BatchResult(name, "6.1.0", "no fault found", List.of(), false, false, List.of(), 0, null, true, List.of(), List.of());
        };
        List<BatchResult> seen = new ArrayList<>();
        List<BatchResult> results = new BatchRunner(triage, 3).run(inputs, seen::add, BatchRunner.Progress.NONE);
        assertEquals(12, results.size());
        assertEquals(12, seen.size());
        long failed = results.stream().filter(BatchResult::failed).count();
        assertEquals(1, failed);
        BatchResult bad = results.stream().filter(BatchResult::failed).findFirst().orElseThrow();
        assertEquals(inputs.get(5).name() + ": bad magic", bad.error(), "one line, naming the dump");
        assertNull(bad.verdict());
        results.stream().filter(r -> !r.failed()).forEach(r -> assertNotNull(r.verdict()));
        assertEquals(3, threads.size(), "work spread over the requested jobs");
    }

    @Test
    void directoriesExpandToTheDumpsAndArchivesInside() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("drop/sub"));
        Files.writeString(d.resolve("vmcore"), "KDUMP   xxxxxxxx");
        Files.writeString(d.resolve("notes.txt"), "not a dump");
        Files.write(d.resolve("case.tar.gz"), new byte[] {1});
        List<BatchInput> in = BatchInputs.expand(List.of(tmp.resolve("drop")));
        // every regular file gets a line, a dump or not (issue #12: a 1-byte file was silently skipped)
        assertEquals(List.of(d.resolve("case.tar.gz"), d.resolve("notes.txt"), d.resolve("vmcore")),
                in.stream().map(BatchInput::file).toList());
    }

    @Test
    void anArchiveEntryThatIsNoGoodDumpIsNamedArchiveBangEntry() throws Exception {
        Path tar = tmp.resolve("case.tar");
        byte[] bad = new byte[4096];
        System.arraycopy("KDUMP   ".getBytes(), 0, bad, 0, 8); // the signature, then a zeroed header
        try (var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(Files.newOutputStream(tar))) {
            var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("var/crash/vmcore");
            e.setSize(bad.length);
            out.putArchiveEntry(e);
            out.write(bad);
            out.closeArchiveEntry();
        }
        List<BatchResult> r = new BatchRunner(new AnalyzeTriage(null), 1).run(List.of(new BatchInput(tar, null)), x -> {},
                BatchRunner.Progress.NONE);
        String error = r.getFirst().error();
        assertEquals(tar + "!var/crash/vmcore", r.getFirst().dump());
        org.junit.jupiter.api.Assertions.assertTrue(error.startsWith(tar + "!var/crash/vmcore: "), error);
        org.junit.jupiter.api.Assertions.assertFalse(error.contains("kdx-batch-"), error);
    }

    @Test
    void aCutArchiveSaysWhatIsWrong() throws Exception {
        Path tgz = tmp.resolve("cut.tar.gz");
        byte[] dump = new byte[200_000];
        new java.util.Random(12).nextBytes(dump);
        System.arraycopy("KDUMP   ".getBytes(), 0, dump, 0, 8);
        try (var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
                new java.util.zip.GZIPOutputStream(Files.newOutputStream(tgz)))) {
            var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("vmcore");
            e.setSize(dump.length);
            out.putArchiveEntry(e);
            out.write(dump);
            out.closeArchiveEntry();
        }
        byte[] b = Files.readAllBytes(tgz);
        Files.write(tgz, java.util.Arrays.copyOf(b, b.length / 2));
        List<BatchResult> r = new BatchRunner(new AnalyzeTriage(null), 1).run(List.of(new BatchInput(tgz, null)), x -> {},
                BatchRunner.Progress.NONE);
        String error = r.getFirst().error();
        org.junit.jupiter.api.Assertions.assertTrue(error.startsWith(tgz + ": damaged archive: "), error);
        org.junit.jupiter.api.Assertions.assertFalse(error.contains("null"), error);
    }

    @Test
    void aOneByteFileIsNotADump() throws Exception {
        Path one = tmp.resolve("one");
        Files.write(one, new byte[] {7});
        List<BatchResult> r = new BatchRunner(new AnalyzeTriage(null), 1).run(BatchInputs.expand(List.of(tmp)), x -> {},
                BatchRunner.Progress.NONE);
        assertEquals(1, r.size());
        org.junit.jupiter.api.Assertions.assertTrue(r.getFirst().error().startsWith(one + ": not a crash dump"), r.getFirst().error());
        assertNull(r.getFirst().incomplete(), "unknown, not false");
    }
}
