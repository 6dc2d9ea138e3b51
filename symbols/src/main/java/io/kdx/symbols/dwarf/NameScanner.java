package io.kdx.symbols.dwarf;

import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.types.NameIndex;
import java.util.Arrays;

/**
 * Scans a run of units for the names kdx looks up: unit-level struct, union, enum, typedef, base
 * type and variable DIEs, and the enumerators of unit-level enums. Steps over everything else with
 * the abbreviation's fixed size or DW_AT_sibling; allocates nothing per DIE (results go into
 * primitive tables). Function-local types and statics are not indexed.
 *
 * <p>A struct, union or enum definition's aux is its {@link #fingerprint} (byte size and declaration
 * line): the first definition of a name goes into {@link #names}, and the first of each other
 * fingerprint into {@link #alternates} (distinct types sharing the name, such as kernel/dma.c's
 * 16-byte struct dma_chan beside dmaengine's). Every unit repeats its headers' types with one
 * fingerprint, so this costs a comparison per repeated definition.
 */
final class NameScanner {
    static final int MAX_DEPTH = 4096;
    /** Index aux of a variable without a DW_OP_addr location. */
    static final long NO_ADDRESS = -1;

    private final DieCursor c;
    final NameIndex.Builder names = new NameIndex.Builder(4096);
    /** Struct, union and enum definitions whose fingerprint differs from their name's first, keyed by {@link #alternateHash}; null while none. */
    NameIndex.Builder alternates;
    /** Variable definitions named only through DW_AT_specification: (spec DIE, definition DIE, address) triples. */
    long[] specs = new long[64];
    int nSpecs;
    long dies;
    static final int HASH_CACHE_BITS = 15;
    private final long[] cacheRefs, cacheHashes; // shared by the runs of one thread

    /** A name-hash cache for one thread's scanners (2 x 2^15 longs). */
    static long[][] newHashCache() {
        return new long[][] {new long[1 << HASH_CACHE_BITS], new long[1 << HASH_CACHE_BITS]};
    }

    NameScanner(DwarfSections s, Units units, long[][] hashCache) {
        this.c = new DieCursor(s, units);
        this.cacheRefs = hashCache[0];
        this.cacheHashes = hashCache[1];
    }

    void scan(int fromUnit, int toUnit) throws SymbolsException {
        if (toUnit > fromUnit) c.r.window(c.units.start[fromUnit], c.units.end[toUnit - 1]);
        for (int u = fromUnit; u < toUnit; u++) {
            try {
                scanUnit(u);
            } catch (IndexOutOfBoundsException e) {
                throw c.truncated(c.r.pos);
            }
        }
    }

    private void scanUnit(int u) throws SymbolsException {
        c.enterUnit(u);
        Units units = c.units;
        int ut = units.unitType[u];
        if (ut != Dw.UT_compile && ut != Dw.UT_partial) return; // type and skeleton units carry no kernel types here
        Leb r = c.r;
        Abbrevs a = c.abbrevs;
        long end = c.unitEnd;
        r.pos = units.firstDie[u];
        int depth = 0;
        int[] parentTag = new int[64];
        long enumDie = 0;
        while (r.pos < end) {
            long die = r.pos;
            long code = r.uleb();
            if (code == 0) {
                if (--depth <= 0) break;
                continue;
            }
            int e = a.entry(code);
            if (e < 0) {
                throw new SymbolsException(c.s.file, "abbreviation code " + code + " does not exist (DIE at .debug_info+0x" + Long.toHexString(die) + ")");
            }
            dies++;
            int tag = a.tag[e];
            boolean kids = a.children[e];
            int cat = 0;
            if (depth == 1) {
                cat = switch (tag) {
                    case Dw.TAG_structure_type -> NameIndex.STRUCT;
                    case Dw.TAG_union_type -> NameIndex.UNION;
                    case Dw.TAG_enumeration_type -> NameIndex.ENUM;
                    case Dw.TAG_typedef -> NameIndex.TYPEDEF;
                    case Dw.TAG_base_type -> NameIndex.BASE;
                    case Dw.TAG_variable -> NameIndex.VARIABLE;
                    default -> 0;
                };
            } else if (depth == 2 && tag == Dw.TAG_enumerator && parentTag[2] == Dw.TAG_enumeration_type) {
                cat = NameIndex.ENUMERATOR;
            }
            long sibling = 0;
            if (cat == 0 && a.fixedSize[e] >= 0 && !(kids && depth > 0)) {
                r.pos += a.fixedSize[e];
            } else {
                long name = 0, spec = 0, value = 0, size = 0, line = 0;
                boolean decl = false, located = false;
                for (int i = a.attrStart[e], n = i + a.attrCount[e]; i < n; i++) {
                    int at = a.attrName[i], form = a.attrForm[i];
                    if (at == Dw.AT_sibling) {
                        sibling = c.read(form, 0);
                    } else if (cat == 0) {
                        int fs = a.attrFixed[i];
                        if (fs >= 0) r.pos += fs;
                        else c.skip(form, a.attrConst[i]);
                    } else if (at == Dw.AT_name) {
                        name = c.read(form, a.attrConst[i]);
                    } else if (at == Dw.AT_declaration) {
                        decl = c.read(form, a.attrConst[i]) != 0;
                    } else if (at == Dw.AT_specification) {
                        spec = c.read(form, 0);
                    } else if (at == Dw.AT_location) {
                        located = true;
                        value = locationAddress(form, a.attrConst[i]);
                    } else if (at == Dw.AT_const_value) {
                        value = c.read(form, a.attrConst[i]);
                    } else if (at == Dw.AT_byte_size) {
                        size = c.read(form, a.attrConst[i]);
                    } else if (at == Dw.AT_decl_line) {
                        line = c.read(form, a.attrConst[i]);
                    } else {
                        int fs = a.attrFixed[i];
                        if (fs >= 0) r.pos += fs;
                        else c.skip(form, a.attrConst[i]);
                    }
                }
                if (cat != 0) record(cat, die, name, spec, decl, located, cat == NameIndex.STRUCT || cat == NameIndex.UNION || cat == NameIndex.ENUM ? fingerprint(size, line) : value, enumDie);
            }
            if (kids) {
                if (depth == 0 || (depth == 1 && tag == Dw.TAG_enumeration_type) || sibling <= die || sibling > end) {
                    if (depth == 1) enumDie = die;
                    depth++;
                    if (depth >= MAX_DEPTH) throw new SymbolsException(c.s.file, "DIE tree nested deeper than " + MAX_DEPTH + " at .debug_info+0x" + Long.toHexString(die));
                    if (depth >= parentTag.length) parentTag = Arrays.copyOf(parentTag, parentTag.length * 2);
                    parentTag[depth] = tag;
                } else {
                    r.pos = sibling;
                }
            }
        }
    }

