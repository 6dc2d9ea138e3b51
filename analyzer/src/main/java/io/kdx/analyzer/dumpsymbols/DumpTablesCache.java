package io.kdx.analyzer.dumpsymbols;

import io.kdx.symbols.btf.BtfTypes;
import io.kdx.symbols.pack.PackCache;
import io.kdx.symbols.types.NameIndex;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The tables a kernel build carries in every one of its dumps, kept once per build-id after the
 * first dump of that build was read: kallsyms as the image holds it (names, token table, offsets,
 * seqs, all independent of KASLR), the BTF and the name index built over it. The next dump of the
 * build then reads one page of its own (the token table, compared with the kept one) instead of
 * some 1,500 (on Debian's 6.1), and skips the index. Lives beside the symbol packs
 * ({@code ~/.cache/kdx/symbols/BUILD-ID/dump-tables-RELEASE.bin}), written atomically, checked
 * by CRC-32C when read; a file that fails the check is ignored and rewritten.
 *
 * <p>Layout (little-endian): magic "KDXDTAB1", u32 section count, u32 0, then per section
 * {u64 offset, u64 length}, the sections 8-aligned, then a u32 CRC-32C of everything before it.
 */
final class DumpTablesCache {
    private static final byte[] MAGIC = "KDXDTAB1".getBytes(StandardCharsets.US_ASCII);
    private static final int META = 0, TOKENS = 1, TOK_START = 2, TOK_END = 3, NAMES = 4, OFFSETS = 5, MARKERS = 6, SEQS = 7,
            BTF = 8, IDX_HASHES = 9, IDX_VALUES = 10, IDX_AUX = 11, IDX_REFS = 12, IDX_CATS = 13, BTF_RECORDS = 14, SECTIONS = 15;

    /** What was kept: the kallsyms parts (relative_base is the dump's own), seqs or null, the BTF and its index. */
    record Entry(int count, boolean absolutePercpu, byte[] tokens, int[] tokStart, int[] tokEnd, byte[] names, byte[] offsets,
                 int[] markers, byte[] seqs, long btfStart, long btfStop, MemorySegment btf, int[] btfRecords, MemorySegment[] index) {

        Kallsyms.Parts parts(long relativeBase) {
            return new Kallsyms.Parts(count, names, tokens, tokStart, tokEnd, ByteBuffer.wrap(offsets).order(ByteOrder.LITTLE_ENDIAN),
                    absolutePercpu, relativeBase, markers);
        }
    }

    private DumpTablesCache() {}

    static Path file(String buildId, String release) {
        Path dir = PackCache.enabled() ? PackCache.dirFor(buildId) : null;
        if (dir == null) return null;
        return dir.resolve("dump-tables-" + (release == null ? "unknown" : release.replaceAll("[^A-Za-z0-9._+-]", "_")) + ".bin");
    }

    /** The entry kept for a build, mapped into {@code arena}; null when none, or not intact. */
    static Entry read(Path file, Arena arena) {
        if (file == null || !Files.isRegularFile(file)) return null;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 16 + 16L * SECTIONS + 4) return null;
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            if (m.asSlice(0, 8).mismatch(MemorySegment.ofArray(MAGIC)) != -1) return null;
            if (m.get(ValueLayout.JAVA_INT_UNALIGNED, 8) != SECTIONS) return null;
            CRC32C crc = new CRC32C();
            crc.update(m.asSlice(0, size - 4).asByteBuffer());
            if ((int) crc.getValue() != m.get(ValueLayout.JAVA_INT_UNALIGNED, size - 4)) return null;
            MemorySegment[] s = new MemorySegment[SECTIONS];
            for (int i = 0; i < SECTIONS; i++) {
                long off = m.get(ValueLayout.JAVA_LONG_UNALIGNED, 16 + 16L * i), len = m.get(ValueLayout.JAVA_LONG_UNALIGNED, 24 + 16L * i);
                if (off < 0 || len < 0 || off + len > size - 4) return null;
                s[i] = m.asSlice(off, len);
            }
            ByteBuffer meta = s[META].asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            int count = meta.getInt(0);
            boolean abs = meta.get(4) != 0, hasSeqs = meta.get(5) != 0;
            long btfStart = meta.getLong(8), btfStop = meta.getLong(16);
            return new Entry(count, abs, bytes(s[TOKENS]), ints(s[TOK_START]), ints(s[TOK_END]), bytes(s[NAMES]), bytes(s[OFFSETS]),
                    ints(s[MARKERS]), hasSeqs ? bytes(s[SEQS]) : null, btfStart, btfStop, s[BTF], ints(s[BTF_RECORDS]),
                    new MemorySegment[] {s[IDX_HASHES], s[IDX_VALUES], s[IDX_AUX], s[IDX_REFS], s[IDX_CATS]});
        } catch (IOException | RuntimeException e) {
            return null; // a cache that cannot be read is only a slower start
        }
    }

    /** Keeps one build's tables; failures only cost the next dump a slower start. */
    static void write(Path file, Kallsyms.Parts p, byte[] seqs, long btfStart, long btfStop, MemorySegment btf, BtfTypes types) {
        if (file == null) return;
        Path tmp = null;
        try {
            Files.createDirectories(file.getParent());
            ByteBuffer meta = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            meta.putInt(0, p.count()).put(4, (byte) (p.absolutePercpu() ? 1 : 0)).put(5, (byte) (seqs != null ? 1 : 0))
                    .putLong(8, btfStart).putLong(16, btfStop);
            byte[] offs = new byte[p.offsets().capacity()];
            p.offsets().get(0, offs);
            NameIndex ix = types.index();
            MemorySegment[] s = {MemorySegment.ofArray(meta.array()), MemorySegment.ofArray(p.tokens()), ints(p.tokStart()), ints(p.tokEnd()),
                    MemorySegment.ofArray(p.names()), MemorySegment.ofArray(offs), ints(p.markers()),
                    MemorySegment.ofArray(seqs != null ? seqs : new byte[0]), btf, ix.hashes(), ix.values(), ix.aux(), ix.nameRefs(), ix.cats(), ints(types.file().recordOffsets())};
            long header = 16 + 16L * SECTIONS, at = header;
            long[] off = new long[SECTIONS];
            for (int i = 0; i < SECTIONS; i++) {
                off[i] = at;
                at = (at + s[i].byteSize() + 7) & ~7L;
            }
            tmp = Files.createTempFile(file.getParent(), ".dump-tables-", ".tmp");
            try (Arena a = Arena.ofConfined(); FileChannel ch = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                MemorySegment out = ch.map(FileChannel.MapMode.READ_WRITE, 0, at + 4, a);
                MemorySegment.copy(MemorySegment.ofArray(MAGIC), 0, out, 0, 8);
                out.set(ValueLayout.JAVA_INT_UNALIGNED, 8, SECTIONS);
                for (int i = 0; i < SECTIONS; i++) {
                    out.set(ValueLayout.JAVA_LONG_UNALIGNED, 16 + 16L * i, off[i]);
                    out.set(ValueLayout.JAVA_LONG_UNALIGNED, 24 + 16L * i, s[i].byteSize());
                    MemorySegment.copy(s[i], 0, out, off[i], s[i].byteSize());
                }
                CRC32C crc = new CRC32C();
                crc.update(out.asSlice(0, at).asByteBuffer());
                out.set(ValueLayout.JAVA_INT_UNALIGNED, at, (int) crc.getValue());
                out.force();
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a stray temporary file in the cache; harmless
                }
            }
        }
    }

    private static byte[] bytes(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_BYTE);
    }

    private static int[] ints(MemorySegment s) {
        int[] out = new int[(int) (s.byteSize() / 4)];
        s.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
        return out;
    }

    private static MemorySegment ints(int[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(v);
        return MemorySegment.ofArray(b.array());
    }
}
