package io.kdx.bench.symbols;

import io.kdx.symbols.dwarf.DwarfTypes;
import io.kdx.symbols.elf.ElfFile;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/** The DWARF name index of the whole vmlinux (2172 units, 164 MB of .debug_info), on one core and on all cores. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dkdx.symbols.cache=off"})
public class IndexBench {
    @Param({"1", "0"}) // 0: all available cores
    public int threads;

    ElfFile elf;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        elf = ElfFile.open(SymbolsFiles.vmlinux());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        elf.close();
    }

    @Benchmark
    public long nameIndex() throws Exception {
        int t = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        return DwarfTypes.open(elf, t).scannedDies();
    }
}
