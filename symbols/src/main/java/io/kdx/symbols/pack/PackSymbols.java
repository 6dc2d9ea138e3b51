package io.kdx.symbols.pack;

import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.OrcTable;
import io.kdx.symbols.SymbolHit;
import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.Types;
import io.kdx.symbols.elf.Bytes;
import io.kdx.symbols.elf.SymbolTable;
import io.kdx.symbols.orc.OrcIndex;
import io.kdx.symbols.types.NameIndex;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A symbol pack (see {@link PackFormat}) used straight from a read-only memory map: opening checks
 * the header, the checksum (version 3), every section's bounds (inside the file, past the section
 * table, no two overlapping, none empty that must hold something) and that the arrays agree in
 * length, then slices the sections. A damaged pack is refused in one line naming the file (issue
 * #12: a zeroed section offset gave wrong answers, a zeroed length an index fault).
 */
public final class PackSymbols implements KernelSymbols {
    public static final String EXTENSION = ".kdxsym";
    static final byte[] MAGIC = {'K', 'D', 'X', 'S', 'Y', 'M', 'P', 0};

    private final Path path;
    private final Arena arena;
    private final MemorySegment[] sections = new MemorySegment[32];
    private final String buildId, release, banner, vmlinuxName;
    private final SymbolTable symbols;
    private final OrcIndex orc;
    private final PackTypes types;
    private final int version;

    public static boolean isPack(byte[] first8) {
        return java.util.Arrays.equals(first8, MAGIC);
    }

    private PackSymbols(Path path, Arena arena, MemorySegment map) throws SymbolsException {
        this.path = path;
        this.arena = arena;
        if (map.byteSize() < PackFormat.HEADER) throw new SymbolsException(path, "truncated symbol pack (" + map.byteSize() + " bytes)");
        byte[] magic = map.asSlice(0, 8).toArray(Bytes.U8);
        if (!isPack(magic)) throw new SymbolsException(path, "not a kdx symbol pack");
        int version = Bytes.i32(map, 8);
        if (version < PackFormat.OLDEST_READABLE || version > PackFormat.VERSION) {
            throw new SymbolsException(path, "symbol pack version " + version + " (this kdx reads version " + PackFormat.VERSION + "; rebuild it with `kdx symbols pack`)");
        }
        long count = Bytes.u32(map, 12), size = Bytes.u64(map, 16);
        if (size != map.byteSize()) throw new SymbolsException(path, "truncated symbol pack: " + map.byteSize() + " bytes of " + size);
        if (count > 64 || PackFormat.HEADER + count * PackFormat.SECTION_ENTRY > size) throw new SymbolsException(path, "corrupt symbol pack header");
        if (version >= PackFormat.CHECKSUMMED) {
            long want = Bytes.u64(map, PackFormat.CHECKSUM_OFFSET), got = PackFormat.checksum(map);
            if (want != got) {
                throw new SymbolsException(path, String.format((java.util.Locale) null, "damaged symbol pack: checksum 0x%08x, the header says 0x%08x;"
                        + " rebuild it with `kdx symbols pack`", got, want));
            }
        }
        long tableEnd = PackFormat.HEADER + count * PackFormat.SECTION_ENTRY;
        long[][] spans = new long[(int) count][];
        for (int i = 0; i < count; i++) {
            long e = PackFormat.HEADER + (long) i * PackFormat.SECTION_ENTRY;
            int id = Bytes.i32(map, e);
            long off = Bytes.u64(map, e + 8), len = Bytes.u64(map, e + 16);
            if (off < tableEnd || len < 0 || off + len > size || off + len < off || (off & 7) != 0) {
                throw new SymbolsException(path, "damaged symbol pack: section " + id + " (offset " + off + ", length " + len
                        + ") lies outside the file's data");
            }
            if (id <= 0 || id >= sections.length || sections[id] != null) {
                throw new SymbolsException(path, "damaged symbol pack: section id " + id + " unknown or repeated");
            }
            spans[i] = new long[] {off, len, id};
            sections[id] = map.asSlice(off, len);
        }
        java.util.Arrays.sort(spans, (a, b) -> Long.compare(a[0], b[0])); // a plain lambda, not Comparator.comparing*: that one is serializable, spun at run time (outside the AOT cache)
        for (int i = 1; i < spans.length; i++) {
            if (spans[i][1] > 0 && spans[i - 1][0] + spans[i - 1][1] > spans[i][0]) {
                throw new SymbolsException(path, "damaged symbol pack: sections " + spans[i - 1][2] + " and " + spans[i][2] + " overlap");
            }
        }
        for (int id : new int[] {PackFormat.META, PackFormat.SYM_ADDRS, PackFormat.SYM_SIZES, PackFormat.SYM_NAME_OFFS,
                PackFormat.SYM_NAMES, PackFormat.SYM_HASH, PackFormat.TYPE_OFFSETS, PackFormat.TYPE_RECORDS, PackFormat.STRINGS,
                PackFormat.NAME_HASHES, PackFormat.NAME_VALUES, PackFormat.NAME_AUX, PackFormat.NAME_REFS, PackFormat.NAME_CATS}) {
            if (sections[id] == null) throw new SymbolsException(path, "corrupt symbol pack: section " + id + " missing");
            if (sections[id].byteSize() == 0 && id != PackFormat.SYM_NAMES) {
                throw new SymbolsException(path, "damaged symbol pack: section " + id + " is empty");
            }
        }
        String[] meta = new String[4];
        MemorySegment m = sections[PackFormat.META];
        long p = 0;
        for (int i = 0; i < 4; i++) {
            if (p + 4 > m.byteSize()) throw new SymbolsException(path, "corrupt symbol pack: META truncated");
            int len = Bytes.i32(m, p);
            p += 4;
            if (len < 0) continue;
            if (p + len > m.byteSize()) throw new SymbolsException(path, "corrupt symbol pack: META truncated");
            meta[i] = new String(m.asSlice(p, len).toArray(Bytes.U8), StandardCharsets.UTF_8);
            p += len;
        }
        buildId = meta[0];
        release = meta[1];
        banner = meta[2];
        vmlinuxName = meta[3];
        long n = sections[PackFormat.SYM_ADDRS].byteSize() / 8;
        long slots = sections[PackFormat.SYM_HASH].byteSize() / 4;
        if (sections[PackFormat.SYM_ADDRS].byteSize() != n * 8 || sections[PackFormat.SYM_SIZES].byteSize() != n * 8
                || sections[PackFormat.SYM_NAME_OFFS].byteSize() != n * 4 || Long.bitCount(slots) != 1
                || sections[PackFormat.SYM_HASH].byteSize() != slots * 4) {
            throw new SymbolsException(path, "corrupt symbol pack: symbol arrays disagree");
        }
        symbols = new SymbolTable((int) n, sections[PackFormat.SYM_ADDRS], sections[PackFormat.SYM_SIZES],
                sections[PackFormat.SYM_NAME_OFFS], sections[PackFormat.SYM_NAMES], sections[PackFormat.SYM_HASH]);
        if (sections[PackFormat.ORC_META] != null && sections[PackFormat.ORC_IPS] != null) {
            MemorySegment om = sections[PackFormat.ORC_META];
            if (om.byteSize() < 16 || sections[PackFormat.ORC_ROWS] == null || sections[PackFormat.ORC_TEXT] == null) {
                throw new SymbolsException(path, "corrupt symbol pack: ORC sections incomplete");
            }
            int rows = Bytes.i32(om, 8);
            if (rows < 0 || sections[PackFormat.ORC_IPS].byteSize() != rows * 4L
                    || sections[PackFormat.ORC_ROWS].byteSize() != (long) rows * OrcIndex.ROW_BYTES) {
                throw new SymbolsException(path, "corrupt symbol pack: ORC arrays disagree");
            }
            orc = new OrcIndex(Bytes.u64(om, 0), rows, sections[PackFormat.ORC_IPS], sections[PackFormat.ORC_ROWS], sections[PackFormat.ORC_TEXT]);
        } else {
            orc = null;
        }
        long cats = sections[PackFormat.NAME_CATS].byteSize();
        if (Long.bitCount(cats) != 1 || sections[PackFormat.NAME_HASHES].byteSize() != cats * 8
                || sections[PackFormat.NAME_VALUES].byteSize() != cats * 8 || sections[PackFormat.NAME_AUX].byteSize() != cats * 8
                || sections[PackFormat.NAME_REFS].byteSize() != cats * 8 || sections[PackFormat.TYPE_OFFSETS].byteSize() % 4 != 0) {
            throw new SymbolsException(path, "corrupt symbol pack: name index arrays disagree");
        }
        MemorySegment strings = sections[PackFormat.STRINGS];
        NameIndex index = new NameIndex(sections[PackFormat.NAME_HASHES], sections[PackFormat.NAME_VALUES], sections[PackFormat.NAME_AUX],
                sections[PackFormat.NAME_REFS], sections[PackFormat.NAME_CATS],
                (ref, utf8) -> ref >= 0 && ref < strings.byteSize() && Bytes.equalsCString(strings, ref, utf8));
        this.version = version;
        MemorySegment definitions = sections[PackFormat.DEFINITIONS];
        if (definitions != null) checkDefinitions(path, definitions, sections[PackFormat.TYPE_OFFSETS].byteSize() / 4);
        types = new PackTypes(index, version >= 2, new PackTypeSource(path, sections[PackFormat.TYPE_OFFSETS], sections[PackFormat.TYPE_RECORDS], strings),
                definitions);
    }

    /** DEFINITIONS: whole records, each naming types the pack holds. */
    private static void checkDefinitions(Path path, MemorySegment d, long types) throws SymbolsException {
        for (long p = 0; p < d.byteSize(); ) {
            int n = p + 16 <= d.byteSize() ? Bytes.i32(d, p + 4) : -1;
            long next = p + 16 + (((long) n + 1) & ~1L) * 4;
            if (n < 2 || next > d.byteSize()) throw new SymbolsException(path, "damaged symbol pack: DEFINITIONS record at " + p + " is cut");
            for (int i = 0; i < n; i++) {
                int t = Bytes.i32(d, p + 16 + 4L * i);
                if (t < 0 || t >= types) throw new SymbolsException(path, "damaged symbol pack: DEFINITIONS names type " + t + " of " + types);
            }
            p = next;
        }
    }

    public static PackSymbols open(Path path) throws SymbolsException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return new PackSymbols(path, arena, ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena));
        } catch (SymbolsException e) {
            arena.close();
            throw e;
        } catch (IOException | IndexOutOfBoundsException e) {
            arena.close();
            throw new SymbolsException(path, "cannot read the symbol pack: " + e.getMessage());
        }
    }

    /** The pack's format version (older ones are read; the cache rewrites them). */
    public int formatVersion() {
        return version;
    }

    /** The file name of the vmlinux this pack was made from. */
    public String vmlinuxName() {
        return vmlinuxName;
    }

    /** Number of types stored. */
    public int typeCount() {
        return (int) (sections[PackFormat.TYPE_OFFSETS].byteSize() / 4);
    }

    @Override public String buildId() { return buildId; }
    @Override public String release() { return release; }
    @Override public String banner() { return banner; }
    @Override public long address(String name) { return symbols.address(name); }
    @Override public SymbolHit lookup(long address) { return symbols.lookup(address); }
    @Override public Types types() { return types; }
    @Override public OrcTable orc() { return orc; }
    @Override public Path source() { return path; }

    @Override
    public void close() {
        arena.close();
    }
}
