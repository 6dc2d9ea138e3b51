package io.kdx.symbols.btf;

import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.elf.Bytes;
import io.kdx.symbols.types.IndexedTypes;
import io.kdx.symbols.types.NameIndex;
import io.kdx.symbols.types.TypeGraph;
import java.util.function.ToLongFunction;

/**
 * {@link io.kdx.symbols.Types} from BTF: the name index is one pass over the type records (a few
 * milliseconds for a distribution kernel's ~4 MB .BTF, against a second or more for its DWARF), types
 * load on first use into the same nodes DWARF and packs yield. A struct, union or enum entry's aux
 * counts the records of its name (dedup leaves one per distinct type, so more than one means distinct
 * types share the name); which one answers is {@link io.kdx.symbols.types.Definitions}' choice, and a
 * member's type is the record its id names. BTF describes only the variables it encodes (before pahole 1.27's global
 * variables, just the per-CPU ones): the other variables are unknown here.
 */
public final class BtfTypes extends IndexedTypes {
    private final BtfFile btf;

    private BtfTypes(BtfFile btf, NameIndex index, TypeGraph graph, io.kdx.symbols.types.Definitions definitions) {
        super(index, graph, definitions);
        this.btf = btf;
    }

    public BtfFile file() {
        return btf;
    }

    /**
     * Indexes {@code btf}. {@code sectionAddress} gives the link-time address of an ELF section by name
     * (or -1), placing the variables of a DATASEC; .data..percpu is placed at 0, so its variables get
     * their offset in the per-CPU area, as DWARF's DW_OP_addr gives them.
     */
    public static BtfTypes open(BtfFile btf, ToLongFunction<String> sectionAddress) throws SymbolsException {
        int n = btf.count();
        // Names are hashed from a heap copy of the string section (2 MB for a distribution
        // kernel): a byte[] loop runs several times faster than segment reads before the JIT's
        // second tier, which a short command never reaches.
        byte[] strings = btf.strings.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        long[] varAddress = variableAddresses(btf, sectionAddress);
        NameIndex.Builder names = new NameIndex.Builder(n + n / 2);
        for (int id = 1; id <= n; id++) {
            int info = btf.info(id);
            int kind = Btf.kind(info);
            long name = btf.nameOff(id);
            long rec = btf.record(id) + Btf.TYPE_BYTES;
            switch (kind) {
                case Btf.KIND_STRUCT -> count(names, add(btf, strings, names, NameIndex.STRUCT, name, id, 1));
                case Btf.KIND_UNION -> count(names, add(btf, strings, names, NameIndex.UNION, name, id, 1));
                case Btf.KIND_FWD -> add(btf, strings, names, Btf.kindFlag(info) ? NameIndex.UNION_DECL : NameIndex.STRUCT_DECL, name, id, 0);
                case Btf.KIND_TYPEDEF -> add(btf, strings, names, NameIndex.TYPEDEF, name, id, 0);
                case Btf.KIND_FLOAT -> add(btf, strings, names, NameIndex.BASE, name, id, 0);
                case Btf.KIND_INT -> {
                    // bit-field carriers of old (kind_flag 0) structs are INTs narrower than their size: not the base type
                    int enc = Bytes.i32(btf.types, rec);
                    if (((enc >>> 16) & 0xff) == 0 && (enc & 0xff) == btf.sizeOrType(id) * 8) add(btf, strings, names, NameIndex.BASE, name, id, 0);
                }
                case Btf.KIND_VAR -> add(btf, strings, names, NameIndex.VARIABLE, name, id, varAddress[id]);
                case Btf.KIND_ENUM, Btf.KIND_ENUM64 -> {
                    int vlen = Btf.vlen(info);
                    int e0 = add(btf, strings, names, vlen == 0 ? NameIndex.ENUM_DECL : NameIndex.ENUM, name, id, vlen == 0 ? 0 : 1); // vlen 0: a forward enum
                    if (vlen > 0) count(names, e0);
                    boolean signed = enumSigned(btf, kind, info, rec);
                    for (int i = 0; i < vlen; i++) {
                        long e = rec + (long) i * (kind == Btf.KIND_ENUM ? 8 : 12);
                        add(btf, strings, names, NameIndex.ENUMERATOR, Bytes.u32(btf.types, e), id, enumValue(btf, kind, signed, e));
                    }
                }
                default -> { }
            }
        }
        return indexed(btf, names.build(btf::nameEquals));
    }

