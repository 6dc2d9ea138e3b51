package io.kdx.analyzer.cli;

import io.kdx.dump.Dump;
import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.OrcTable;
import io.kdx.symbols.SymbolHit;
import io.kdx.symbols.Types;
import java.nio.file.Path;

/**
 * Symbols found for a dump, closed together with the dump (the dump's own symbols read through it).
 * {@code kernel}, when not null, is the dump's kernel model, opened so that symbols read from the
 * dump can find module types in the modules' BTF.
 */
record DumpBoundSymbols(KernelSymbols symbols, Dump dump, io.kdx.analyzer.kernel.Kernel kernel) implements KernelSymbols {
    @Override public boolean hasSizes() { return symbols.hasSizes(); }
    @Override public String buildId() { return symbols.buildId(); }
    @Override public String release() { return symbols.release(); }
    @Override public String banner() { return symbols.banner(); }
    @Override public long address(String name) { return symbols.address(name); }
    @Override public SymbolHit lookup(long address) { return symbols.lookup(address); }
    @Override public Types types() { return symbols.types(); }
    @Override public OrcTable orc() { return symbols.orc(); }
    @Override public Path source() { return symbols.source(); }

    @Override
    public void close() {
        try {
            if (kernel != null) kernel.close();
            symbols.close();
        } finally {
            dump.close();
        }
    }
}
