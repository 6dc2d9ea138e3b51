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
            return new BatchResult(name, "6.1.0", "no fault found", List.of(), 0, null);
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
        assertEquals(List.of(d.resolve("case.tar.gz"), d.resolve("vmcore")), in.stream().map(BatchInput::file).toList());
    }
}
