package io.kdx.symbols.elf;

import io.kdx.symbols.SymbolsException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A memory-mapped ELF64 little-endian file: header, section headers, section contents (compressed
 * debug sections are inflated once into native memory), notes. Read-only; closing unmaps.
 */
public final class ElfFile implements AutoCloseable {
    public static final int NT_GNU_BUILD_ID = 3;

    private final Path path;
    private final Arena arena;
    private final MemorySegment map;
    private final List<ElfSection> sections;
    private final Map<String, MemorySegment> inflated = new ConcurrentHashMap<>();
    private final int machine;

    private ElfFile(Path path, Arena arena, MemorySegment map) throws SymbolsException {
        this.path = path;
        this.arena = arena;
        this.map = map;
        if (map.byteSize() < 64) throw new SymbolsException(path, "too short for an ELF header (" + map.byteSize() + " bytes)");
        if (Bytes.i32(map, 0) != 0x464c457f) throw new SymbolsException(path, "not an ELF file");
        if (Bytes.u8(map, 4) != 2) throw new SymbolsException(path, "not a 64-bit ELF file (ELFCLASS " + Bytes.u8(map, 4) + ")");
        if (Bytes.u8(map, 5) != 1) throw new SymbolsException(path, "not a little-endian ELF file");
        machine = Bytes.u16(map, 18);
        long shoff = Bytes.u64(map, 40);
        int shentsize = Bytes.u16(map, 58);
        long shnum = Bytes.u16(map, 60);
        int shstrndx = Bytes.u16(map, 62);
        if (shoff == 0) throw new SymbolsException(path, "ELF file has no section headers");
        if (shentsize < 64) throw new SymbolsException(path, "bad section header size " + shentsize);
        if (shoff < 0 || shoff > map.byteSize()) throw new SymbolsException(path, "section headers at 0x" + Long.toHexString(shoff) + " lie beyond the file's end");
        if (shnum == 0) shnum = Bytes.u64(map, shoff + 32); // SHN_UNDEF's sh_size holds the real count
        if (shstrndx == 0xffff) shstrndx = Bytes.i32(map, shoff + 40);
        if (shnum > 65536 * 16 || shoff + shnum * shentsize > map.byteSize()) {
            throw new SymbolsException(path, "truncated: " + shnum + " section headers at 0x" + Long.toHexString(shoff) + " do not fit in the file");
        }
        long[] raw = new long[(int) shnum * 8];
        for (int i = 0; i < shnum; i++) {
            long h = shoff + (long) i * shentsize;
            raw[i * 8] = Bytes.u32(map, h);          // name
            raw[i * 8 + 1] = Bytes.u32(map, h + 4);  // type
            raw[i * 8 + 2] = Bytes.u64(map, h + 8);  // flags
            raw[i * 8 + 3] = Bytes.u64(map, h + 16); // addr
            raw[i * 8 + 4] = Bytes.u64(map, h + 24); // offset
            raw[i * 8 + 5] = Bytes.u64(map, h + 32); // size
            raw[i * 8 + 6] = Bytes.u32(map, h + 40) | (Bytes.u32(map, h + 44) << 32); // link, info
            raw[i * 8 + 7] = Bytes.u64(map, h + 56); // entsize
        }
        MemorySegment shstr = null;
        if (shstrndx < shnum) {
            long o = raw[shstrndx * 8 + 4], n = raw[shstrndx * 8 + 5];
            if (o >= 0 && n >= 0 && o + n <= map.byteSize()) shstr = map.asSlice(o, n);
        }
        List<ElfSection> list = new ArrayList<>((int) shnum);
        for (int i = 0; i < shnum; i++) {
            String name = shstr == null ? "" : Bytes.cString(shstr, raw[i * 8]);
            long li = raw[i * 8 + 6];
            list.add(new ElfSection(i, name == null ? "" : name, (int) raw[i * 8 + 1], raw[i * 8 + 2], raw[i * 8 + 3],
                    raw[i * 8 + 4], raw[i * 8 + 5], (int) (li & 0xffffffffL), (int) (li >>> 32), raw[i * 8 + 7]));
        }
        this.sections = List.copyOf(list);
    }

