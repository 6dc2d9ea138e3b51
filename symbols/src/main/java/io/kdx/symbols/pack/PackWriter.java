package io.kdx.symbols.pack;

import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.Type;
import io.kdx.symbols.VmlinuxSymbols;
import io.kdx.symbols.dwarf.DwarfTypes;
import io.kdx.symbols.elf.SymbolTable;
import io.kdx.symbols.orc.OrcIndex;
import io.kdx.symbols.types.NameIndex;
import io.kdx.symbols.types.TypeGraph;
import io.kdx.symbols.types.TypeNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Writes a vmlinux's symbols, ORC rows and types as a pack (see {@link PackFormat}); atomically (temp file, then rename). */
public final class PackWriter {
    private final VmlinuxSymbols vmlinux;
    private final Map<Integer, byte[]> sections = new java.util.TreeMap<>();
    private final IdentityHashMap<TypeNode, Integer> indexOf = new IdentityHashMap<>();
    private final List<TypeNode> nodes = new ArrayList<>();
    private final ArrayDeque<TypeNode> pending = new ArrayDeque<>();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private final Map<String, Integer> stringOffsets = new HashMap<>();
    private TypeGraph graph;

    private PackWriter(VmlinuxSymbols vmlinux) {
        this.vmlinux = vmlinux;
    }

    /** Writes the pack for {@code vmlinux} to {@code out}; returns the number of types stored. */
    public static int write(VmlinuxSymbols vmlinux, Path out) throws SymbolsException {
        return new PackWriter(vmlinux).run(out);
    }

