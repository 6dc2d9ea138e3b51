package io.kdx.symbols.dwarf;

import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.elf.ElfFile;
import io.kdx.symbols.types.IndexedTypes;
import io.kdx.symbols.types.NameIndex;
import io.kdx.symbols.types.TypeGraph;

/** {@link io.kdx.symbols.Types} straight from a vmlinux's DWARF: name index at open, types on first use. */
public final class DwarfTypes extends IndexedTypes {
    private final DwarfTypeSource source;
    private final long dies;
    private final int unitCount;

    private DwarfTypes(NameIndex index, TypeGraph graph, DwarfTypeSource source, long dies, int unitCount) {
        super(index, graph);
        this.source = source;
        this.dies = dies;
        this.unitCount = unitCount;
    }

    public static DwarfTypes open(ElfFile elf) throws SymbolsException {
        return open(elf, Runtime.getRuntime().availableProcessors());
    }

    /** Indexes with {@code threads} threads (1 for a single-core build). */
    public static DwarfTypes open(ElfFile elf, int threads) throws SymbolsException {
        DwarfSections s = DwarfSections.of(elf);
        Units units = Units.scan(s);
        IndexBuilder.Result r = IndexBuilder.build(s, units, threads);
        DwarfTypeSource source = new DwarfTypeSource(s, units);
        long[] hash = new long[1];
        for (int i = 0; i < r.nSpecs(); i++) {
            long spec = r.specs()[3 * i], def = r.specs()[3 * i + 1], address = r.specs()[3 * i + 2];
            long name = source.nameRefOf(spec, hash);
            if (name != 0) r.names().add(NameIndex.VARIABLE, hash[0], def, address, name);
        }
        NameIndex index = r.names().build(source::nameEquals);
        source.setIndex(index);
        return new DwarfTypes(index, new TypeGraph(source), source, r.dies(), units.n);
    }

    @Override
    protected long variableTypeKey(long die) {
        return source.variableTypeKey(die);
    }

    /** The type key of an indexed variable (its DIE's DW_AT_type). */
    public long variableTypeKeyOf(long variableDie) {
        return source.variableTypeKey(variableDie);
    }

    /** The string an index name reference points at. */
    public String nameOf(long nameRef) {
        return source.string(nameRef);
    }

    /** DIEs visited by the index scan (those stepped over by DW_AT_sibling are not counted). */
    public long scannedDies() {
        return dies;
    }

    public int units() {
        return unitCount;
    }
}
