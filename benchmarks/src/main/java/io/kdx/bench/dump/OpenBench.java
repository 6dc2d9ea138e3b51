package io.kdx.bench.dump;

import io.kdx.dump.Dump;
import io.kdx.dump.testing.ElfWriter;
import io.kdx.dump.testing.KdumpWriter;
import io.kdx.dump.testing.Memory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * Opening (and closing) a dump whose memory spans 2^maxPfnLog2 pfns, with a few hundred pages present:
 * the cost that grows with the size is the rank index over the kdump bitmaps (max_mapnr / 64 words).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class OpenBench {
    @Param({"16", "20", "24"})
    public int maxPfnLog2;

    Path dir, kdump, elf;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        long max = 1L << maxPfnLog2;
        Memory m = new Memory(4096, max);
        m.data(0, 256).data(max / 2, 64).data(max - 64, 64);
        dir = Files.createTempDirectory("kdx-open");
        kdump = dir.resolve("k.kdump");
        elf = dir.resolve("e.elf");
        new KdumpWriter().write(m, kdump);
        new ElfWriter().write(m, elf);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        Files.delete(kdump);
        Files.delete(elf);
        Files.delete(dir);
    }

    @Benchmark
    public long openKdump() throws Exception {
        try (Dump d = Dump.open(kdump)) {
            return d.presentPages();
        }
    }

    @Benchmark
    public long openElf() throws Exception {
        try (Dump d = Dump.open(elf)) {
            return d.presentPages();
        }
    }
}
