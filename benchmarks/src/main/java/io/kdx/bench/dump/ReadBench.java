package io.kdx.bench.dump;

import io.kdx.dump.Dump;
import io.kdx.dump.DumpOptions;
import io.kdx.dump.PageState;
import io.kdx.dump.testing.KdumpWriter;
import io.kdx.dump.testing.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.*;

/**
 * Reading a kdump of 8192 real pages (32 MiB) per compression: random 8-byte physical reads that hit the
 * page cache (a hot set of 256 pages) or miss it (any page, cache disabled), and a full sequential scan
 * of every present page with 1 thread and with all processors (pages per operation: 8192).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ReadBench {
    static final int PAGES = 8192;
    static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Param({"zlib", "lzo", "snappy", "zstd", "none"})
    public String compression;

    Dump cached, uncached;
    Path dir;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        Memory m = Corpus.memory(PAGES);
        KdumpWriter w = new KdumpWriter();
        w.compression = switch (compression) {
            case "zlib" -> KdumpWriter.ZLIB;
            case "lzo" -> KdumpWriter.LZO;
            case "snappy" -> KdumpWriter.SNAPPY;
            case "zstd" -> KdumpWriter.ZSTD;
            default -> KdumpWriter.NONE;
        };
        dir = Files.createTempDirectory("kdx-bench");
        Path p = dir.resolve("bench.kdump");
        w.write(m, p);
        cached = Dump.open(new DumpOptions(DumpOptions.DEFAULT_CHUNK_SIZE, 1024), p);
        uncached = Dump.open(new DumpOptions(DumpOptions.DEFAULT_CHUNK_SIZE, 0), p);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        cached.close();
        uncached.close();
        try (var s = Files.list(dir)) {
            for (Path f : (Iterable<Path>) s::iterator) Files.delete(f);
        }
        Files.delete(dir);
    }

    @State(Scope.Thread)
    public static class Buf {
        final MemorySegment page = Arena.ofAuto().allocate(4096, 64);
        final SplittableRandom rnd = new SplittableRandom(42);
    }

    static long read8(Dump d, long paddr, MemorySegment page) {
        if (!d.readPage(paddr >>> 12, page).readable()) return 0;
        return page.get(WORD, paddr & 4088);
    }

    @Benchmark
    public long random8ByteReadCacheHit(Buf b) {
        long paddr = ((long) b.rnd.nextInt(256) << 12) + b.rnd.nextInt(4096);
        return read8(cached, paddr, b.page);
    }

    @Benchmark
    public long random8ByteReadCacheMiss(Buf b) {
        long paddr = ((long) b.rnd.nextInt(PAGES) << 12) + b.rnd.nextInt(4096);
        return read8(uncached, paddr, b.page);
    }

    @Benchmark
    public long fullScan1Thread(Buf b) {
        long sum = 0;
        for (long pfn = 0; pfn < PAGES; pfn++) if (uncached.readPage(pfn, b.page) == PageState.PRESENT) sum += b.page.get(WORD, 0);
        return sum;
    }

    @Benchmark
    public long fullScanAllThreads() throws InterruptedException {
        int n = Runtime.getRuntime().availableProcessors();
        AtomicLong next = new AtomicLong(), sum = new AtomicLong();
        Thread[] ts = new Thread[n];
        for (int t = 0; t < n; t++) {
            ts[t] = Thread.ofPlatform().start(() -> {
                MemorySegment page = Arena.ofConfined().allocate(4096, 64);
                long s = 0;
                for (long c; (c = next.getAndAdd(256)) < PAGES; ) {
                    for (long pfn = c; pfn < c + 256; pfn++) if (uncached.readPage(pfn, page) == PageState.PRESENT) s += page.get(WORD, 0);
                }
                sum.addAndGet(s);
            });
        }
        for (Thread t : ts) t.join();
        return sum.get();
    }
}
