package io.kdx.symbols.dwarf;

import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.elf.ElfFile;
import io.kdx.symbols.types.Definitions;
import io.kdx.symbols.types.IndexedTypes;
import io.kdx.symbols.types.NameIndex;
import io.kdx.symbols.types.TypeGraph;

/** {@link io.kdx.symbols.Types} straight from a vmlinux's DWARF: name index at open, types on first use. */
public final class DwarfTypes extends IndexedTypes {
    private final DwarfTypeSource source;
    private final long dies;
    private final int unitCount;

    private DwarfTypes(NameIndex index, TypeGraph graph, Definitions definitions, DwarfTypeSource source, long dies, int unitCount) {
        super(index, graph, definitions);
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
        java.util.Map<Integer, long[][]> alternatives = alternatives(index, r.alternates(), source);
        Definitions definitions = new Definitions(index, slot -> {
            long[][] a = alternatives.get(slot);
            return a == null ? null : a[0];
        });
        source.setIndex(index, definitions, alternatives);
        return new DwarfTypes(index, new TypeGraph(source), definitions, source, r.dies(), units.n);
    }

    /**
     * Per name slot with more than one fingerprint: {DIE offsets, fingerprints}, the slot's own
     * definition first, then the first definition of each other fingerprint in unit order.
     */
    private static java.util.Map<Integer, long[][]> alternatives(NameIndex index, NameIndex.Builder alternates, DwarfTypeSource source) {
        java.util.Map<Integer, java.util.List<long[]>> found = new java.util.HashMap<>();
        alternates.forEach((cat, hash, die, fingerprint, ref) -> {
            int slot = index.find(cat, source.string(ref));
            if (slot >= 0 && index.aux(slot) != fingerprint) found.computeIfAbsent(slot, k -> new java.util.ArrayList<>()).add(new long[] {die, fingerprint});
        });
        java.util.Map<Integer, long[][]> out = new java.util.HashMap<>();
        found.forEach((slot, list) -> {
            list.sort((a, b) -> Long.compare(a[0], b[0]));
            long[][] a = new long[2][list.size() + 1];
            a[0][0] = index.value(slot);
            a[1][0] = index.aux(slot);
            for (int i = 0; i < list.size(); i++) {
                a[0][i + 1] = list.get(i)[0];
                a[1][i + 1] = list.get(i)[1];
            }
            out.put(slot, a);
        });
        return out;
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
