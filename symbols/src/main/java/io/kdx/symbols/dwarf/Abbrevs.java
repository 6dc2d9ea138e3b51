package io.kdx.symbols.dwarf;

import io.kdx.symbols.SymbolsException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * One .debug_abbrev table as primitive arrays: per entry its tag, children flag, attribute slice,
 * and the byte size of its attributes when every form is fixed-size for the unit's address and
 * offset sizes (-1 otherwise), so the scan can step over most DIEs without decoding them.
 */
final class Abbrevs {
    static final int MAX_CODE = 1 << 20;

    final int[] entryOfCode; // code -> entry + 1
    final int[] tag;
    final boolean[] children;
    final int[] attrStart, attrCount, fixedSize;
    final int[] attrName, attrForm;
    final long[] attrConst;
    /** Per attribute: its form's size in this unit, or -1 when it varies (saves the scan a switch per value). */
    final int[] attrFixed;

    private Abbrevs(int[] entryOfCode, int[] tag, boolean[] children, int[] attrStart, int[] attrCount, int[] fixedSize,
            int[] attrName, int[] attrForm, long[] attrConst) {
        this.entryOfCode = entryOfCode;
        this.tag = tag;
        this.children = children;
        this.attrStart = attrStart;
        this.attrCount = attrCount;
        this.fixedSize = fixedSize;
        this.attrName = attrName;
        this.attrForm = attrForm;
        this.attrConst = attrConst;
        this.attrFixed = null;
    }

    private Abbrevs(Abbrevs a, int[] attrFixed) {
        this.entryOfCode = a.entryOfCode;
        this.tag = a.tag;
        this.children = a.children;
        this.attrStart = a.attrStart;
        this.attrCount = a.attrCount;
        this.fixedSize = a.fixedSize;
        this.attrName = a.attrName;
        this.attrForm = a.attrForm;
        this.attrConst = a.attrConst;
        this.attrFixed = attrFixed;
    }

    /** Entry index of an abbreviation code, or -1 when the table has no such code. */
    int entry(long code) {
        if (code <= 0 || code >= entryOfCode.length) return -1;
        return entryOfCode[(int) code] - 1;
    }

    static Abbrevs parse(Path file, MemorySegment abbrev, long offset, long limit, int addrSize, int offSize, int version) throws SymbolsException {
        if (offset < 0 || offset >= abbrev.byteSize()) {
            throw new SymbolsException(file, ".debug_abbrev offset 0x" + Long.toHexString(offset) + " is beyond the section's end");
        }
        Leb r = new Leb(abbrev, offset);
        r.window(offset, limit);
        try {
            return parse(file, r, offset, limit, addrSize, offSize, version);
        } catch (IndexOutOfBoundsException e) {
            throw new SymbolsException(file, "truncated .debug_abbrev table at 0x" + Long.toHexString(offset));
        }
    }

    private static Abbrevs parse(Path file, Leb r, long offset, long limit, int addrSize, int offSize, int version) throws SymbolsException {
        int n = 0, na = 0, maxCode = 0;
        int[] tag = new int[64], start = new int[64], count = new int[64], fixed = new int[64], codes = new int[64];
        boolean[] children = new boolean[64];
        int[] an = new int[256], af = new int[256];
        long[] ac = new long[256];
        while (true) {
            if (r.pos >= limit) throw new SymbolsException(file, "truncated .debug_abbrev table at 0x" + Long.toHexString(offset));
            long code = r.uleb();
            if (code == 0) break;
            if (code >= MAX_CODE) throw new SymbolsException(file, "implausible abbreviation code " + code + " in .debug_abbrev at 0x" + Long.toHexString(offset));
            if (n == tag.length) {
                tag = grow(tag); start = grow(start); count = grow(count); fixed = grow(fixed); codes = grow(codes);
                children = java.util.Arrays.copyOf(children, n * 2);
            }
            codes[n] = (int) code;
            maxCode = Math.max(maxCode, (int) code);
            tag[n] = (int) r.uleb();
            children[n] = r.u8() != 0;
            start[n] = na;
            int size = 0;
            while (true) {
                if (r.pos >= limit) throw new SymbolsException(file, "truncated .debug_abbrev entry " + code);
                int name = (int) r.uleb(), form = (int) r.uleb();
                if (name == 0 && form == 0) break;
                long c = form == Dw.FORM_implicit_const ? r.sleb() : 0;
                if (na == an.length) {
                    an = grow(an);
                    af = grow(af);
                    ac = java.util.Arrays.copyOf(ac, na * 2);
                }
                an[na] = name;
                af[na] = form;
                ac[na] = c;
                na++;
                int fs = Forms.fixedSize(form, addrSize, offSize, version);
                size = size < 0 || fs < 0 ? -1 : size + fs;
            }
            count[n] = na - start[n];
            fixed[n] = size;
            n++;
        }
        int[] entryOfCode = new int[maxCode + 1];
        for (int i = 0; i < n; i++) entryOfCode[codes[i]] = i + 1;
        int[] fixedOf = new int[na];
        for (int i = 0; i < na; i++) fixedOf[i] = Forms.fixedSize(af[i], addrSize, offSize, version);
        return new Abbrevs(new Abbrevs(entryOfCode, tag, children, start, count, fixed, an, af, ac), fixedOf);
    }

    private static int[] grow(int[] a) {
        return java.util.Arrays.copyOf(a, a.length * 2);
    }
}
