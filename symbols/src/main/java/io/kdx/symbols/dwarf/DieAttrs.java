package io.kdx.symbols.dwarf;

import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.elf.Bytes;

/** The attributes of one DIE that type materialisation needs; {@link #NONE} where absent. */
final class DieAttrs {
    static final long NONE = Long.MIN_VALUE;

    long offset;
    int tag;
    boolean children;
    /** Whether DW_AT_const_value was present: {@link #constValue} may be any bit pattern, NONE's included. */
    boolean hasConstValue;
    long name, byteSize, bitSize, bitOffset, dataBitOffset, memberLocation, type, encoding, constValue;
    long upperBound, count, specification, sibling, location, declLine;
    boolean declaration;

    /** Decodes the DIE at {@code off} and leaves the cursor at its first child or next sibling. */
    static DieAttrs read(DieCursor c, long off) throws SymbolsException {
        int u = c.units.unitOf(off);
        if (u < 0 || off < c.units.firstDie[u]) {
            throw new SymbolsException(c.s.file, "DIE reference 0x" + Long.toHexString(off) + " out of range");
        }
        c.enterUnit(u);
        c.r.pos = off;
        DieAttrs d = new DieAttrs();
        d.readHere(c);
        return d;
    }

    /** Decodes the DIE at the cursor, or returns false at a null entry (end of siblings). */
    boolean readHere(DieCursor c) throws SymbolsException {
        offset = c.r.pos;
        name = byteSize = bitSize = bitOffset = dataBitOffset = memberLocation = type = encoding = constValue = NONE;
        upperBound = count = specification = sibling = location = declLine = NONE;
        declaration = false;
        hasConstValue = false;
        long code;
        try {
            code = c.r.uleb();
        } catch (IndexOutOfBoundsException e) {
            throw c.truncated(offset);
        }
        if (code == 0) {
            tag = 0;
            return false;
        }
        Abbrevs a = c.abbrevs;
        int e = a.entry(code);
        if (e < 0) throw new SymbolsException(c.s.file, "abbreviation code " + code + " does not exist (DIE at .debug_info+0x" + Long.toHexString(offset) + ")");
        tag = a.tag[e];
        children = a.children[e];
        try {
            for (int i = a.attrStart[e], n = i + a.attrCount[e]; i < n; i++) {
                int at = a.attrName[i], form = a.attrForm[i];
                long k = a.attrConst[i];
                switch (at) {
                    case Dw.AT_name -> name = c.read(form, k);
                    case Dw.AT_byte_size -> byteSize = constant(c, form, k);
                    case Dw.AT_bit_size -> bitSize = constant(c, form, k);
                    case Dw.AT_bit_offset -> bitOffset = constant(c, form, k);
                    case Dw.AT_data_bit_offset -> dataBitOffset = constant(c, form, k);
                    case Dw.AT_data_member_location -> memberLocation = memberLocation(c, form, k);
                    case Dw.AT_type -> type = c.read(form, k);
                    case Dw.AT_encoding -> encoding = c.read(form, k);
                    case Dw.AT_const_value -> {
                        constValue = c.read(form, k);
                        hasConstValue = true; // any 64-bit value is legal here, 1 << 63 (NONE's bits) too
                    }
                    case Dw.AT_upper_bound -> upperBound = constant(c, form, k);
                    case Dw.AT_count -> count = constant(c, form, k);
                    case Dw.AT_specification -> specification = c.read(form, k);
                    case Dw.AT_sibling -> sibling = c.read(form, k);
                    case Dw.AT_declaration -> declaration = c.read(form, k) != 0;
                    case Dw.AT_location -> location = c.read(form, k);
                    case Dw.AT_decl_line -> declLine = c.read(form, k);
                    default -> c.skip(form, k);
                }
            }
        } catch (IndexOutOfBoundsException ex) {
            throw c.truncated(offset);
        }
        return true;
    }

    /** A constant; references and expressions (VLA bounds) read as NONE. */
    private static long constant(DieCursor c, int form, long k) throws SymbolsException {
        long v = c.read(form, k);
        return switch (form) {
            case Dw.FORM_data1, Dw.FORM_data2, Dw.FORM_data4, Dw.FORM_data8, Dw.FORM_sdata, Dw.FORM_udata,
                    Dw.FORM_implicit_const, Dw.FORM_data16 -> v;
            default -> NONE;
        };
    }

    /** DW_AT_data_member_location: a constant, or (DWARF 2/3) an expression DW_OP_plus_uconst N. */
    private static long memberLocation(DieCursor c, int form, long k) throws SymbolsException {
        long v = c.read(form, k);
        if (form == Dw.FORM_exprloc || form == Dw.FORM_block1 || form == Dw.FORM_block || form == Dw.FORM_block2 || form == Dw.FORM_block4) {
            if (c.blockLen >= 2 && Bytes.u8(c.s.info, v) == Dw.OP_plus_uconst) {
                Leb l = new Leb(c.s.info, v + 1);
                return l.uleb();
            }
            return NONE;
        }
        return v;
    }

    /** Skips this DIE's children (after {@link #readHere}), using DW_AT_sibling when present. */
    void skipChildren(DieCursor c) throws SymbolsException {
        if (!children) return;
        if (sibling != NONE && sibling > offset) {
            c.r.pos = sibling;
            return;
        }
        DieAttrs child = new DieAttrs();
        int depth = 1;
        while (depth > 0) {
            if (c.r.pos >= c.unitEnd) throw c.truncated(c.r.pos);
            if (!child.readHere(c)) {
                depth--;
            } else if (child.children) {
                if (child.sibling != NONE && child.sibling > child.offset && child.sibling <= c.unitEnd) c.r.pos = child.sibling;
                else if (++depth > NameScanner.MAX_DEPTH) break;
            }
        }
        if (depth == 0) return;
        throw new SymbolsException(c.s.file, "DIE tree nested too deeply under DIE at .debug_info+0x" + Long.toHexString(offset));
    }
}
