package io.kdx.bench.diagnose;

import io.kdx.analyzer.diagnose.Analyzer;
import io.kdx.analyzer.diagnose.Diagnosis;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.Kernels;
import io.kdx.dump.Dump;
import io.kdx.symbols.KernelSymbols;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * {@code kdx analyze} end to end inside one JVM, on the committed sample (the frozen-audit dump and
 * its symbol pack; -Dkdx.sample=DIR to point elsewhere): open the dump, open the symbol pack, build
 * the kernel view, and run every diagnosis (mounts and freeze levels, tasks and their stacks, the
 * audit state, the log). "cold" opens everything afresh per operation, as one CLI run does after the
 * JVM has started; "warm" reuses the open dump and symbols, as kdx batch does for dumps of one kernel.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class AnalyzeBench {
    Path dumpFile;
    Path pack;
    Dump dump;
    KernelSymbols symbols;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        Path dir = Path.of(System.getProperty("kdx.sample", "fixtures/sample"));
        dumpFile = dir.resolve("frozen-audit.kdump");
        // The sample carries no pack (kdx reads its symbols from the dump): one is written from the
        // fixture vmlinux of the same build for the pack rows.
        try (var s = Files.list(dir)) {
            pack = s.filter(p -> p.getFileName().toString().endsWith(".kdxsym")).findFirst().orElse(null);
        }
        if (pack == null) pack = io.kdx.bench.symbols.SymbolsFiles.pack();
        if (!Files.isRegularFile(dumpFile)) throw new IllegalStateException("missing " + dumpFile.toAbsolutePath());
        dump = Dump.open(dumpFile);
        symbols = KernelSymbols.open(pack);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        symbols.close();
        dump.close();
    }

    @Benchmark
    public Diagnosis cold() throws Exception {
        try (Dump d = Dump.open(dumpFile); KernelSymbols s = KernelSymbols.open(pack); Kernel k = Kernels.open(d, s)) {
            return Analyzer.analyze(k);
        }
    }

    /** Nothing but the dump: kallsyms, BTF and ORC read from it (issue: within 1.2x of the warm pack as whole processes). */
    @Benchmark
    public Diagnosis fromDump() throws Exception {
        try (Dump d = Dump.open(dumpFile); KernelSymbols s = io.kdx.analyzer.kernel.DumpIdentity.fromDump(d); Kernel k = Kernels.open(d, s)) {
            return Analyzer.analyze(k);
        }
    }

    @Benchmark
    public Diagnosis warmSymbols() throws Exception {
        try (Dump d = Dump.open(dumpFile); Kernel k = Kernels.open(d, symbols)) {
            return Analyzer.analyze(k);
        }
    }
}