    /** The address of a location expression that is exactly DW_OP_addr ADDR, else NO_ADDRESS. */
    private long locationAddress(int form, long implicitConst) throws SymbolsException {
        if (form != Dw.FORM_exprloc && form != Dw.FORM_block1 && form != Dw.FORM_block) {
            c.skip(form, implicitConst);
            return NO_ADDRESS;
        }
        long start = c.read(form, implicitConst), end = c.r.pos;
        if (c.blockLen != 1 + c.addrSize) return NO_ADDRESS;
        c.r.pos = start;
        long addr = c.r.u8() == Dw.OP_addr ? (c.addrSize == 8 ? c.r.u64() : c.r.u32()) : NO_ADDRESS;
        c.r.pos = end;
        return addr;
    }

    /**
     * Name hash through a direct-mapped cache keyed by the name reference: the linker merges
     * .debug_str, so every unit's "list_head" is one offset and most lookups hit.
     */
    private long hashOf(long nameRef) {
        int i = (int) ((nameRef * 0x9e3779b97f4a7c15L) >>> (64 - HASH_CACHE_BITS));
        if (cacheRefs[i] == nameRef) return cacheHashes[i];
        long h = c.hashName(nameRef);
        cacheRefs[i] = nameRef;
        cacheHashes[i] = h;
        return h;
    }

    /** What tells distinct definitions of one name apart without reading their members: byte size and declaration line. */
    static long fingerprint(long byteSize, long declLine) {
        return byteSize << 32 ^ declLine;
    }

    /** The key of a (name, fingerprint) pair in an alternates table. */
    static long alternateHash(long nameHash, long fingerprint) {
        long h = (nameHash ^ fingerprint) * 0x9e3779b97f4a7c15L;
        return h ^ (h >>> 31);
    }

    private void record(int cat, long die, long name, long spec, boolean decl, boolean located, long value, long enumDie) {
        if (cat == NameIndex.VARIABLE) {
            if (name == 0) {
                if (spec != 0 && located) {
                    if (nSpecs * 3 + 3 > specs.length) specs = Arrays.copyOf(specs, specs.length * 2);
                    specs[nSpecs * 3] = spec;
                    specs[nSpecs * 3 + 1] = die;
                    specs[nSpecs * 3 + 2] = value;
                    nSpecs++;
                }
                return;
            }
            if (decl) cat = NameIndex.VARIABLE_DECL;
        } else if (name == 0) {
            return; // anonymous: reachable only through its parent
        } else if (decl) {
            if (cat == NameIndex.STRUCT) cat = NameIndex.STRUCT_DECL;
            else if (cat == NameIndex.UNION) cat = NameIndex.UNION_DECL;
            else if (cat == NameIndex.ENUM) cat = NameIndex.ENUM_DECL;
        }
        long hash = hashOf(name);
        if (cat == NameIndex.ENUMERATOR) names.add(cat, hash, enumDie, value, name);
        else if (cat == NameIndex.VARIABLE || cat == NameIndex.VARIABLE_DECL) names.add(cat, hash, die, located ? value : NO_ADDRESS, name);
        else if (cat == NameIndex.STRUCT || cat == NameIndex.UNION || cat == NameIndex.ENUM) {
            int s = names.put(cat, hash, die, value, name);
            if (s >= 0 && names.auxAt(s) != value) {
                if (alternates == null) alternates = new NameIndex.Builder(16);
                alternates.add(cat, alternateHash(hash, value), die, value, name);
            }
        } else names.add(cat, hash, die, 0, name);
    }
}
