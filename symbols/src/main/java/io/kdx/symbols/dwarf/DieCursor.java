package io.kdx.symbols.dwarf;

import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.elf.Bytes;
import java.lang.foreign.MemorySegment;

/**
 * Decodes attribute values at a position in .debug_info for one unit at a time. Values come back as
 * longs: constants, absolute .debug_info offsets for references, name references for strings
 * ({@link #STR_INFO}/{@link #STR_STR}/{@link #STR_LINE} in the top byte, the offset below), and the
 * start of the bytes for blocks and exprlocs (length in {@link #blockLen}). One cursor per thread.
 */
final class DieCursor {
    static final long STR_INFO = 1L << 56, STR_STR = 2L << 56, STR_LINE = 3L << 56, OFFSET_MASK = (1L << 56) - 1;

    final DwarfSections s;
    final Units units;
    final Leb r;
    int unit = -1;
    long unitStart, unitEnd;
    int addrSize, offSize, version;
    Abbrevs abbrevs;
    long blockLen;

    DieCursor(DwarfSections s, Units units) {
        this.s = s;
        this.units = units;
        this.r = new Leb(s.info, 0);
    }

    /** Prepares for DIEs of unit {@code u}: its abbreviations and, once, its string-offsets and address bases. */
    void enterUnit(int u) throws SymbolsException {
        if (u == unit) return;
        unit = u;
        unitStart = units.start[u];
        unitEnd = units.end[u];
        addrSize = units.addrSize[u];
        offSize = units.offSize[u];
        version = units.version[u];
        Abbrevs a = units.abbrevs[u];
        if (a == null) {
            a = Abbrevs.parse(s.file, s.abbrev, units.abbrevOffset[u], units.abbrevLimit(units.abbrevOffset[u], s.abbrev.byteSize()),
                    addrSize, offSize, version);
            units.abbrevs[u] = a;
        }
        abbrevs = a;
        if (units.strOffsetsBase[u] < 0) readBases(u);
    }

    private void readBases(int u) throws SymbolsException {
        long save = r.pos;
        long strBase = version >= 5 ? 8 : 0, addrBase = version >= 5 ? 8 : 0;
        try {
            r.pos = units.firstDie[u];
            int e = abbrevs.entry(r.uleb());
            if (e >= 0) {
                for (int i = abbrevs.attrStart[e], end = i + abbrevs.attrCount[e]; i < end; i++) {
                    int name = abbrevs.attrName[i], form = abbrevs.attrForm[i];
                    if (name == Dw.AT_str_offsets_base && (form == Dw.FORM_sec_offset || form == Dw.FORM_data4 || form == Dw.FORM_data8)) {
                        strBase = offSize == 8 || form == Dw.FORM_data8 ? r.u64() : r.u32();
                    } else if (name == Dw.AT_addr_base && (form == Dw.FORM_sec_offset || form == Dw.FORM_data4 || form == Dw.FORM_data8)) {
                        addrBase = offSize == 8 || form == Dw.FORM_data8 ? r.u64() : r.u32();
                    } else {
                        skip(form, abbrevs.attrConst[i]);
                    }
                }
            }
        } catch (IndexOutOfBoundsException ex) {
            throw truncated(units.firstDie[u]);
        } finally {
            r.pos = save;
        }
        units.addrBase[u] = addrBase;
        units.strOffsetsBase[u] = strBase;
    }

    SymbolsException truncated(long at) {
        return new SymbolsException(s.file, "truncated DWARF: read past the end of a section at .debug_info+0x" + Long.toHexString(at));
    }

    /** Reads one attribute value of {@code form}; see the class comment for what comes back. */
    long read(int form, long implicitConst) throws SymbolsException {
        switch (form) {
            case Dw.FORM_addr: return addrSize == 8 ? r.u64() : r.u32();
            case Dw.FORM_data1: case Dw.FORM_flag: return r.u8();
            case Dw.FORM_data2: return r.u16();
            case Dw.FORM_data4: return r.u32();
            case Dw.FORM_data8: return r.u64();
            case Dw.FORM_data16: { long lo = r.u64(); r.pos += 8; return lo; }
            case Dw.FORM_sdata: return r.sleb();
            case Dw.FORM_udata: return r.uleb();
            case Dw.FORM_flag_present: return 1;
            case Dw.FORM_implicit_const: return implicitConst;
            case Dw.FORM_string: { long at = r.pos; r.skipCString(); return STR_INFO | at; }
            case Dw.FORM_strp: return STR_STR | offset();
            case Dw.FORM_line_strp: return STR_LINE | offset();
            case Dw.FORM_strx: case Dw.FORM_GNU_str_index: return strx(r.uleb());
            case Dw.FORM_strx1: return strx(r.u8());
            case Dw.FORM_strx2: return strx(r.u16());
            case Dw.FORM_strx3: { long v = r.u16(); return strx(v | ((long) r.u8() << 16)); }
            case Dw.FORM_strx4: return strx(r.u32());
            case Dw.FORM_addrx: case Dw.FORM_GNU_addr_index: return addrx(r.uleb());
            case Dw.FORM_addrx1: return addrx(r.u8());
            case Dw.FORM_addrx2: return addrx(r.u16());
            case Dw.FORM_addrx3: { long v = r.u16(); return addrx(v | ((long) r.u8() << 16)); }
            case Dw.FORM_addrx4: return addrx(r.u32());
            case Dw.FORM_ref1: return ref(r.u8());
            case Dw.FORM_ref2: return ref(r.u16());
            case Dw.FORM_ref4: return ref(r.u32());
            case Dw.FORM_ref8: return ref(r.u64());
            case Dw.FORM_ref_udata: return ref(r.uleb());
            case Dw.FORM_ref_addr: {
                long v = version <= 2 ? (addrSize == 8 ? r.u64() : r.u32()) : offset();
                if (v < 0 || v >= s.info.byteSize()) throw badRef(v);
                return v;
            }
            case Dw.FORM_sec_offset: return offset();
            case Dw.FORM_loclistx: case Dw.FORM_rnglistx: return r.uleb();
            case Dw.FORM_exprloc: case Dw.FORM_block: { blockLen = r.uleb(); return block(); }
            case Dw.FORM_block1: { blockLen = r.u8(); return block(); }
            case Dw.FORM_block2: { blockLen = r.u16(); return block(); }
            case Dw.FORM_block4: { blockLen = r.u32(); return block(); }
            case Dw.FORM_indirect: { int f = (int) r.uleb(); if (f == Dw.FORM_indirect) throw unsupported(f); return read(f, 0); }
            case Dw.FORM_ref_sig8: case Dw.FORM_ref_sup4: case Dw.FORM_ref_sup8: case Dw.FORM_strp_sup:
            case Dw.FORM_GNU_ref_alt: case Dw.FORM_GNU_strp_alt:
                throw unsupported(form);
            default:
                throw new SymbolsException(s.file, "unknown " + Dw.form(form) + " at .debug_info+0x" + Long.toHexString(r.pos));
        }
    }

