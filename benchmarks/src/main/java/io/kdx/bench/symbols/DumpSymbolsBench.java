package io.kdx.bench.symbols;

import io.kdx.analyzer.dumpsymbols.DumpSymbols;
import io.kdx.analyzer.kernel.Kernels;
import io.kdx.analyzer.kernel.PhysicalMemory;
import io.kdx.dump.Dump;
import io.kdx.symbols.OrcRow;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Symbols from the dump alone (the committed sample, -Dkdx.sample=DIR): opening them (kallsyms
 * decoded and hashed, the BTF copied and indexed on a second thread), and an ORC lookup searched in
 * the dump's own tables. {@code -Dkdx.trace=true} prints the parts of each open.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DumpSymbolsBench {
    Dump dump;
    DumpSymbols symbols;
    long ip;
    final OrcRow row = new OrcRow();

    @Setup(Level.Trial)
    public void setup() throws Exception {
        dump = Dump.open(Path.of(System.getProperty("kdx.sample", "fixtures/sample")).resolve("frozen-audit.kdump"));
        symbols = DumpSymbols.open(dump, new PhysicalMemory(dump, Kernels.PAGE_CACHE));
        ip = symbols.address("vfs_write") + 0x40;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        symbols.close();
        dump.close();
    }

    @Benchmark
    public int open() throws Exception {
        try (DumpSymbols s = DumpSymbols.open(dump, new PhysicalMemory(dump, Kernels.PAGE_CACHE))) {
            return s.symbolCount();
        }
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public boolean orcLookup() {
        return symbols.orc().find(ip, row);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long nameLookup() {
        return symbols.address("init_task");
    }
}