    private int run(Path out) throws SymbolsException {
        DwarfTypes types = vmlinux.dwarfTypesChecked();
        graph = types.graph();
        meta();
        symbols(vmlinux.symbolTable());
        orc(vmlinux.orcChecked());
        NameIndex idx = types.index();
        int entries = 0;
        for (int s = 0; s < idx.slots(); s++) if (idx.category(s) != 0) entries++;
        NameIndex.Builder names = new NameIndex.Builder(entries);
        ByteArrayOutputStream definitions = new ByteArrayOutputStream();
        try {
            for (int s = 0; s < idx.slots(); s++) {
                int cat = idx.category(s);
                if (cat == 0) continue;
                String name = types.nameOf(idx.nameRef(s));
                long value;
                long aux = 0;
                if (cat == NameIndex.ENUMERATOR) {
                    value = 0;
                    aux = idx.aux(s);
                } else if (cat == NameIndex.VARIABLE || cat == NameIndex.VARIABLE_DECL) {
                    value = index(types.variableTypeKeyOf(idx.value(s)));
                    aux = idx.aux(s); // the DW_OP_addr address
                } else if (cat == NameIndex.STRUCT || cat == NameIndex.UNION || cat == NameIndex.ENUM) {
                    long[] keys = types.definitionKeys(cat, name); // the one lookups answer first
                    value = index(keys[0]);
                    aux = keys.length;
                    if (keys.length > 1) {
                        ByteBuffer b = ByteBuffer.allocate(16 + (keys.length + 1) / 2 * 8).order(ByteOrder.LITTLE_ENDIAN);
                        b.putInt(cat).putInt(keys.length).putLong(io.kdx.symbols.elf.Bytes.hash(name));
                        for (long k : keys) b.putInt(index(k));
                        if (keys.length % 2 != 0) b.putInt(-1);
                        definitions.writeBytes(b.array());
                    }
                } else {
                    value = index(idx.value(s));
                }
                names.add(cat, io.kdx.symbols.elf.Bytes.hash(name), value, aux, string(name));
            }
            while (!pending.isEmpty()) expand(pending.poll());
        } catch (io.kdx.symbols.UncheckedSymbolsException e) {
            throw e.getCause();
        }
        typeRecords();
        if (definitions.size() > 0) sections.put(PackFormat.DEFINITIONS, definitions.toByteArray());
        sections.put(PackFormat.STRINGS, strings.toByteArray());
        NameIndex ni = names.build((ref, utf8) -> false);
        sections.put(PackFormat.NAME_HASHES, ni.hashes().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        sections.put(PackFormat.NAME_VALUES, ni.values().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        sections.put(PackFormat.NAME_AUX, ni.aux().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        sections.put(PackFormat.NAME_REFS, ni.nameRefs().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        sections.put(PackFormat.NAME_CATS, ni.cats().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        writeFile(out);
        return nodes.size();
    }

    private void meta() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String s : new String[] {vmlinux.buildId(), vmlinux.release(), vmlinux.banner(), vmlinux.source().getFileName().toString()}) {
            byte[] u = s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
            b.writeBytes(le32(s == null ? -1 : u.length));
            b.writeBytes(u);
        }
        sections.put(PackFormat.META, b.toByteArray());
    }

    private void symbols(SymbolTable t) {
        sections.put(PackFormat.SYM_ADDRS, bytes(t.addrs()));
        sections.put(PackFormat.SYM_SIZES, bytes(t.sizes()));
        sections.put(PackFormat.SYM_NAME_OFFS, bytes(t.nameOffs()));
        sections.put(PackFormat.SYM_NAMES, bytes(t.names()));
        sections.put(PackFormat.SYM_HASH, bytes(t.hash()));
    }

    private void orc(OrcIndex o) {
        if (o == null) return;
        ByteBuffer m = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        m.putLong(o.base()).putInt(o.size()).putInt(0);
        sections.put(PackFormat.ORC_META, m.array());
        sections.put(PackFormat.ORC_IPS, bytes(o.ips()));
        sections.put(PackFormat.ORC_ROWS, bytes(o.rows()));
        sections.put(PackFormat.ORC_TEXT, bytes(o.textRanges()));
    }

    private static byte[] bytes(MemorySegment s) {
        return s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /** Pack index of the type a graph key names (its canonical node); -1 for void. */
    private int index(long key) {
        TypeNode t = graph.get(key);
        if (t.kind() == Type.Kind.VOID && t.key() == io.kdx.symbols.types.TypeSource.VOID) return -1;
        Integer i = indexOf.get(t);
        if (i != null) return i;
        int n = nodes.size();
        indexOf.put(t, n);
        nodes.add(t);
        pending.add(t);
        return n;
    }

    /** Gives indexes to everything a node refers to. */
    private void expand(TypeNode t) {
        switch (t.kind()) {
            case STRUCT, UNION -> {
                for (int i = 0; i < t.memberCount(); i++) index(t.memberTypeKey(i));
            }
            case VOID, BASE -> { }
            default -> index(t.targetKey());
        }
    }

    private int string(String s) {
        if (s == null) return PackFormat.NO_NAME;
        Integer o = stringOffsets.get(s);
        if (o != null) return o;
        int off = strings.size();
        strings.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        strings.write(0);
        stringOffsets.put(s, off);
        return off;
    }

    private void typeRecords() {
        ByteArrayOutputStream rec = new ByteArrayOutputStream(nodes.size() * 48);
        ByteBuffer offs = ByteBuffer.allocate(nodes.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (TypeNode t : nodes) {
            offs.putInt(rec.size());
            boolean composite = t.kind() == Type.Kind.STRUCT || t.kind() == Type.Kind.UNION;
            int n = composite ? t.memberCount() : t.kind() == Type.Kind.ENUM ? t.enumeratorCount() : 0;
            ByteBuffer b = ByteBuffer.allocate(PackFormat.TYPE_HEADER + n * PackFormat.MEMBER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            b.put((byte) t.kind().ordinal()).put((byte) (t.signed() ? 1 : 0)).putShort((short) 0);
            b.putInt(string(t.name()));
            b.putLong(t.declaredSize()).putLong(t.count());
            boolean hasTarget = !(composite || t.kind() == Type.Kind.BASE || t.kind() == Type.Kind.VOID);
            b.putInt(hasTarget ? index(t.targetKey()) : -1);
            b.putInt(n);
            for (int i = 0; composite && i < n; i++) {
                b.putInt(string(t.memberName(i))).putInt(t.memberBitSize(i)).putLong(t.memberBitOffset(i))
                        .putInt(index(t.memberTypeKey(i))).putInt(0);
            }
            for (int i = 0; t.kind() == Type.Kind.ENUM && i < n; i++) {
                b.putInt(string(t.enumeratorName(i))).putInt(0).putLong(t.enumeratorValue(i));
            }
            rec.write(b.array(), 0, b.position());
        }
        sections.put(PackFormat.TYPE_OFFSETS, offs.array());
        sections.put(PackFormat.TYPE_RECORDS, rec.toByteArray());
    }

    private void writeFile(Path out) throws SymbolsException {
        int count = sections.size();
        long pos = PackFormat.HEADER + (long) count * PackFormat.SECTION_ENTRY;
        ByteBuffer head = ByteBuffer.allocate((int) pos).order(ByteOrder.LITTLE_ENDIAN);
        head.put(PackSymbols.MAGIC).putInt(PackFormat.VERSION).putInt(count);
        long[] offsets = new long[count];
        int i = 0;
        long p = pos;
        for (byte[] s : sections.values()) {
            p = (p + 7) & ~7L;
            offsets[i++] = p;
            p += s.length;
        }
        head.putLong(p).putLong(0);
        i = 0;
        for (Map.Entry<Integer, byte[]> e : sections.entrySet()) {
            head.putInt(e.getKey()).putInt(0).putLong(offsets[i++]).putLong(e.getValue().length);
        }
        Path dir = out.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            if (dir != null) Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, ".kdxsym-", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                head.flip();
                ch.write(head, 0);
                i = 0;
                for (byte[] s : sections.values()) ch.write(ByteBuffer.wrap(s), offsets[i++]);
                if (ch.size() < p) ch.write(ByteBuffer.allocate(1), p - 1); // trailing alignment
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
                long sum = PackFormat.checksum(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), a));
                ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, sum), PackFormat.CHECKSUM_OFFSET);
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                if (tmp != null) Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the temporary file stays behind; nothing else to do
            }
            throw new SymbolsException(out, "cannot write the symbol pack: " + e.getMessage());
        }
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }
}
