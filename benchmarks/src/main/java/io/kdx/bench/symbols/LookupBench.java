package io.kdx.bench.symbols;

import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.OrcRow;
import io.kdx.symbols.VmlinuxSymbols;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * Steady-state lookups on an open pack and an open vmlinux: name to address, address to symbol,
 * a member offset through the type graph, an enumerator, an ORC row; and opening a pack.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Dkdx.symbols.cache=off"})
public class LookupBench {
    @Param({"pack", "vmlinux"})
    public String source;

    KernelSymbols k;
    long vfsWrite;
    final OrcRow row = new OrcRow();

    @Setup(Level.Trial)
    public void setup() throws Exception {
        k = source.equals("pack") ? KernelSymbols.open(SymbolsFiles.pack()) : VmlinuxSymbols.open(SymbolsFiles.vmlinux());
        k.types().struct("super_block");
        vfsWrite = k.address("vfs_write");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        k.close();
    }

    @Benchmark
    public long addressOfName() {
        return k.address("init_task");
    }

    @Benchmark
    public Object symbolOfAddress() {
        return k.lookup(vfsWrite + 0x40);
    }

    @Benchmark
    public long memberOffset() {
        return k.types().offsetOf("super_block", "s_writers.frozen").getAsLong();
    }

    @Benchmark
    public long enumerator() {
        return k.types().enumerator("SB_FREEZE_COMPLETE").getAsLong();
    }

    @Benchmark
    public boolean orcRow() {
        return k.orc().find(vfsWrite + 0x40, row);
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long packOpenAndFirstStruct() throws Exception {
        try (KernelSymbols p = KernelSymbols.open(SymbolsFiles.pack())) {
            return p.types().struct("super_block").size();
        }
    }
}
