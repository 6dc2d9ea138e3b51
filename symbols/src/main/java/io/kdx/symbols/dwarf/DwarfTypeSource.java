package io.kdx.symbols.dwarf;

import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.Type.Kind;
import io.kdx.symbols.UncheckedSymbolsException;
import io.kdx.symbols.types.Definitions;
import io.kdx.symbols.types.NameIndex;
import io.kdx.symbols.types.TypeGraph;
import io.kdx.symbols.types.TypeNode;
import io.kdx.symbols.types.TypeSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Materialises types from DIEs. Keys are .debug_info offsets; the inner dimensions of a
 * multi-dimensional array get the array DIE's offset plus (dimension << 40). Named structs, unions
 * and enums are canonical per definition: another unit's copy of a definition (same name, byte size
 * and declaration line: {@link NameScanner#fingerprint}) loads the first one the index holds for it,
 * so every unit's "struct file" is the same node (and a pack, which stores that one, answers the
 * same), while a distinct type of the same name stays itself (kernel/dma.c's 16-byte struct
 * dma_chan is not virt_dma_chan.chan's 112-byte one) and a definition the index does not hold (a
 * function-local type) is itself too. A declaration loads the definition its name answers with
 * ({@link Definitions}). restrict and _Atomic are transparent.
 */
final class DwarfTypeSource implements TypeSource {
    static final long DIM_SHIFT = 40, OFFSET_MASK = (1L << DIM_SHIFT) - 1;

    private final DwarfSections s;
    private final Units units;
    private NameIndex index;
    private Definitions definitions;
    /** Per name slot with distinct definitions: {DIE offsets, fingerprints}. */
    private java.util.Map<Integer, long[][]> alternatives = java.util.Map.of();

    DwarfTypeSource(DwarfSections s, Units units) {
        this.s = s;
        this.units = units;
    }

    void setIndex(NameIndex index, Definitions definitions, java.util.Map<Integer, long[][]> alternatives) {
        this.index = index;
        this.definitions = definitions;
        this.alternatives = alternatives;
    }

    @Override
    public TypeNode load(long key, TypeGraph g) {
        try {
            return loadChecked(key, g);
        } catch (SymbolsException e) {
            throw new UncheckedSymbolsException(e);
        } catch (IndexOutOfBoundsException e) {
            throw new UncheckedSymbolsException(new SymbolsException(s.file, "truncated DWARF reading the type at .debug_info+0x" + Long.toHexString(key & OFFSET_MASK)));
        }
    }

    private TypeNode loadChecked(long key, TypeGraph g) throws SymbolsException {
        if (key < 0) throw new SymbolsException(s.file, "bad type key " + key);
        DieCursor c = new DieCursor(s, units);
        long off = key & OFFSET_MASK;
        int dim = (int) (key >>> DIM_SHIFT);
        DieAttrs d = DieAttrs.read(c, off);
        String name = d.name == DieAttrs.NONE ? null : c.string(d.name);
        long type = d.type == DieAttrs.NONE ? VOID : d.type;
        switch (d.tag) {
            case Dw.TAG_base_type:
                return new TypeNode(g, key, Kind.BASE, name, size(d), 0,
                        d.encoding == Dw.ATE_signed || d.encoding == Dw.ATE_signed_char, VOID, null, null, null, null, null, null);
            case Dw.TAG_unspecified_type:
                return new TypeNode(g, key, Kind.VOID, name == null ? "void" : name, -1, 0, false, VOID, null, null, null, null, null, null);
            case Dw.TAG_pointer_type: case Dw.TAG_reference_type: case Dw.TAG_rvalue_reference_type:
                return new TypeNode(g, key, Kind.POINTER, null, d.byteSize != DieAttrs.NONE ? d.byteSize : c.addrSize, 0, false, type,
                        null, null, null, null, null, null);
            case Dw.TAG_typedef:
                return new TypeNode(g, key, Kind.TYPEDEF, name, -1, 0, false, type, null, null, null, null, null, null);
            case Dw.TAG_const_type:
                return new TypeNode(g, key, Kind.CONST, null, -1, 0, false, type, null, null, null, null, null, null);
            case Dw.TAG_volatile_type:
                return new TypeNode(g, key, Kind.VOLATILE, null, -1, 0, false, type, null, null, null, null, null, null);
            case Dw.TAG_restrict_type: case Dw.TAG_atomic_type:
                if (type == off) throw new SymbolsException(s.file, "type DIE at .debug_info+0x" + Long.toHexString(off) + " refers to itself");
                return g.get(type);
            case Dw.TAG_subroutine_type: case Dw.TAG_subprogram:
                return new TypeNode(g, key, Kind.FUNCTION, null, -1, 0, false, type, null, null, null, null, null, null);
            case Dw.TAG_array_type:
                return array(c, d, key, dim, type, g);
            case Dw.TAG_structure_type: case Dw.TAG_union_type: case Dw.TAG_enumeration_type: {
                boolean struct = d.tag == Dw.TAG_structure_type, union = d.tag == Dw.TAG_union_type;
                if (name != null && index != null) {
                    int slot = index.find(struct ? NameIndex.STRUCT : union ? NameIndex.UNION : NameIndex.ENUM, name);
                    long def = slot < 0 ? -1 : d.declaration ? definitions.chosen(slot, g) : sameDefinition(slot, d);
                    if (def >= 0 && def != off) return g.get(def);
                }
                if (d.tag == Dw.TAG_enumeration_type) return enumeration(c, d, key, name, type, g);
                return composite(c, d, key, name, struct ? Kind.STRUCT : Kind.UNION, g);
            }
            default:
                throw new SymbolsException(s.file, "DIE at .debug_info+0x" + Long.toHexString(off) + " (tag 0x" + Integer.toHexString(d.tag) + ") is not a type");
        }
    }

