package io.kdx.symbols.elf;

import io.kdx.symbols.SymbolHit;
import io.kdx.symbols.SymbolsException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * The ELF symbol table as sorted primitive arrays: link-time addresses (sorted unsigned, ties in
 * preference order), sizes, name offsets into one NUL-separated name blob, and an open-addressing
 * name hash (slot = index + 1, 0 empty). The same arrays back a vmlinux (heap) and a pack (mapped),
 * so both answer identically. Lookups allocate only their result.
 */
public final class SymbolTable {
    // Elf64_Sym: st_name u32 @0, st_info u8 @4, st_other @5, st_shndx u16 @6, st_value @8, st_size @16.
    static final int STT_NOTYPE = 0, STT_OBJECT = 1, STT_FUNC = 2, STB_LOCAL = 0, STB_GLOBAL = 1, STB_WEAK = 2;
    static final int SHN_UNDEF = 0, SHN_ABS = 0xfff1;

    private final int n;
    private final MemorySegment addrs;   // u64[n]
    private final MemorySegment sizes;   // u64[n]
    private final MemorySegment nameOffs; // u32[n]
    private final MemorySegment names;   // bytes
    private final MemorySegment hash;    // u32[slots], slots a power of two

    public SymbolTable(int n, MemorySegment addrs, MemorySegment sizes, MemorySegment nameOffs, MemorySegment names, MemorySegment hash) {
        this.n = n;
        this.addrs = addrs;
        this.sizes = sizes;
        this.nameOffs = nameOffs;
        this.names = names;
        this.hash = hash;
    }

    public int size() {
        return n;
    }

    public MemorySegment addrs() { return addrs; }
    public MemorySegment sizes() { return sizes; }
    public MemorySegment nameOffs() { return nameOffs; }
    public MemorySegment names() { return names; }
    public MemorySegment hash() { return hash; }

    public long addressAt(int i) {
        return Bytes.u64(addrs, (long) i * 8);
    }

    public String nameAt(int i) {
        return Bytes.cString(names, Bytes.u32(nameOffs, (long) i * 4));
    }

    /** Link-time address of {@code name}, or 0. Among duplicates (static symbols), the preferred one. */
    public long address(String name) {
        int i = indexOf(name);
        return i < 0 ? 0 : addressAt(i);
    }

