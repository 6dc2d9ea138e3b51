package io.kdx.symbols.elf;

import io.kdx.symbols.SymbolHit;
import io.kdx.symbols.SymbolsException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
        for (int slot = (int) h & mask, probes = 0; probes <= mask; slot = (slot + 1) & mask, probes++) {
            int v = hash.get(Bytes.U32, (long) slot * 4);
            if (v == 0) return -1;
            int i = v - 1;
            if (Bytes.equalsCString(names, Bytes.u32(nameOffs, (long) i * 4), utf8)) return i;
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
        MemorySegment syms = elf.data(symtab);
        MemorySegment strtab = elf.data(elf.sections().get(symtab.link()));
        int count = (int) Math.min(Integer.MAX_VALUE / 2, syms.byteSize() / 24);
        long[] key = new long[count]; // rank << 32 | symtab index, sorted by address first
        long[] addr = new long[count];
        int m = 0;
        for (int i = 1; i < count; i++) {
            long e = (long) i * 24;
            int info = Bytes.u8(syms, e + 4), type = info & 0xf, bind = info >>> 4;
            int shndx = Bytes.u16(syms, e + 6);
            long nameOff = Bytes.u32(syms, e);
            if (type > STT_FUNC || shndx == SHN_UNDEF || nameOff == 0 || nameOff >= strtab.byteSize()) continue;
            if (Bytes.u8(strtab, nameOff) == 0) continue;
            int rank = shndx == SHN_ABS ? 5 : type == STT_NOTYPE ? (bind == STB_LOCAL ? 4 : 3)
                    : bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;
            addr[m] = Bytes.u64(syms, e + 8);
            key[m] = ((long) rank << 32) | i;
            m++;
        }
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) order[i] = i;
        final long[] a = addr, k = key;
        Arrays.sort(order, (x, y) -> {
            int c = Long.compareUnsigned(a[x], a[y]);
            return c != 0 ? c : Long.compare(k[x], k[y]);
        });
        long[] addrs = new long[m], sizes = new long[m];
        int[] nameOffs = new int[m];
        java.io.ByteArrayOutputStream blob = new java.io.ByteArrayOutputStream(m * 24);
        blob.write(0);
        for (int j = 0; j < m; j++) {
            int o = order[j];
            long e = (key[o] & 0xffffffffL) * 24;
            addrs[j] = addr[o];
            sizes[j] = Bytes.u64(syms, e + 16);
            long so = Bytes.u32(syms, e);
            int len = Bytes.strlen(strtab, so);
            nameOffs[j] = blob.size();
            byte[] b = new byte[len];
            MemorySegment.copy(strtab, Bytes.U8, so, b, 0, len);
            blob.write(b, 0, len);
            blob.write(0);
        }
        byte[] names = blob.toByteArray();
        MemorySegment namesSeg = MemorySegment.ofArray(names);
        // Insert in preference order so that a probe meets the preferred duplicate first.
        Integer[] pref = new Integer[m];
        for (int i = 0; i < m; i++) pref[i] = i;
        final int[] no = nameOffs;
        long[] rankOf = new long[m];
        for (int j = 0; j < m; j++) rankOf[j] = key[order[j]];
        Arrays.sort(pref, (x, y) -> Long.compare(rankOf[x], rankOf[y]));
        int slots = Integer.highestOneBit(Math.max(4, m * 2)) << 1;
        int[] table = new int[slots];
        for (int idx : pref) {
            long h = Bytes.hashCString(namesSeg, no[idx]);
            int slot = (int) h & (slots - 1);
            while (table[slot] != 0) {
                int other = table[slot] - 1;
                if (sameName(names, no[other], no[idx])) { slot = -1; break; }
                slot = (slot + 1) & (slots - 1);
            }
            if (slot >= 0) table[slot] = idx + 1;
        }
        return new SymbolTable(m, MemorySegment.ofArray(addrs), MemorySegment.ofArray(sizes), MemorySegment.ofArray(nameOffs),
                namesSeg, MemorySegment.ofArray(table));
    }

    private static boolean sameName(byte[] b, int x, int y) {
        while (true) {
            if (b[x] != b[y]) return false;
            if (b[x] == 0) return true;
            x++;
            y++;
        }
    }
}
