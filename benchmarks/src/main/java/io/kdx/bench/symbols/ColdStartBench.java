package io.kdx.bench.symbols;

import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.VmlinuxSymbols;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * Time to the first answer in a fresh JVM (one shot per fork, no warm-up): sizeof(struct super_block)
 * from the 590 MB vmlinux (symbol table, then its .BTF name index, one struct materialised; or, with
 * kdx.types=dwarf, the DWARF name index on all cores), and from its pack. The vmlinux's pages are in the page cache after the first fork, as they are
 * for crash, drgn and pahole run one after the other.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 5, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dkdx.symbols.cache=off", "-XX:+UseSerialGC"})
public class ColdStartBench {
    @Benchmark
    public long superBlockFromVmlinux() throws Exception {
        try (KernelSymbols k = VmlinuxSymbols.open(SymbolsFiles.vmlinux())) {
            return k.types().struct("super_block").size();
        }
    }

    /** The same with C1 only: C2 compiling the scan costs about as much CPU as the scan itself in a short run. */
    @Benchmark
    @Fork(value = 5, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dkdx.symbols.cache=off", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"})
    public long superBlockFromVmlinuxC1() throws Exception {
        return superBlockFromVmlinux();
    }

    /** DWARF alone, as for a kernel without .BTF. */
    @Benchmark
    @Fork(value = 5, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dkdx.symbols.cache=off", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dkdx.types=dwarf"})
    public long superBlockFromVmlinuxDwarfC1() throws Exception {
        return superBlockFromVmlinux();
    }

    @Benchmark
    public long superBlockFromPack(PackState p) throws Exception {
        try (KernelSymbols k = KernelSymbols.open(p.pack)) {
            return k.types().struct("super_block").size();
        }
    }

    @State(Scope.Benchmark)
    public static class PackState {
        java.nio.file.Path pack;

        @Setup(Level.Trial)
        public void setup() throws Exception {
            pack = SymbolsFiles.pack();
        }
    }
}