    public int indexOf(String name) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        long h = Bytes.hash(name);
        int mask = (int) (hash.byteSize() / 4) - 1;
        if (mask < 0) return -1;
        for (int slot = mix(h) & mask, probes = 0; probes <= mask; slot = (slot + 1) & mask, probes++) {
            int v = hash.get(Bytes.U32, (long) slot * 4);
            if (v == 0) return -1;
            int i = v - 1;
            if (i < 0 || i >= n) return -1; // a damaged hash (found by PackFuzzTest on a format-2 pack): no answer, not a fault
            long nameOff = Bytes.u32(nameOffs, (long) i * 4);
            if (nameOff >= names.byteSize()) return -1;
            if (Bytes.equalsCString(names, nameOff, utf8)) return i;
        }
        return -1;
    }

    /** The symbol with the greatest start <= {@code address}, or null. */
    public SymbolHit lookup(long address) {
        int lo = 0, hi = n - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(addressAt(mid), address) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0) return null;
        long start = addressAt(found);
        while (found > 0 && addressAt(found - 1) == start) found--; // first of equal addresses = preferred
        return new SymbolHit(nameAt(found), start, Bytes.u64(sizes, (long) found * 8), address - start);
    }

    /** Builds the table from .symtab and its string table. */
    public static SymbolTable fromElf(ElfFile elf) throws SymbolsException {
        ElfSection symtab = elf.section(".symtab");
        if (symtab == null) throw new SymbolsException(elf.path(), "no .symtab (a stripped vmlinux? use the debug vmlinux)");
        if (symtab.link() <= 0 || symtab.link() >= elf.sections().size()) {
            throw new SymbolsException(elf.path(), ".symtab names a bad string table section " + symtab.link());
        }
        MemorySegment symSeg = elf.data(symtab);
        MemorySegment strSeg = elf.data(elf.sections().get(symtab.link()));
        // Bulk copies (a few MiB) to plain arrays: a cold JVM walks arrays far faster than segments.
        int count = (int) Math.min(Integer.MAX_VALUE / 4, symSeg.byteSize() / 24);
        long[] syms = new long[count * 3];
        MemorySegment.copy(symSeg, Bytes.U64, 0, syms, 0, count * 3);
        if (strSeg.byteSize() > Integer.MAX_VALUE - 16) throw new SymbolsException(elf.path(), "string table too large");
        byte[] str = strSeg.toArray(Bytes.U8);
        long[] key = new long[count]; // rank << 32 | symtab index, sorted by address first
        long[] addr = new long[count];
        int m = 0;
        for (int i = 1; i < count; i++) {
            long w = syms[i * 3]; // st_name u32, st_info u8, st_other u8, st_shndx u16
            int info = (int) (w >>> 32) & 0xff, type = info & 0xf, bind = info >>> 4;
            int shndx = (int) (w >>> 48) & 0xffff;
            long nameOff = w & 0xffffffffL;
            if (type > STT_FUNC || shndx == SHN_UNDEF || nameOff == 0 || nameOff >= str.length) continue;
            if (str[(int) nameOff] == 0) continue;
            int rank = shndx == SHN_ABS ? 5 : type == STT_NOTYPE ? (bind == STB_LOCAL ? 4 : 3)
                    : bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
            addr[m] = syms[i * 3 + 1];
            key[m] = ((long) rank << 32) | i;
            m++;
        }
        return build(m, addr, key, (j, e) -> syms[e + 2], e -> (int) syms[e], str, 3);
    }

    /** Size of the symbol whose key index is {@code e}, given its sorted position {@code j}. */
    @FunctionalInterface
    public interface SizeOf {
        long size(int j, int e);
    }

    /**
     * Sorts and hashes {@code m} symbols: {@code addr[i]} their link-time addresses, {@code key[i]}
     * (rank &lt;&lt; 32 | index) their preference (lower rank wins among equal addresses and equal names;
     * then lower index), {@code names} a NUL-separated blob. {@code nameOf(index * stride)} gives a
     * symbol's name offset and {@code sizeOf} its size. Shared by the ELF symbol table and the
     * kernel's own kallsyms read from a dump, so both answer by the same rules.
     */
    public static SymbolTable build(int m, long[] addr, long[] key, SizeOf sizeOf, java.util.function.IntUnaryOperator nameOf,
                                    byte[] str, int stride) {
        int[] order = new int[m];
        for (int i = 0; i < m; i++) order[i] = i;
        sort(order, addr, key);
        long[] addrs = new long[m], sizes = new long[m];
        int[] nameOffs = new int[m];
        for (int j = 0; j < m; j++) {
            int o = order[j];
            int e = (int) (key[o] & 0xffffffffL) * stride;
            addrs[j] = addr[o];
            sizes[j] = sizeOf.size(j, e);
            nameOffs[j] = nameOf.applyAsInt(e);
        }
        // Insert in preference order (rank by rank) so that a probe meets the preferred duplicate first.
        int slots = Integer.highestOneBit(Math.max(4, m * 2)) << 1;
        int[] table = new int[slots];
        for (int rank = 0; rank <= 5; rank++) {
            for (int j = 0; j < m; j++) {
                if ((int) (key[order[j]] >>> 32) != rank) continue;
                long h = hash(str, nameOffs[j]);
                int slot = mix(h) & (slots - 1);
                while (table[slot] != 0) {
                    int other = table[slot] - 1;
                    if (sameName(str, nameOffs[other], nameOffs[j])) { slot = -1; break; }
                    slot = (slot + 1) & (slots - 1);
                }
                if (slot >= 0) table[slot] = j + 1;
            }
        }
        return new SymbolTable(m, MemorySegment.ofArray(addrs), MemorySegment.ofArray(sizes), MemorySegment.ofArray(nameOffs),
                MemorySegment.ofArray(str), MemorySegment.ofArray(table));
    }

    /** FNV-1a's low bits depend only on the low bits of every step; fold the high half in. */
    static int mix(long h) {
        h ^= h >>> 32;
        h *= 0x9e3779b97f4a7c15L;
        return (int) (h >>> 32);
    }

    private static boolean sameName(byte[] b, int x, int y) {
        while (x < b.length && y < b.length) {
            byte p = b[x], q = b[y];
            if (p != q) return false;
            if (p == 0) return true;
            x++;
            y++;
        }
        return x >= b.length && y >= b.length;
    }

    /** {@link Bytes#hashCString} over an array. */
    private static long hash(byte[] b, int off) {
        long h = 0xcbf29ce484222325L;
        for (int p = off; p < b.length && b[p] != 0; p++) h = (h ^ (b[p] & 0xff)) * 0x100000001b3L;
        return h;
    }

    /**
     * Sorts {@code perm} by (address unsigned, then key): a counting pass orders by key (rank, then
     * symtab index, which the input order already is within a rank), then a stable LSD radix sort on
     * the address bytes, skipping the bytes all addresses share (kernel addresses share the top four).
     */
    private static void sort(int[] perm, long[] addr, long[] key) {
        int n = perm.length;
        int[] tmp = new int[n];
        int[] count = new int[257];
        for (int i = 0; i < n; i++) count[(int) (key[perm[i]] >>> 32) + 1]++;
        for (int r = 0; r < 256; r++) count[r + 1] += count[r];
        for (int i = 0; i < n; i++) tmp[count[(int) (key[perm[i]] >>> 32)]++] = perm[i];
        System.arraycopy(tmp, 0, perm, 0, n);
        for (int shift = 0; shift < 64; shift += 8) {
            java.util.Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) count[(int) (addr[perm[i]] >>> shift) & 0xff]++;
            boolean oneBucket = false;
            for (int b = 0; b < 256; b++) if (count[b] == n) oneBucket = true;
            if (oneBucket) continue;
            for (int b = 0, sum = 0; b < 256; b++) {
                int c = count[b];
                count[b] = sum;
                sum += c;
            }
            for (int i = 0; i < n; i++) tmp[count[(int) (addr[perm[i]] >>> shift) & 0xff]++] = perm[i];
            System.arraycopy(tmp, 0, perm, 0, n);
        }
    }
}