    /** One more record of a name already indexed at {@code slot} (or none: -1). */
    private static void count(NameIndex.Builder names, int slot) {
        if (slot >= 0) names.setAux(slot, names.auxAt(slot) + 1);
    }

    private static BtfTypes indexed(BtfFile btf, NameIndex index) {
        BtfTypeSource source = new BtfTypeSource(btf);
        // an index kept by an older kdx holds aux 0 here: its names read as having one definition
        io.kdx.symbols.types.Definitions defs = new io.kdx.symbols.types.Definitions(index, new Records(btf, index));
        source.setIndex(index, defs);
        return new BtfTypes(btf, index, new TypeGraph(source), defs);
    }

    /** A name's records when its aux counts more than one (a named class, not a lambda spun at a cold start). */
    private record Records(BtfFile btf, NameIndex index) implements io.kdx.symbols.types.Definitions.Alternatives {
        @Override
        public long[] of(int slot) {
            return index.aux(slot) > 1 ? records(btf, index.category(slot), index.nameRef(slot)) : null;
        }
    }

    /** The ids of every STRUCT, UNION or ENUM (with values) record named by the string at {@code nameOff}, in id order. */
    private static long[] records(BtfFile btf, int category, long nameOff) {
        long[] ids = new long[4];
        int n = 0;
        for (int id = 1; id <= btf.count(); id++) {
            int info = btf.info(id), kind = Btf.kind(info);
            boolean match = switch (category) {
                case NameIndex.STRUCT -> kind == Btf.KIND_STRUCT;
                case NameIndex.UNION -> kind == Btf.KIND_UNION;
                case NameIndex.ENUM -> (kind == Btf.KIND_ENUM || kind == Btf.KIND_ENUM64) && Btf.vlen(info) > 0;
                default -> false;
            };
            if (!match || !sameString(btf, btf.nameOff(id), nameOff)) continue;
            if (n == ids.length) ids = java.util.Arrays.copyOf(ids, n * 2);
            ids[n++] = id;
        }
        return java.util.Arrays.copyOf(ids, n);
    }

