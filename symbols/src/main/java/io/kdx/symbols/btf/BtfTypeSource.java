package io.kdx.symbols.btf;

import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.Type.Kind;
import io.kdx.symbols.UncheckedSymbolsException;
import io.kdx.symbols.elf.Bytes;
import io.kdx.symbols.types.Definitions;
import io.kdx.symbols.types.NameIndex;
import io.kdx.symbols.types.TypeGraph;
import io.kdx.symbols.types.TypeNode;
import io.kdx.symbols.types.TypeSource;

/**
 * Materialises BTF records as the nodes DWARF yields (keys are type ids, 0 = void), so both answer
 * alike: a struct, union or enum record is itself (dedup left one record per distinct type, so a
 * member's type id is exact); a forward declaration resolves to the definition its name answers with
 * ({@link Definitions}); restrict and type tags are transparent; a BTF enum has no
 * underlying type of its own, so it gets the base type GCC's DWARF names for its size and sign.
 */
final class BtfTypeSource implements TypeSource {
    private final BtfFile btf;
    private NameIndex index;
    private Definitions definitions;

    BtfTypeSource(BtfFile btf) {
        this.btf = btf;
    }

    void setIndex(NameIndex index, Definitions definitions) {
        this.index = index;
        this.definitions = definitions;
    }

    /** The graph key of a BTF type id. */
    static long key(long id) {
        return id == 0 ? VOID : id;
    }

    @Override
    public TypeNode load(long key, TypeGraph g) {
        try {
            return loadChecked(key, g);
        } catch (SymbolsException e) {
            throw new UncheckedSymbolsException(e);
        }
    }

    private SymbolsException corrupt(long id, String what) {
        return new SymbolsException(btf.file, "corrupt .BTF: type " + id + " " + what);
    }

    private int checkedId(long from, long id) throws SymbolsException {
        if (!btf.valid(id)) throw corrupt(from, "refers to type " + id + ", beyond the last (" + btf.count() + ")");
        return (int) id;
    }

    private TypeNode loadChecked(long key, TypeGraph g) throws SymbolsException {
        int id = checkedId(key, key);
        // restrict and type tags (5.17+) are transparent, as in DWARF; a chain longer than any C type means a cycle
        for (int depth = 0; btf.kind(id) == Btf.KIND_RESTRICT || btf.kind(id) == Btf.KIND_TYPE_TAG; depth++) {
            if (depth > TypeNode.MAX_DEPTH) throw corrupt(key, "starts a cycle of restrict/type_tag records");
            long next = btf.sizeOrType(id);
            if (next == 0) return g.voidType();
            id = checkedId(id, next);
        }
        if (id != key) return g.get(id);
        int info = btf.info(id);
        String name = btf.string(btf.nameOff(id));
        long word = btf.sizeOrType(id);
        long rec = btf.record(id) + Btf.TYPE_BYTES;
        switch (Btf.kind(info)) {
            case Btf.KIND_INT -> {
                int enc = Bytes.i32(btf.types, rec) >>> 24;
                return node(g, key, Kind.BASE, name, word, 0, (enc & Btf.INT_SIGNED) != 0, VOID);
            }
            case Btf.KIND_FLOAT -> {
                return node(g, key, Kind.BASE, name, word, 0, false, VOID);
            }
            case Btf.KIND_PTR -> {
                return node(g, key, Kind.POINTER, null, 8, 0, false, target(id, word));
            }
            case Btf.KIND_TYPEDEF -> {
                return node(g, key, Kind.TYPEDEF, name, -1, 0, false, target(id, word));
            }
            case Btf.KIND_CONST -> {
                return node(g, key, Kind.CONST, null, -1, 0, false, target(id, word));
            }
            case Btf.KIND_VOLATILE -> {
                return node(g, key, Kind.VOLATILE, null, -1, 0, false, target(id, word));
            }
            case Btf.KIND_FUNC_PROTO -> {
                return node(g, key, Kind.FUNCTION, null, -1, 0, false, target(id, word));
            }
            case Btf.KIND_FUNC -> {
                return g.get(checkedId(id, word)); // a function's type is its FUNC_PROTO
            }
            case Btf.KIND_ARRAY -> {
                long elem = Bytes.u32(btf.types, rec), nelems = Bytes.u32(btf.types, rec + 8);
                return node(g, key, Kind.ARRAY, null, -1, nelems, false, target(id, elem));
            }
            case Btf.KIND_FWD -> {
                boolean union = Btf.kindFlag(info);
                TypeNode def = definition(union ? NameIndex.UNION : NameIndex.STRUCT, name, id, g);
                return def != null ? def : composite(g, key, union ? Kind.UNION : Kind.STRUCT, name, -1, info, rec, 0);
            }
            case Btf.KIND_STRUCT, Btf.KIND_UNION -> {
                boolean union = Btf.kind(info) == Btf.KIND_UNION;
                return composite(g, key, union ? Kind.UNION : Kind.STRUCT, name, word, info, rec, Btf.vlen(info));
            }
            case Btf.KIND_ENUM, Btf.KIND_ENUM64 -> {
                TypeNode def = Btf.vlen(info) == 0 ? definition(NameIndex.ENUM, name, id, g) : null; // vlen 0: a forward enum
                return def != null ? def : enumeration(g, key, name, word, info, rec);
            }
            default -> throw corrupt(id, "(kind " + Btf.kind(info) + ") is used as a type but is not one");
        }
    }