    /** Steps over one attribute value. */
    void skip(int form, long implicitConst) throws SymbolsException {
        int fs = Forms.fixedSize(form, addrSize, offSize, version);
        if (fs >= 0) {
            r.pos += fs;
            return;
        }
        switch (form) {
            case Dw.FORM_sdata, Dw.FORM_udata, Dw.FORM_ref_udata, Dw.FORM_strx, Dw.FORM_addrx, Dw.FORM_loclistx,
                    Dw.FORM_rnglistx, Dw.FORM_GNU_addr_index, Dw.FORM_GNU_str_index -> r.skipUleb();
            case Dw.FORM_string -> r.skipCString();
            case Dw.FORM_exprloc, Dw.FORM_block -> { long n = r.uleb(); r.pos += n; } // not r.pos += r.uleb(): the left side is read first
            case Dw.FORM_block1 -> { long n = r.u8(); r.pos += n; }
            case Dw.FORM_block2 -> { long n = r.u16(); r.pos += n; }
            case Dw.FORM_block4 -> { long n = r.u32(); r.pos += n; }
            case Dw.FORM_indirect -> {
                int f = (int) r.uleb();
                if (f == Dw.FORM_indirect) throw unsupported(f);
                skip(f, 0);
            }
            default -> throw new SymbolsException(s.file, "unknown " + Dw.form(form) + " at .debug_info+0x" + Long.toHexString(r.pos));
        }
    }

    private long offset() {
        return offSize == 8 ? r.u64() : r.u32();
    }

    private long block() throws SymbolsException {
        long at = r.pos;
        if (blockLen < 0 || at + blockLen > unitEnd) throw new SymbolsException(s.file, "block of " + blockLen + " bytes runs past its unit at .debug_info+0x" + Long.toHexString(at));
        r.pos += blockLen;
        return at;
    }

    private long ref(long v) throws SymbolsException {
        long abs = unitStart + v;
        if (v < 0 || abs >= unitEnd) throw badRef(abs);
        return abs;
    }

    private SymbolsException badRef(long abs) {
        return new SymbolsException(s.file, "DIE reference 0x" + Long.toHexString(abs) + " out of range (at .debug_info+0x" + Long.toHexString(r.pos) + ")");
    }

    private SymbolsException unsupported(int form) {
        return new SymbolsException(s.file, Dw.form(form) + " (type units or supplementary files) is not supported, at .debug_info+0x" + Long.toHexString(r.pos));
    }

    private long strx(long index) throws SymbolsException {
        long base = units.strOffsetsBase[unit];
        if (base < 0) base = version >= 5 ? 8 : 0; // while reading the unit DIE itself
        long at = base + index * offSize;
        if (at < 0 || at + offSize > s.strOffsets.byteSize()) {
            throw new SymbolsException(s.file, "string index " + index + " beyond .debug_str_offsets (at .debug_info+0x" + Long.toHexString(r.pos) + ")");
        }
        return STR_STR | (offSize == 8 ? Bytes.u64(s.strOffsets, at) : Bytes.u32(s.strOffsets, at));
    }

    private long addrx(long index) throws SymbolsException {
        long base = units.addrBase[unit];
        if (base < 0) base = version >= 5 ? 8 : 0;
        long at = base + index * addrSize;
        if (at < 0 || at + addrSize > s.addr.byteSize()) {
            throw new SymbolsException(s.file, "address index " + index + " beyond .debug_addr (at .debug_info+0x" + Long.toHexString(r.pos) + ")");
        }
        return addrSize == 8 ? Bytes.u64(s.addr, at) : Bytes.u32(s.addr, at);
    }

    MemorySegment stringSection(long nameRef) {
        long tag = nameRef & ~OFFSET_MASK;
        return tag == STR_INFO ? s.info : tag == STR_LINE ? s.lineStr : s.str;
    }

    long hashName(long nameRef) {
        return Bytes.hashCString(stringSection(nameRef), nameRef & OFFSET_MASK);
    }

    String string(long nameRef) {
        return Bytes.cString(stringSection(nameRef), nameRef & OFFSET_MASK);
    }
}