    private static boolean sameString(BtfFile btf, long a, long b) {
        if (a == b) return true;
        return b > 0 && b < btf.strings().byteSize() && btf.nameEquals(a, Bytes.cString(btf.strings(), b).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * {@code btf} with a name index built before by {@link #open(BtfFile, ToLongFunction)} for the
     * same bytes (its columns kept in a cache): no pass over the records.
     */
    public static BtfTypes withIndex(BtfFile btf, java.lang.foreign.MemorySegment hashes, java.lang.foreign.MemorySegment values,
            java.lang.foreign.MemorySegment aux, java.lang.foreign.MemorySegment nameRefs, java.lang.foreign.MemorySegment cats) {
        return indexed(btf, new NameIndex(hashes, values, aux, nameRefs, cats, btf::nameEquals));
    }

    /** Indexes a name; -1 when it was new (or anonymous), else the slot of the record already indexed under it. */
    private static int add(BtfFile btf, byte[] strings, NameIndex.Builder names, int cat, long nameOff, long id, long aux) throws SymbolsException {
        if (nameOff == 0) return -1;
        if (nameOff >= strings.length) throw new SymbolsException(btf.file, "corrupt .BTF: type " + id + " names string offset " + nameOff);
        long h = 0xcbf29ce484222325L; // Bytes.hashCString's FNV-1a
        for (int p = (int) nameOff; p < strings.length && strings[p] != 0; p++) h = (h ^ (strings[p] & 0xff)) * 0x100000001b3L;
        return names.put(cat, h, id, aux, nameOff);
    }

    /**
     * Whether an enum's values are signed: its kind_flag where the BTF uses it (6.0+); in older BTF
     * (no flag, every value an __s32) as GCC decides: signed when some value is negative.
     */
    static boolean enumSigned(BtfFile btf, int kind, int info, long rec) {
        if (btf.enumSignFlag || kind != Btf.KIND_ENUM) return Btf.kindFlag(info);
        for (int i = 0, n = Btf.vlen(info); i < n; i++) if (Bytes.i32(btf.types, rec + 8L * i + 4) < 0) return true;
        return false;
    }

    /** An enumerator at record offset {@code e}: ENUM {name, s32/u32 val}, ENUM64 {name, lo32, hi32}; kind_flag = signed (6.0+). */
    static long enumValue(BtfFile btf, int kind, boolean signed, long e) {
        if (kind == Btf.KIND_ENUM64) return Bytes.u32(btf.types, e + 4) | (Bytes.u32(btf.types, e + 8) << 32);
        return signed ? Bytes.i32(btf.types, e + 4) : Bytes.u32(btf.types, e + 4);
    }

    /** Per VAR id, its link-time address from the DATASEC that lists it, or -1. */
    private static long[] variableAddresses(BtfFile btf, ToLongFunction<String> sectionAddress) throws SymbolsException {
        int n = btf.count();
        long[] at = new long[n + 1];
        java.util.Arrays.fill(at, -1);
        for (int id = 1; id <= n; id++) {
            int info = btf.info(id);
            if (Btf.kind(info) != Btf.KIND_DATASEC) continue;
            String sec = btf.string(btf.nameOff(id));
            long base = ".data..percpu".equals(sec) ? 0 : sec == null ? -1 : sectionAddress.applyAsLong(sec);
            if (base == -1) continue;
            long rec = btf.record(id) + Btf.TYPE_BYTES;
            for (int i = 0; i < Btf.vlen(info); i++) {
                long var = Bytes.u32(btf.types, rec + 12L * i), off = Bytes.u32(btf.types, rec + 12L * i + 4);
                if (btf.valid(var)) at[(int) var] = base + off;
            }
        }
        return at;
    }

    /**
     * How many records define {@code name} in a category (STRUCT, UNION, ENUM, or ENUMERATOR for
     * enumerator names): more than one means distinct types share the name (static types of different
     * files), and the first answers for it. A linear scan: for diagnostics, not lookups.
     */
    public int definitions(int category, String name) throws SymbolsException {
        byte[] utf8 = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int n = 0;
        for (int id = 1; id <= btf.count(); id++) {
            int info = btf.info(id), kind = Btf.kind(info);
            if (category == NameIndex.ENUMERATOR && (kind == Btf.KIND_ENUM || kind == Btf.KIND_ENUM64)) {
                long rec = btf.record(id) + Btf.TYPE_BYTES;
                for (int i = 0; i < Btf.vlen(info); i++) {
                    if (btf.nameEquals(Bytes.u32(btf.types, rec + (long) i * (kind == Btf.KIND_ENUM ? 8 : 12)), utf8)) n++;
                }
                continue;
            }
            boolean match = switch (category) {
                case NameIndex.STRUCT -> kind == Btf.KIND_STRUCT;
                case NameIndex.UNION -> kind == Btf.KIND_UNION;
                case NameIndex.ENUM -> (kind == Btf.KIND_ENUM || kind == Btf.KIND_ENUM64) && Btf.vlen(info) > 0;
                default -> false;
            };
            if (match && btf.nameEquals(btf.nameOff(id), utf8)) n++;
        }
        return n;
    }

    @Override
    protected long variableTypeKey(long varId) {
        return btf.valid(varId) ? BtfTypeSource.key(btf.sizeOrType((int) varId)) : io.kdx.symbols.types.TypeSource.VOID;
    }
}