    /** Maps {@code path} read-only; the mapping lives until {@link #close()}. */
    public static ElfFile open(Path path) throws SymbolsException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment map = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return new ElfFile(path, arena, map);
        } catch (SymbolsException e) {
            arena.close();
            throw e;
        } catch (IndexOutOfBoundsException e) { // found by OrcFuzzTest: a header field pointing past the end
            arena.close();
            throw new SymbolsException(path, "ELF headers point past the end of the file (truncated or damaged)");
        } catch (IOException e) {
            arena.close();
            throw new SymbolsException(path, "cannot map: " + e.getMessage()
                    + (e.getMessage() != null && e.getMessage().contains("Map failed") ? " (check vm.max_map_count)" : ""));
        }
    }

    public Path path() {
        return path;
    }

    public int machine() {
        return machine;
    }

    public MemorySegment map() {
        return map;
    }

    public List<ElfSection> sections() {
        return sections;
    }

    /** The first section of that name, or null. A .zdebug_x section stands for .debug_x. */
    public ElfSection section(String name) {
        for (ElfSection s : sections) if (s.name().equals(name)) return s;
        if (name.startsWith(".debug_")) {
            String z = ".zdebug_" + name.substring(7);
            for (ElfSection s : sections) if (s.name().equals(z)) return s;
        }
        return null;
    }

    /** A section's contents (inflated when compressed), or null when absent or NOBITS. */
    public MemorySegment data(String name) throws SymbolsException {
        ElfSection s = section(name);
        return s == null ? null : data(s);
    }

    public MemorySegment data(ElfSection s) throws SymbolsException {
        if (s.type() == ElfSection.SHT_NOBITS) return null;
        if (s.offset() < 0 || s.size() < 0 || s.offset() + s.size() > map.byteSize() || s.offset() + s.size() < 0) {
            throw new SymbolsException(path, "truncated: section " + s.name() + " (0x" + Long.toHexString(s.offset()) + " + 0x"
                    + Long.toHexString(s.size()) + ") extends beyond the file's end (0x" + Long.toHexString(map.byteSize()) + ")");
        }
        MemorySegment raw = map.asSlice(s.offset(), s.size());
        if (!s.compressed()) return raw;
        MemorySegment done = inflated.get(s.name());
        if (done != null) return done;
        synchronized (inflated) {
            done = inflated.get(s.name());
            if (done == null) {
                done = SectionInflater.inflate(path, s, raw, arena);
                inflated.put(s.name(), done);
            }
            return done;
        }
    }

    /** The allocated, file-backed section holding {@code vaddr}, or null. */
    public ElfSection sectionAt(long vaddr) {
        for (ElfSection s : sections) {
            if (s.type() == ElfSection.SHT_PROGBITS && s.addr() != 0 && s.contains(vaddr)) return s;
        }
        return null;
    }

    /** The NUL-terminated string stored at a link-time address, or null when no section holds it. */
    public String stringAt(long vaddr) throws SymbolsException {
        ElfSection s = sectionAt(vaddr);
        if (s == null) return null;
        return Bytes.cString(data(s), vaddr - s.addr());
    }

    /** The GNU build-id from any note section, lower-case hex, or null. */
    public String buildId() throws SymbolsException {
        for (ElfSection s : sections) {
            if (s.type() != ElfSection.SHT_NOTE) continue;
            MemorySegment d = data(s);
            long p = 0, end = d.byteSize();
            while (p + 12 <= end) {
                long namesz = Bytes.u32(d, p), descsz = Bytes.u32(d, p + 4);
                int type = Bytes.i32(d, p + 8);
                long name = p + 12, desc = name + ((namesz + 3) & ~3L);
                long next = desc + ((descsz + 3) & ~3L);
                if (desc + descsz > end || next <= p) break; // the last note's padding may be cut off
                if (type == NT_GNU_BUILD_ID && namesz == 4 && Bytes.i32(d, name) == 0x00554e47 /* "GNU\0" */) {
                    StringBuilder hex = new StringBuilder();
                    for (long i = 0; i < descsz; i++) hex.append(java.util.HexFormat.of().toHexDigits((byte) Bytes.u8(d, desc + i))); // no Formatter: it costs start-up (#13)
                    return hex.toString();
                }
                p = next;
            }
        }
        return null;
    }

    /**
     * The GNU build-id of the ELF file at {@code path}, read with a few positional reads of its headers
     * and note sections, without mapping it; null when it has none or is not a 64-bit little-endian ELF.
     * A warm start with a cached pack needs only this of a 590 MB vmlinux: mapping it, building its
     * section list and unmapping it (a shared arena's close) cost 5 to 12 ms of a 0.12 s `kdx analyze`.
     */
    public static String readBuildId(Path path) throws SymbolsException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            java.nio.ByteBuffer h = read(ch, 0, 64, size);
            if (h == null || h.getInt(0) != 0x464c457f || h.get(4) != 2 || h.get(5) != 1) return null;
            long shoff = h.getLong(40);
            int shentsize = Short.toUnsignedInt(h.getShort(58));
            long shnum = Short.toUnsignedInt(h.getShort(60));
            if (shoff <= 0 || shentsize < 64) return null;
            if (shnum == 0) { // SHN_UNDEF's sh_size holds the real count
                java.nio.ByteBuffer first = read(ch, shoff, 64, size);
                if (first == null) return null;
                shnum = first.getLong(32);
            }
            if (shnum <= 0 || shnum > 65536 * 16) return null;
            java.nio.ByteBuffer sh = read(ch, shoff, shnum * shentsize, size);
            if (sh == null) return null;
            for (int i = 0; i < shnum; i++) {
                int e = i * shentsize;
                if (sh.getInt(e + 4) != 7 /* SHT_NOTE */) continue;
                long off = sh.getLong(e + 24), len = sh.getLong(e + 32);
                if (len <= 0 || len > 1 << 20) continue;
                java.nio.ByteBuffer d = read(ch, off, len, size);
                if (d == null) continue;
                for (int p = 0; p + 12 <= len; ) {
                    long namesz = Integer.toUnsignedLong(d.getInt(p)), descsz = Integer.toUnsignedLong(d.getInt(p + 4));
                    long name = p + 12, desc = name + ((namesz + 3) & ~3L), next = desc + ((descsz + 3) & ~3L);
                    if (desc + descsz > len || next <= p) break;
                    if (d.getInt(p + 8) == NT_GNU_BUILD_ID && namesz == 4 && d.getInt((int) name) == 0x00554e47 /* "GNU\0" */) {
                        byte[] id = new byte[(int) descsz];
                        d.get((int) desc, id);
                        return java.util.HexFormat.of().formatHex(id);
                    }
                    p = (int) next;
                }
            }
            return null;
        } catch (IOException e) {
            throw new SymbolsException(path, "cannot read: " + e.getMessage());
        }
    }

    /** {@code len} bytes at {@code off}, little-endian, or null when they lie past the end. */
    private static java.nio.ByteBuffer read(FileChannel ch, long off, long len, long size) throws IOException {
        if (off < 0 || len < 0 || len > Integer.MAX_VALUE || off > size - len) return null;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) len).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, off + b.position()) < 0) return null;
        }
        return b.clear();
    }

    static String ascii(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        arena.close();
    }
}
