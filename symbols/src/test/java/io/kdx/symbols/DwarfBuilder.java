package io.kdx.symbols;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds DWARF compile units for tests: abbreviations declared with (attribute, form) pairs,
 * DIEs written as raw attribute values in those forms, labels for DIE references (ref4 patched
 * once the unit is laid out), and the string sections for strp, line_strp and strx forms. One unit
 * unless {@link #nextUnit} starts another (sharing abbreviations and strings; labels are per unit).
 */
final class DwarfBuilder {
    final int version;
    final ByteArrayOutputStream abbrev = new ByteArrayOutputStream();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    final ByteArrayOutputStream str = new ByteArrayOutputStream();
    final ByteArrayOutputStream lineStr = new ByteArrayOutputStream();
    final ByteArrayOutputStream strOffsets = new ByteArrayOutputStream();
    final Map<String, Integer> labels = new HashMap<>();
    final List<Object[]> fixups = new ArrayList<>(); // {position in body, label}
    int nextCode = 1;
    int strxCount;
    /** The units finished by {@link #nextUnit}, laid out. */
    final ByteArrayOutputStream finished = new ByteArrayOutputStream();

    DwarfBuilder(int version) {
        this.version = version;
        str.write(0);
        lineStr.write(0);
        if (version >= 5) { // .debug_str_offsets header: unit_length, version 5, padding
            le(strOffsets, 0, 4);
            le(strOffsets, 5, 2);
            le(strOffsets, 0, 2);
        }
    }

    /** Declares an abbreviation: tag, children flag, then (attribute, form[, implicit const]) triples via {@code specs}. */
    int abbrev(int tag, boolean children, long... specs) {
        int code = nextCode++;
        uleb(abbrev, code);
        uleb(abbrev, tag);
        abbrev.write(children ? 1 : 0);
        for (int i = 0; i < specs.length; i += 2) {
            uleb(abbrev, specs[i]);
            uleb(abbrev, specs[i + 1]);
            if (specs[i + 1] == 0x21) sleb(abbrev, specs[i + 2]); // DW_FORM_implicit_const carries its value here
            if (specs[i + 1] == 0x21) i++;
        }
        abbrev.write(0);
        abbrev.write(0);
        return code;
    }

    /** Starts a DIE; {@code label} names its offset for references (may be null). */
    DwarfBuilder die(String label, int code) {
        if (label != null) labels.put(label, body.size());
        uleb(body, code);
        return this;
    }

    DwarfBuilder end() {
        body.write(0);
        return this;
    }

    DwarfBuilder u8(long v) { le(body, v, 1); return this; }
    DwarfBuilder u16(long v) { le(body, v, 2); return this; }
    DwarfBuilder u32(long v) { le(body, v, 4); return this; }
    DwarfBuilder u64(long v) { le(body, v, 8); return this; }
    DwarfBuilder uleb(long v) { uleb(body, v); return this; }
    DwarfBuilder sleb(long v) { sleb(body, v); return this; }
    DwarfBuilder bytes(byte... b) { body.writeBytes(b); return this; }

    DwarfBuilder string(String s) {
        body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        body.write(0);
        return this;
    }

    /** DW_FORM_strp: offset into .debug_str. */
    DwarfBuilder strp(String s) {
        return u32(add(str, s));
    }

    /** DW_FORM_line_strp. */
    DwarfBuilder lineStrp(String s) {
        return u32(add(lineStr, s));
    }

    /** DW_FORM_strx1: an index into .debug_str_offsets (base 8). */
    DwarfBuilder strx1(String s) {
        le(strOffsets, add(str, s), 4);
        return u8(strxCount++);
    }

    /** DW_FORM_ref4 to a label (unit-relative); patched in {@link #info()}. */
    DwarfBuilder ref4(String label) {
        fixups.add(new Object[] {body.size(), label, false});
        return u32(0);
    }

    /** DW_FORM_ref_addr (32-bit DWARF) to a label, as a .debug_info offset. */
    DwarfBuilder refAddr(String label) {
        fixups.add(new Object[] {body.size(), label, true});
        return u32(0);
    }

    /** Header size before the first DIE. */
    int headerSize() {
        return version >= 5 ? 12 : 11;
    }

    /** Ends the current unit; the next DIEs start another (its own labels, the same abbreviations). */
    DwarfBuilder nextUnit() {
        finished.writeBytes(unit());
        body.reset();
        labels.clear();
        fixups.clear();
        return this;
    }

    byte[] info() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(finished.toByteArray());
        all.writeBytes(unit());
        return all.toByteArray();
    }

    private byte[] unit() {
        byte[] b = body.toByteArray();
        int hdr = headerSize();
        for (Object[] f : fixups) {
            int at = (Integer) f[0];
            Integer target = labels.get((String) f[1]);
            long v = target == null ? 0x7fffff : target + hdr + ((Boolean) f[2] ? finished.size() : 0); // unknown label: a reference out of range
            for (int i = 0; i < 4; i++) b[at + i] = (byte) (v >>> (8 * i));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        le(out, b.length + hdr - 4, 4);
        le(out, version, 2);
        if (version >= 5) {
            out.write(1); // DW_UT_compile
            out.write(8);
            le(out, 0, 4);
        } else {
            le(out, 0, 4);
            out.write(8);
        }
        out.writeBytes(b);
        return out.toByteArray();
    }

    byte[] abbrevs() {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        a.writeBytes(abbrev.toByteArray());
        a.write(0);
        return a.toByteArray();
    }

    byte[] strOffsets() {
        byte[] b = strOffsets.toByteArray();
        if (b.length >= 4) {
            int len = b.length - 4;
            for (int i = 0; i < 4; i++) b[i] = (byte) (len >>> (8 * i));
        }
        return b;
    }

    /** The ELF sections of this unit, added to a builder. */
    ElfBuilder addTo(ElfBuilder e) {
        e.section(".debug_info", 1, 0, 0, info());
        e.section(".debug_abbrev", 1, 0, 0, abbrevs());
        e.section(".debug_str", 1, 0x30, 0, str.toByteArray());
        e.section(".debug_line_str", 1, 0x30, 0, lineStr.toByteArray());
        if (version >= 5) e.section(".debug_str_offsets", 1, 0, 0, strOffsets());
        return e;
    }

    private static int add(ByteArrayOutputStream s, String v) {
        int off = s.size();
        s.writeBytes(v.getBytes(StandardCharsets.UTF_8));
        s.write(0);
        return off;
    }

    static void le(ByteArrayOutputStream o, long v, int n) {
        for (int i = 0; i < n; i++) o.write((int) (v >>> (8 * i)) & 0xff);
    }

    static void uleb(ByteArrayOutputStream o, long v) {
        do {
            int b = (int) (v & 0x7f);
            v >>>= 7;
            o.write(v != 0 ? b | 0x80 : b);
        } while (v != 0);
    }

    static void sleb(ByteArrayOutputStream o, long v) {
        while (true) {
            int b = (int) (v & 0x7f);
            v >>= 7;
            boolean done = (v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0);
            o.write(done ? b : b | 0x80);
            if (done) return;
        }
    }
}
