package io.kdx.symbols.btf;

import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.elf.Bytes;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * One BTF blob (a vmlinux's .BTF section, or the same bytes in a dump): the header checked, and one
 * pass over the type section that records where each type id's record starts. Type ids count from 1
 * in record order; id 0 is void. Only little-endian BTF is read (x86_64).
 */
public final class BtfFile {
    final Path file;
    final MemorySegment types;
    final MemorySegment strings;
    /** Offset of type id i's record in {@link #types}, for i in [1, count]; [0] is unused. */
    private final int[] recordOffset;
    /**
     * Whether an ENUM's kind_flag says its sign: true when some ENUM has the flag set or an ENUM64
     * exists (pahole 1.24+, the BTF of 6.0 and later); false for older BTF (Debian 11's 5.10), which
     * never sets it and stores every value as the __s32 of the original format.
     */
    final boolean enumSignFlag;

    private BtfFile(Path file, MemorySegment types, MemorySegment strings, int[] recordOffset) {
        this.file = file;
        this.types = types;
        this.strings = strings;
        this.recordOffset = recordOffset;
        boolean flag = false;
        for (int id = 1; id < recordOffset.length && !flag; id++) {
            int info = Bytes.i32(types, recordOffset[id] + 4), kind = Btf.kind(info);
            flag = kind == Btf.KIND_ENUM64 || kind == Btf.KIND_ENUM && Btf.kindFlag(info);
        }
        this.enumSignFlag = flag;
    }

    /** Parses {@code btf} (the section's bytes); {@code file} names it in errors. */
    public static BtfFile parse(Path file, MemorySegment btf) throws SymbolsException {
        return parse(file, btf, null);
    }

    /**
     * As {@link #parse(Path, MemorySegment)}, with the records' offsets found by an earlier parse of
     * the same bytes ({@link #recordOffsets()}, kept in a cache) instead of a pass over them; the
     * last one must still end the type section.
     */
    public static BtfFile parse(Path file, MemorySegment btf, int[] recordOffsets) throws SymbolsException {
        if (btf.byteSize() < Btf.HEADER_MIN) throw new SymbolsException(file, "corrupt .BTF: " + btf.byteSize() + " bytes, shorter than its header");
        int magic = Bytes.u16(btf, 0);
        if (magic == 0x9FeB) throw new SymbolsException(file, ".BTF is big-endian; kdx reads little-endian kernels only");
        if (magic != Btf.MAGIC) throw new SymbolsException(file, "corrupt .BTF: magic 0x" + Integer.toHexString(magic) + ", not 0xeb9f");
        int version = Bytes.u8(btf, 2);
        if (version != 1) throw new SymbolsException(file, ".BTF version " + version + " is not supported (only 1)");
        long hdrLen = Bytes.u32(btf, 4);
        long typeOff = Bytes.u32(btf, 8), typeLen = Bytes.u32(btf, 12), strOff = Bytes.u32(btf, 16), strLen = Bytes.u32(btf, 20);
        if (hdrLen < Btf.HEADER_MIN || hdrLen > btf.byteSize()) throw new SymbolsException(file, "corrupt .BTF: header length " + hdrLen);
        long body = btf.byteSize() - hdrLen;
        if (typeOff + typeLen > body || strOff + strLen > body) {
            throw new SymbolsException(file, "truncated .BTF: its type or string section extends beyond the section's " + btf.byteSize() + " bytes");
        }
        MemorySegment types = btf.asSlice(hdrLen + typeOff, typeLen);
        MemorySegment strings = btf.asSlice(hdrLen + strOff, strLen);
        if (recordOffsets != null && recordOffsets.length > 1) {
            int last = recordOffsets.length - 1;
            long end = recordOffsets[last] + Btf.TYPE_BYTES;
            if (end <= types.byteSize()) {
                int info = Bytes.i32(types, recordOffsets[last] + 4);
                if (end + Btf.trailing(Btf.kind(info), Btf.vlen(info)) == types.byteSize()) return new BtfFile(file, types, strings, recordOffsets);
            }
        }
        return new BtfFile(file, types, strings, offsets(file, types));
    }

    /** Offset of each type id's record ([0] unused), for {@link #parse(Path, MemorySegment, int[])}. */
    public int[] recordOffsets() {
        return recordOffset.clone();
    }

    /** One pass over the records: each record's offset, by type id. */
    private static int[] offsets(Path file, MemorySegment types) throws SymbolsException {
        int[] off = new int[Math.max(16, (int) (types.byteSize() / 24))];
        int n = 0;
        long p = 0, end = types.byteSize();
        while (p < end) {
            if (p + Btf.TYPE_BYTES > end) throw new SymbolsException(file, "truncated .BTF: type " + (n + 1) + " is cut off at byte " + p);
            int info = Bytes.i32(types, p + 4);
            long extra = Btf.trailing(Btf.kind(info), Btf.vlen(info));
            if (extra < 0) throw new SymbolsException(file, "corrupt .BTF: type " + (n + 1) + " has unknown kind " + Btf.kind(info));
            if (++n == off.length) off = java.util.Arrays.copyOf(off, off.length * 2);
            off[n] = (int) p;
            p += Btf.TYPE_BYTES + extra;
            if (p > end) throw new SymbolsException(file, "truncated .BTF: type " + n + " extends beyond the type section");
        }
        return java.util.Arrays.copyOf(off, n + 1);
    }

    /** The string section (names are offsets into it). */
    public MemorySegment strings() {
        return strings;
    }

    /** The names of the named structs and unions, in type id order (the crash front's shell completes them). */
    public java.util.List<String> structNames() throws SymbolsException {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int id = 1; id <= count(); id++) {
            int k = kind(id);
            if ((k == Btf.KIND_STRUCT || k == Btf.KIND_UNION) && nameOff(id) != 0) out.add(string(nameOff(id)));
        }
        return out;
    }

    /** The number of types (the greatest type id). */
    public int count() {
        return recordOffset.length - 1;
    }

    /** Offset of a type's record; the caller has checked {@code 1 <= id <= count()}. */
    long record(int id) {
        return recordOffset[id];
    }

    boolean valid(long id) {
        return id >= 1 && id < recordOffset.length;
    }

    int info(int id) {
        return Bytes.i32(types, recordOffset[id] + 4);
    }

    int kind(int id) {
        return Btf.kind(info(id));
    }

    long nameOff(int id) {
        return Bytes.u32(types, recordOffset[id]);
    }

    /** The size_or_type word. */
    long sizeOrType(int id) {
        return Bytes.u32(types, recordOffset[id] + 8);
    }

    /** A string of the string section; null for offset 0 (anonymous). */
    String string(long off) throws SymbolsException {
        if (off == 0) return null;
        if (off >= strings.byteSize()) throw new SymbolsException(file, "corrupt .BTF: string offset " + off + " beyond the string section");
        return Bytes.cString(strings, off);
    }

    boolean nameEquals(long off, byte[] utf8) {
        return off != 0 && Bytes.equalsCString(strings, off, utf8);
    }
}