    /** The indexed definition a definition DIE is a copy of (same fingerprint), or -1 when it is none of them. */
    private long sameDefinition(int slot, DieAttrs d) {
        long fp = NameScanner.fingerprint(d.byteSize == DieAttrs.NONE ? 0 : d.byteSize, d.declLine == DieAttrs.NONE ? 0 : d.declLine);
        if (index.aux(slot) == fp) return index.value(slot);
        long[][] a = alternatives.get(slot);
        for (int i = 1; a != null && i < a[0].length; i++) if (a[1][i] == fp) return a[0][i];
        return -1;
    }

    private static long size(DieAttrs d) {
        return d.byteSize == DieAttrs.NONE ? -1 : d.byteSize;
    }

    private TypeNode composite(DieCursor c, DieAttrs d, long key, String name, Kind kind, TypeGraph g) throws SymbolsException {
        List<String> names = new ArrayList<>();
        List<long[]> pos = new ArrayList<>(); // bit offset, bit size, type key
        if (d.children && !d.declaration) {
            DieAttrs m = new DieAttrs();
            while (true) {
                if (c.r.pos >= c.unitEnd) throw c.truncated(c.r.pos);
                if (!m.readHere(c)) break;
                if (m.tag == Dw.TAG_member) {
                    long mtype = m.type == DieAttrs.NONE ? VOID : m.type;
                    long bits;
                    long bitSize = m.bitSize == DieAttrs.NONE ? 0 : m.bitSize;
                    long loc = m.memberLocation == DieAttrs.NONE ? 0 : m.memberLocation;
                    if (m.dataBitOffset != DieAttrs.NONE) {
                        bits = m.dataBitOffset; // DWARF 4+: from the start of the containing struct
                    } else if (m.bitOffset != DieAttrs.NONE && bitSize > 0) {
                        // DWARF 2/3: counted from the most significant bit of a storage unit of
                        // DW_AT_byte_size (or the member type's size) at data_member_location; little-endian.
                        long unit = m.byteSize != DieAttrs.NONE ? m.byteSize : g.get(mtype).size();
                        bits = loc * 8 + unit * 8 - m.bitOffset - bitSize;
                    } else {
                        bits = loc * 8;
                    }
                    names.add(m.name == DieAttrs.NONE ? null : c.string(m.name));
                    pos.add(new long[] {bits, bitSize, mtype});
                }
                m.skipChildren(c);
            }
        }
        int n = names.size();
        long[] bitOffsets = new long[n], types = new long[n];
        int[] bitSizes = new int[n];
        for (int i = 0; i < n; i++) {
            bitOffsets[i] = pos.get(i)[0];
            bitSizes[i] = (int) pos.get(i)[1];
            types[i] = pos.get(i)[2];
        }
        long size = d.declaration ? -1 : size(d);
        return new TypeNode(g, key, kind, name, size, 0, false, VOID, names.toArray(new String[0]), bitOffsets, bitSizes, types, null, null);
    }

