package io.kdx.symbols.pack;

import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.Type.Kind;
import io.kdx.symbols.UncheckedSymbolsException;
import io.kdx.symbols.elf.Bytes;
import io.kdx.symbols.types.TypeGraph;
import io.kdx.symbols.types.TypeNode;
import io.kdx.symbols.types.TypeSource;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/** Decodes a pack's type records (layout in {@link PackFormat}) into the same nodes DWARF yields. */
final class PackTypeSource implements TypeSource {
    private static final Kind[] KINDS = Kind.values();
    private final Path path;
    private final MemorySegment offsets, records, strings;
    private final int count;

    PackTypeSource(Path path, MemorySegment offsets, MemorySegment records, MemorySegment strings) {
        this.path = path;
        this.offsets = offsets;
        this.records = records;
        this.strings = strings;
        this.count = (int) (offsets.byteSize() / 4);
    }

    @Override
    public TypeNode load(long key, TypeGraph g) {
        if (key < 0 || key >= count) throw corrupt("type index " + key + " out of range");
        long r = Bytes.u32(offsets, key * 4);
        if (r + PackFormat.TYPE_HEADER > records.byteSize()) throw corrupt("type record " + key + " lies outside its section");
        int kindOrd = Bytes.u8(records, r);
        if (kindOrd >= KINDS.length) throw corrupt("type record " + key + " has kind " + kindOrd);
        Kind kind = KINDS[kindOrd];
        boolean signed = (Bytes.u8(records, r + 1) & 1) != 0;
        String name = string(Bytes.i32(records, r + 4));
        long size = Bytes.u64(records, r + 8), cnt = Bytes.u64(records, r + 16);
        long target = Bytes.i32(records, r + 24);
        long n = Bytes.u32(records, r + 28);
        long body = r + PackFormat.TYPE_HEADER;
        if (kind == Kind.STRUCT || kind == Kind.UNION) {
            if (body + n * PackFormat.MEMBER_BYTES > records.byteSize()) throw corrupt("type record " + key + " truncated");
            String[] names = new String[(int) n];
            long[] bits = new long[(int) n], types = new long[(int) n];
            int[] sizes = new int[(int) n];
            for (int i = 0; i < n; i++) {
                long m = body + (long) i * PackFormat.MEMBER_BYTES;
                names[i] = string(Bytes.i32(records, m));
                sizes[i] = Bytes.i32(records, m + 4);
                bits[i] = Bytes.u64(records, m + 8);
                types[i] = Bytes.i32(records, m + 16);
            }
            return new TypeNode(g, key, kind, name, size, cnt, signed, VOID, names, bits, sizes, types, null, null);
        }
        if (kind == Kind.ENUM) {
            if (body + n * PackFormat.ENUMERATOR_BYTES > records.byteSize()) throw corrupt("type record " + key + " truncated");
            String[] names = new String[(int) n];
            long[] values = new long[(int) n];
            for (int i = 0; i < n; i++) {
                long m = body + (long) i * PackFormat.ENUMERATOR_BYTES;
                names[i] = string(Bytes.i32(records, m));
                values[i] = Bytes.u64(records, m + 8);
            }
            return new TypeNode(g, key, kind, name, size, cnt, signed, target, null, null, null, null, names, values);
        }
        return new TypeNode(g, key, kind, name, size, cnt, signed, target, null, null, null, null, null, null);
    }

    private String string(int off) {
        if (off == PackFormat.NO_NAME) return null;
        if (off < 0 || off >= strings.byteSize()) throw corrupt("string offset " + off + " out of range");
        return Bytes.cString(strings, off);
    }

    private UncheckedSymbolsException corrupt(String what) {
        return new UncheckedSymbolsException(new SymbolsException(path, "corrupt symbol pack: " + what));
    }
}
