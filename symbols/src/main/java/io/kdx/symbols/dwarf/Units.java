package io.kdx.symbols.dwarf;

import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.elf.Bytes;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The unit headers of .debug_info as parallel arrays (DWARF 2-5, 32- and 64-bit). Per unit: start,
 * end, first DIE, version, unit type, address and offset size, abbreviation offset, and the
 * str_offsets/addr bases read from the unit DIE (filled by the first scan of each unit).
 */
final class Units {
    final int n;
    final long[] start, end, firstDie, abbrevOffset;
    final byte[] version, unitType, addrSize, offSize;
    final long[] strOffsetsBase, addrBase;
    final Abbrevs[] abbrevs;
    private final long[] abbrevStarts; // distinct abbreviation table offsets, sorted

    private Units(int n, long[] start, long[] end, long[] firstDie, long[] abbrevOffset, byte[] version, byte[] unitType,
            byte[] addrSize, byte[] offSize) {
        this.n = n;
        this.start = start;
        this.end = end;
        this.firstDie = firstDie;
        this.abbrevOffset = abbrevOffset;
        this.version = version;
        this.unitType = unitType;
        this.addrSize = addrSize;
        this.offSize = offSize;
        this.strOffsetsBase = new long[n];
        this.addrBase = new long[n];
        this.abbrevs = new Abbrevs[n];
        Arrays.fill(strOffsetsBase, -1);
        Arrays.fill(addrBase, -1);
        this.abbrevStarts = Arrays.stream(abbrevOffset, 0, n).sorted().distinct().toArray();
    }

    /** Where the abbreviation table at {@code offset} must end: the next unit's table, or the section's end. */
    long abbrevLimit(long offset, long sectionSize) {
        int i = Arrays.binarySearch(abbrevStarts, offset);
        int next = i >= 0 ? i + 1 : -i - 1;
        return next < abbrevStarts.length ? Math.min(abbrevStarts[next], sectionSize) : sectionSize;
    }

    static Units scan(DwarfSections s) throws SymbolsException {
        MemorySegment info = s.info;
        long size = info.byteSize();
        int cap = 1024, n = 0;
        long[] start = new long[cap], end = new long[cap], first = new long[cap], abbrev = new long[cap];
        byte[] ver = new byte[cap], ut = new byte[cap], as = new byte[cap], os = new byte[cap];
        long p = 0;
        while (p < size) {
            if (size - p < 11) throw new SymbolsException(s.file, "truncated unit header at .debug_info+0x" + Long.toHexString(p));
            long len = Bytes.u32(info, p);
            int offSize = 4;
            long hdr = p + 4;
            if (len == 0xffffffffL) {
                len = Bytes.u64(info, p + 4);
                offSize = 8;
                hdr = p + 12;
            } else if (len >= 0xfffffff0L) {
                throw new SymbolsException(s.file, "reserved unit length 0x" + Long.toHexString(len) + " at .debug_info+0x" + Long.toHexString(p));
            }
            long unitEnd = hdr + len;
            if (len < 7 || unitEnd > size || unitEnd < hdr) {
                throw new SymbolsException(s.file, "truncated: unit at .debug_info+0x" + Long.toHexString(p) + " claims 0x"
                        + Long.toHexString(len) + " bytes but the section ends at 0x" + Long.toHexString(size));
            }
            int version = Bytes.u16(info, hdr);
            int unitType = Dw.UT_compile, addrSize;
            long abbrevOff, firstDie;
            if (version >= 5) {
                unitType = Bytes.u8(info, hdr + 2);
                addrSize = Bytes.u8(info, hdr + 3);
                abbrevOff = offSize == 8 ? Bytes.u64(info, hdr + 4) : Bytes.u32(info, hdr + 4);
                firstDie = hdr + 4 + offSize;
                if (unitType == Dw.UT_skeleton || unitType == Dw.UT_split_compile) firstDie += 8;
                else if (unitType == Dw.UT_type || unitType == Dw.UT_split_type) firstDie += 8 + offSize;
            } else if (version >= 2) {
                abbrevOff = offSize == 8 ? Bytes.u64(info, hdr + 2) : Bytes.u32(info, hdr + 2);
                addrSize = Bytes.u8(info, hdr + 2 + offSize);
                firstDie = hdr + 3 + offSize;
            } else {
                throw new SymbolsException(s.file, "unsupported DWARF version " + version + " in unit at .debug_info+0x" + Long.toHexString(p));
            }
            if (version > 5) throw new SymbolsException(s.file, "unsupported DWARF version " + version + " in unit at .debug_info+0x" + Long.toHexString(p));
            if (addrSize != 4 && addrSize != 8) throw new SymbolsException(s.file, "bad address size " + addrSize + " in unit at .debug_info+0x" + Long.toHexString(p));
            if (n == cap) {
                cap *= 2;
                start = Arrays.copyOf(start, cap); end = Arrays.copyOf(end, cap); first = Arrays.copyOf(first, cap);
                abbrev = Arrays.copyOf(abbrev, cap); ver = Arrays.copyOf(ver, cap); ut = Arrays.copyOf(ut, cap);
                as = Arrays.copyOf(as, cap); os = Arrays.copyOf(os, cap);
            }
            start[n] = p;
            end[n] = unitEnd;
            first[n] = firstDie;
            abbrev[n] = abbrevOff;
            ver[n] = (byte) version;
            ut[n] = (byte) unitType;
            as[n] = (byte) addrSize;
            os[n] = (byte) offSize;
            n++;
            p = unitEnd;
        }
        return new Units(n, start, end, first, abbrev, ver, ut, as, os);
    }

    /** The unit containing a .debug_info offset, or -1. */
    int unitOf(long off) {
        int lo = 0, hi = n - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (start[mid] <= off) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found >= 0 && off < end[found] ? found : -1;
    }
}
