package io.kdx.bench.kernel;

import io.kdx.analyzer.kernel.AddressTranslator;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.Kernels;
import io.kdx.analyzer.stack.Unwinder;
import io.kdx.analyzer.tasks.TaskInfo;
import io.kdx.analyzer.tasks.Tasks;
import io.kdx.dump.Dump;
import io.kdx.symbols.KernelSymbols;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * The kernel model on a real fixture dump (frozen-audit; -Dkdx.fixtures=DIR to point elsewhere):
 * address translation of 1024 kernel addresses (task_structs in the direct map, vmap'd stacks, mm
 * structs, per-CPU runqueues) through the translation cache and by a full page-table walk, 8-byte
 * reads through translation and the page cache, the task walk with warm caches and from a freshly
 * opened Kernel (layouts, page tables and pages cold), and the stacks of every task.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class KernelBench {
    static final int N = 1024;

    @Param({"zlib-d31.kdump", "qemu-paging.elf"})
    public String dumpFile;

    KernelSymbols symbols;
    Dump dump;
    Kernel kernel;
    AddressTranslator tr;
    long[] addrs = new long[N];
    List<TaskInfo> tasks;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        Path dir = Path.of(System.getProperty("kdx.fixtures",
                System.getProperty("user.home") + "/.cache/kdx/fixtures/6.1.0-57-cloud-amd64/frozen-audit"));
        Path file = dir.resolve("dumps").resolve(dumpFile);
        if (!Files.isRegularFile(file)) throw new IllegalStateException("missing fixture " + file + " (fixtures/generate.sh)");
        symbols = KernelSymbols.open(dir.resolve("vmlinux"));
        symbols.types();
        dump = Dump.open(file);
        kernel = Kernels.open(dump, symbols);
        tr = Kernels.translator(kernel);
        tasks = Tasks.list(kernel);
        List<Long> pool = new ArrayList<>();
        for (TaskInfo t : tasks) {
            pool.add(t.task());
            if (t.stack() != 0) pool.add(t.stack() + 0x3f00);
            if (t.mm() != 0) pool.add(t.mm());
        }
        for (int c = 0; c < kernel.nrCpus(); c++) pool.add(kernel.perCpu(kernel.symbol("runqueues"), c));
        for (int i = 0; i < N; i++) addrs[i] = pool.get(i % pool.size()) + 8L * (i / pool.size() % 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        kernel.close();
        dump.close();
        symbols.close();
    }

    /** 1024 translations through the translation cache. */
    @Benchmark
    @OperationsPerInvocation(N)
    public long translateCached() {
        long s = 0;
        for (long a : addrs) s += tr.translate(a);
        return s;
    }

    /** 1024 full page-table walks (page-table pages from the page cache). */
    @Benchmark
    @OperationsPerInvocation(N)
    public long translateUncached() {
        long s = 0;
        for (long a : addrs) s += tr.translateUncached(a);
        return s;
    }

    /** 1024 readU64 of kernel virtual addresses. */
    @Benchmark
    @OperationsPerInvocation(N)
    public long readU64() {
        long s = 0;
        for (long a : addrs) s += kernel.readU64(a);
        return s;
    }

    /** The whole task list (the fixture has about 60 tasks), caches warm. */
    @Benchmark
    public int taskWalk() {
        return Tasks.list(kernel).size();
    }

    /** A fresh Kernel (KASLR, page tables, layouts) and its task list: what `kdx ps` costs after opening the files. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Warmup(iterations = 3)
    @Measurement(iterations = 10)
    public int openAndTaskWalkCold() throws Exception {
        try (Kernel k = Kernels.open(dump, symbols)) {
            return Tasks.list(k).size();
        }
    }

    /** The kernel stack of every task. */
    @Benchmark
    public int backtraceEveryTask() {
        int n = 0;
        for (TaskInfo t : tasks) n += Unwinder.backtrace(kernel, t).size();
        return n;
    }
}
