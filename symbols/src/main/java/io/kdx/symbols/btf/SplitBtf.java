package io.kdx.symbols.btf;

import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.elf.Bytes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.List;

/**
 * Joins split BTF (a module's .BTF: its type ids continue after the base's last one, its string
 * offsets after the base's string section; libbpf and the kernel since 5.11 read it so) onto its
 * base, as one self-contained BTF that {@link BtfFile} and {@link BtfTypes} read unchanged. Every
 * split blob was numbered from the same base, so each one's ids and string offsets above the base
 * are shifted past the blobs before it. The base's types come first and answer for a name they
 * share with a module. A module's DATASECs are made anonymous: their variables lie in the module's
 * own sections, whose addresses the joined BTF cannot know.
 */
public final class SplitBtf {
    private SplitBtf() {}

    /** One module's split BTF, with a name for errors. */
    public record Part(String name, MemorySegment bytes) {}

    /**
     * The joined BTF, allocated in {@code arena}. A part that is not split BTF of this base (a bad
     * header, a type that refers beyond its own ids) throws, naming the part.
     */
    public static MemorySegment join(Path file, BtfFile base, List<Part> parts, Arena arena) throws SymbolsException {
        long baseTypes = base.types.byteSize(), baseStrings = base.strings.byteSize();
        long typeLen = baseTypes, strLen = baseStrings;
        BtfFile[] split = new BtfFile[parts.size()];
        for (int i = 0; i < split.length; i++) {
            Part p = parts.get(i);
            split[i] = BtfFile.parse(file.resolveSibling(file.getFileName() + "!" + p.name()), p.bytes());
            typeLen += split[i].types.byteSize();
            strLen += split[i].strings.byteSize();
        }
        if (typeLen + strLen > Integer.MAX_VALUE) throw new SymbolsException(file, "module BTF too large to join: " + (typeLen + strLen) + " bytes");
        MemorySegment out = arena.allocate(Btf.HEADER_MIN + typeLen + strLen, 8);
        out.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) Btf.MAGIC);
        out.set(ValueLayout.JAVA_BYTE, 2, (byte) 1);
        out.set(ValueLayout.JAVA_INT_UNALIGNED, 4, Btf.HEADER_MIN);
        out.set(ValueLayout.JAVA_INT_UNALIGNED, 8, 0);
        out.set(ValueLayout.JAVA_INT_UNALIGNED, 12, (int) typeLen);
        out.set(ValueLayout.JAVA_INT_UNALIGNED, 16, (int) typeLen);
        out.set(ValueLayout.JAVA_INT_UNALIGNED, 20, (int) strLen);
        MemorySegment types = out.asSlice(Btf.HEADER_MIN, typeLen), strings = out.asSlice(Btf.HEADER_MIN + typeLen, strLen);
        MemorySegment.copy(base.types, 0, types, 0, baseTypes);
        MemorySegment.copy(base.strings, 0, strings, 0, baseStrings);
        long tp = baseTypes, sp = baseStrings;
        int idShift = 0;
        for (int i = 0; i < split.length; i++) {
            BtfFile s = split[i];
            MemorySegment.copy(s.types, 0, types, tp, s.types.byteSize());
            MemorySegment.copy(s.strings, 0, strings, sp, s.strings.byteSize());
            rewrite(file, parts.get(i).name(), base, s, types.asSlice(tp, s.types.byteSize()), idShift, sp - baseStrings);
            tp += s.types.byteSize();
            sp += s.strings.byteSize();
            idShift += s.count();
        }
        return out;
    }

    /**
     * Rewrites one part's records in place: type ids above the base's count move up by {@code idShift},
     * string offsets at or above the base's string length by {@code strShift}.
     */
    private static void rewrite(Path file, String name, BtfFile base, BtfFile s, MemorySegment t, int idShift, long strShift) throws SymbolsException {
        int n = base.count(), last = n + s.count();
        long baseStr = base.strings.byteSize();
        Fix fix = new Fix(file, name, t, n, last, idShift, baseStr, baseStr + s.strings.byteSize(), strShift);
        for (int id = 1; id <= s.count(); id++) {
            long r = s.record(id);
            int info = Bytes.i32(t, r + 4), kind = Btf.kind(info), vlen = Btf.vlen(info);
            long rec = r + Btf.TYPE_BYTES;
            if (kind == Btf.KIND_DATASEC) t.set(ValueLayout.JAVA_INT_UNALIGNED, r, 0);
            else fix.string(r);
            switch (kind) {
                case Btf.KIND_PTR, Btf.KIND_TYPEDEF, Btf.KIND_VOLATILE, Btf.KIND_CONST, Btf.KIND_RESTRICT, Btf.KIND_FUNC,
                     Btf.KIND_FUNC_PROTO, Btf.KIND_VAR, Btf.KIND_TYPE_TAG, Btf.KIND_DECL_TAG -> fix.type(r + 8);
                default -> { }
            }
            switch (kind) {
                case Btf.KIND_ARRAY -> {
                    fix.type(rec);
                    fix.type(rec + 4);
                }
                case Btf.KIND_STRUCT, Btf.KIND_UNION -> {
                    for (int i = 0; i < vlen; i++) {
                        fix.string(rec + 12L * i);
                        fix.type(rec + 12L * i + 4);
                    }
                }
                case Btf.KIND_ENUM -> { for (int i = 0; i < vlen; i++) fix.string(rec + 8L * i); }
                case Btf.KIND_ENUM64 -> { for (int i = 0; i < vlen; i++) fix.string(rec + 12L * i); }
                case Btf.KIND_FUNC_PROTO -> {
                    for (int i = 0; i < vlen; i++) {
                        fix.string(rec + 8L * i);
                        fix.type(rec + 8L * i + 4);
                    }
                }
                case Btf.KIND_DATASEC -> { for (int i = 0; i < vlen; i++) fix.type(rec + 12L * i); }
                default -> { }
            }
        }
    }

    private record Fix(Path file, String part, MemorySegment t, int baseCount, int last, int idShift, long baseStr, long strEnd, long strShift) {
        void type(long at) throws SymbolsException {
            long id = Bytes.u32(t, at);
            if (id <= baseCount) return;
            if (id > last) throw new SymbolsException(file, "corrupt module BTF of " + part + ": type " + id + " beyond its last (" + last + ")");
            t.set(ValueLayout.JAVA_INT_UNALIGNED, at, (int) (id + idShift));
        }

        void string(long at) throws SymbolsException {
            long off = Bytes.u32(t, at);
            if (off < baseStr) return;
            if (off >= strEnd) throw new SymbolsException(file, "corrupt module BTF of " + part + ": string offset " + off + " beyond its strings");
            t.set(ValueLayout.JAVA_INT_UNALIGNED, at, (int) (off + strShift));
        }
    }
}