    private long target(long from, long id) throws SymbolsException {
        return id == 0 ? VOID : checkedId(from, id);
    }

    private static TypeNode node(TypeGraph g, long key, Kind kind, String name, long size, long count, boolean signed, long target) {
        return new TypeNode(g, key, kind, name, size, count, signed, target, null, null, null, null, null, null);
    }

    /** The definition a forward declaration's name answers with, when it is another record than {@code id}; else null. */
    private TypeNode definition(int cat, String name, int id, TypeGraph g) {
        if (name == null || index == null) return null;
        int slot = index.find(cat, name);
        if (slot < 0) return null;
        long k = definitions.chosen(slot, g);
        return k == id ? null : g.get(k);
    }

    /**
     * Members {name_off, type, offset}. With kind_flag set, offset holds the bit-field size in its top
     * 8 bits and the bit offset below; without, a bit field is an INT type whose encoding carries its
     * width and an extra bit offset.
     */
    private TypeNode composite(TypeGraph g, long key, Kind kind, String name, long size, int info, long rec, int vlen) throws SymbolsException {
        String[] names = new String[vlen];
        long[] bits = new long[vlen], types = new long[vlen];
        int[] bitSizes = new int[vlen];
        boolean kindFlag = Btf.kindFlag(info);
        for (int i = 0; i < vlen; i++) {
            long m = rec + 12L * i;
            names[i] = btf.string(Bytes.u32(btf.types, m));
            long type = Bytes.u32(btf.types, m + 4), off = Bytes.u32(btf.types, m + 8);
            types[i] = target(key, type);
            if (kindFlag) {
                bits[i] = off & 0xffffff;
                bitSizes[i] = (int) (off >>> 24);
            } else {
                bits[i] = off;
                int t = type == 0 ? 0 : checkedId(key, type);
                if (t != 0 && btf.kind(t) == Btf.KIND_INT) {
                    int enc = Bytes.i32(btf.types, btf.record(t) + Btf.TYPE_BYTES);
                    int nrBits = enc & 0xff;
                    if (nrBits != btf.sizeOrType(t) * 8 || ((enc >>> 16) & 0xff) != 0) {
                        bits[i] += (enc >>> 16) & 0xff;
                        bitSizes[i] = nrBits;
                    }
                }
            }
        }
        return new TypeNode(g, key, kind, name, size, 0, false, VOID, names, bits, bitSizes, types, null, null);
    }

    private TypeNode enumeration(TypeGraph g, long key, String name, long size, int info, long rec) throws SymbolsException {
        int kind = Btf.kind(info), vlen = Btf.vlen(info);
        boolean signed = BtfTypes.enumSigned(btf, kind, info, rec);
        String[] names = new String[vlen];
        long[] values = new long[vlen];
        for (int i = 0; i < vlen; i++) {
            long e = rec + (long) i * (kind == Btf.KIND_ENUM ? 8 : 12);
            names[i] = btf.string(Bytes.u32(btf.types, e));
            values[i] = BtfTypes.enumValue(btf, kind, signed, e);
        }
        if (vlen == 0) size = -1; // a forward-declared enum (BTF writes it with no values)
        return new TypeNode(g, key, Kind.ENUM, name, size, 0, false, underlying(size, signed), null, null, null, null, names, values);
    }

    /** The base type GCC gives an enum of this size and sign as its DW_AT_type. */
    private long underlying(long size, boolean signed) {
        String n = switch ((int) size) {
            case 1 -> signed ? "signed char" : "unsigned char";
            case 2 -> signed ? "short int" : "short unsigned int";
            case 4 -> signed ? "int" : "unsigned int";
            case 8 -> signed ? "long int" : "long unsigned int";
            default -> null;
        };
        if (n == null || index == null) return VOID;
        int slot = index.find(NameIndex.BASE, n);
        return slot < 0 ? VOID : index.value(slot);
    }
}
