package io.kdx.bench.symbols;

import io.kdx.symbols.btf.BtfFile;
import io.kdx.symbols.btf.BtfTypes;
import io.kdx.symbols.elf.ElfFile;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * The vmlinux's .BTF (4 MB) to a name index, and that plus the first struct answer: what a cold
 * vmlinux costs now that types come from BTF (compare {@link IndexBench}'s DWARF index).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dkdx.symbols.cache=off"})
public class BtfIndexBench {
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
    public int nameIndex() throws Exception {
        return BtfTypes.open(BtfFile.parse(elf.path(), elf.data(".BTF")), n -> -1).index().slots();
    }

    @Benchmark
    public long superBlockSize() throws Exception {
        return BtfTypes.open(BtfFile.parse(elf.path(), elf.data(".BTF")), n -> -1).struct("super_block").size();
    }
}