    private TypeNode enumeration(DieCursor c, DieAttrs d, long key, String name, long type, TypeGraph g) throws SymbolsException {
        List<String> names = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        if (d.children) {
            DieAttrs m = new DieAttrs();
            while (true) {
                if (c.r.pos >= c.unitEnd) throw c.truncated(c.r.pos);
                if (!m.readHere(c)) break;
                if (m.tag == Dw.TAG_enumerator && m.name != DieAttrs.NONE) {
                    names.add(c.string(m.name));
                    values.add(m.hasConstValue ? m.constValue : 0);
                }
                m.skipChildren(c);
            }
        }
        long[] v = new long[values.size()];
        for (int i = 0; i < v.length; i++) v[i] = values.get(i);
        long size = d.declaration ? -1 : size(d);
        return new TypeNode(g, key, Kind.ENUM, name, size, 0, false, type, null, null, null, null, names.toArray(new String[0]), v);
    }

    /** Dimension {@code dim} of an array DIE: its count, and as element either the next dimension or the element type. */
    private TypeNode array(DieCursor c, DieAttrs d, long key, int dim, long elem, TypeGraph g) throws SymbolsException {
        List<Long> counts = new ArrayList<>();
        if (d.children) {
            DieAttrs m = new DieAttrs();
            while (true) {
                if (c.r.pos >= c.unitEnd) throw c.truncated(c.r.pos);
                if (!m.readHere(c)) break;
                if (m.tag == Dw.TAG_subrange_type || m.tag == Dw.TAG_enumeration_type) {
                    long n;
                    if (m.count != DieAttrs.NONE) n = m.count;
                    else if (m.upperBound != DieAttrs.NONE) n = m.upperBound + 1; // C arrays start at 0; upper_bound -1 is flexible
                    else n = 0;                                                     // flexible array member
                    counts.add(Math.max(0, n));
                }
                m.skipChildren(c);
            }
        }
        if (counts.isEmpty()) counts.add(0L);
        if (dim >= counts.size()) throw new SymbolsException(s.file, "array DIE at .debug_info+0x" + Long.toHexString(d.offset) + " has no dimension " + dim);
        long target = dim + 1 < counts.size() ? (d.offset | ((long) (dim + 1) << DIM_SHIFT)) : elem;
        return new TypeNode(g, key, Kind.ARRAY, null, -1, counts.get(dim), false, target, null, null, null, null, null, null);
    }

    /** The type key of a variable DIE (following DW_AT_specification when the definition has no type). */
    long variableTypeKey(long die) {
        try {
            DieCursor c = new DieCursor(s, units);
            DieAttrs d = DieAttrs.read(c, die);
            if (d.type == DieAttrs.NONE && d.specification != DieAttrs.NONE) d = DieAttrs.read(c, d.specification);
            return d.type == DieAttrs.NONE ? VOID : d.type;
        } catch (SymbolsException e) {
            throw new UncheckedSymbolsException(e);
        }
    }

    /** The name a DIE carries (for variables named by their DW_AT_specification), or 0. */
    long nameRefOf(long die, long[] hashOut) throws SymbolsException {
        DieCursor c = new DieCursor(s, units);
        DieAttrs d = DieAttrs.read(c, die);
        if (d.name == DieAttrs.NONE) return 0;
        hashOut[0] = c.hashName(d.name);
        return d.name;
    }

    String string(long nameRef) {
        return new DieCursor(s, units).string(nameRef);
    }

    boolean nameEquals(long nameRef, byte[] utf8) {
        DieCursor c = new DieCursor(s, units);
        return io.kdx.symbols.elf.Bytes.equalsCString(c.stringSection(nameRef), nameRef & DieCursor.OFFSET_MASK, utf8);
    }
}
