package io.kdx.analyzer.dumpsymbols;

import static io.kdx.analyzer.x86_64.X86_64.START_KERNEL_MAP;

import io.kdx.analyzer.kernel.KernelLayout;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.PhysicalMemory;
import io.kdx.dump.Dump;
import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.elf.SymbolTable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Finds the kernel image and its kallsyms tables in a dump whose VMCOREINFO does not name them
 * (QEMU's dumps taken without its vmcoreinfo device, kernels before 6.0), from their shape alone:
 * <ol>
 * <li>kallsyms_token_index: 256 u16 offsets at an 8-byte boundary, the first 0, each greater than the
 * last by the length of a token plus its NUL; kallsyms_token_table: the 256 strings those offsets
 * describe, ending (8-aligned) where the index starts. Both found by scanning physical memory.</li>
 * <li>kallsyms_markers: the u32 offsets into kallsyms_names of every 256th symbol, before the
 * token table (markers[0] = 0, increasing); kallsyms_num_syms, just before kallsyms_names, is a count
 * whose markers number that many; the names decode, symbol by symbol, to exactly the markers.</li>
 * <li>kallsyms_offsets and kallsyms_relative_base: before num_syms up to 6.3, after the token index
 * from 6.4 (scripts/kallsyms.c, "scripts/kallsyms: change the output order").</li>
 * <li>The proof: the decoded linux_banner lands, through the image's linear mapping, on a
 * "Linux version" string in the dump, with a phys_base that is 2 MiB aligned, and init_uts_ns's
 * release there equals the banner's.</li>
 * </ol>
 * 6.2 and 6.3 (and backports such as Debian's 6.1.192) put kallsyms_seqs_of_names, 3 bytes a
 * symbol, between the markers and the token table: the markers then end 3 * num_syms bytes (8-aligned)
 * before it, and both places are tried.
 */
final class ImageScan {
    private ImageScan() {}

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Carries the located image out of the page walk. */
    private static final class Located extends RuntimeException {
        final transient ImageLocation location;
        final SymbolsException failure;

        Located(ImageLocation location, SymbolsException failure) {
            super(null, null, false, false);
            this.location = location;
            this.failure = failure;
        }
    }

    static ImageLocation find(Dump dump, PhysicalMemory mem) throws SymbolsException {
        String why = dump.vmcoreinfo().isEmpty() ? "the dump has no VMCOREINFO" : "VMCOREINFO names no kallsyms tables";
        int ps = dump.pageSize();
        MemorySegment page = MemorySegment.ofArray(new byte[ps]);
        long maxPhys = dump.maxPfn() * ps;
        try {
            // One pass over memory until a token index that holds up: the cheap test on the first
            // three offsets rejects nearly every position.
            dump.forEachPresentPfn(pfn -> {
                if (!dump.readPage(pfn, page).readable()) return;
                for (int off = 0; off + 8 <= ps; off += 8) {
                    if (page.get(U16, off) != 0) continue;
                    int b = page.get(U16, off + 2) & 0xffff, c = page.get(U16, off + 4) & 0xffff;
                    if (b < 2 || b > 64 || c <= b || c - b > 64) continue;
                    long p = pfn * ps + off;
                    if (!tokenIndexAt(mem, p)) continue;
                    try {
                        ImageLocation loc = fromTokenIndex(dump, mem, p, maxPhys, why);
                        if (loc != null) throw new Located(loc, null);
                    } catch (SymbolsException e) {
                        throw new Located(null, e);
                    }
                }
            });
        } catch (Located l) {
            if (l.failure != null) throw l.failure;
            return l.location;
        }
        throw new SymbolsException(dump.path(), why + ", and no kallsyms tables that hold up are in its memory: "
                + "kdx cannot read the kernel's own symbols; give its vmlinux or a symbol pack with -s");
    }

    /** Whether 256 increasing u16 offsets start at {@code p} with a token table of those strings before them. */
    private static boolean tokenIndexAt(PhysicalMemory mem, long p) {
        return tokenTable(mem, p) >= 0;
    }

    /** The physical start of the token table whose index is at {@code p}, or -1. */
    private static long tokenTable(PhysicalMemory mem, long p) {
        try {
            int[] idx = new int[256];
            for (int i = 0; i < 256; i++) {
                idx[i] = (int) mem.word(p + 2L * i, 0, 2);
                if (i > 0 && (idx[i] <= idx[i - 1] || idx[i] - idx[i - 1] > 64)) return -1;
            }
            // The last token ends with a NUL within 64 bytes of its start, then pads to 8 before p.
            for (long t = p - idx[255] - 2; t >= p - idx[255] - 72 && t >= 0; t--) {
                if ((t & 7) != 0) continue;
                long last = t + idx[255];
                int len = 0;
                while (len < 64 && last + len < p && mem.word(last + len, 0, 1) != 0) len++;
                if (last + len >= p || ((last + len + 1 + 7) & ~7L) != p) continue;
                boolean ok = true;
                for (int i = 0; i < 255 && ok; i++) {
                    long s = t + idx[i], e = t + idx[i + 1] - 1;
                    if (mem.word(e, 0, 1) != 0) ok = false;
                    for (long q = s; q < e && ok; q++) if (mem.word(q, 0, 1) == 0) ok = false;
                }
                if (ok) return t;
            }
        } catch (MemoryFault f) {
            return -1;
        }
        return -1;
    }

    /** The rest of the tables and the image's place, from the token index at physical {@code p}; null when they do not hold up. */
    private static ImageLocation fromTokenIndex(Dump dump, PhysicalMemory mem, long p, long maxPhys, String why) throws SymbolsException {
        long t = tokenTable(mem, p);
        try {
            // kallsyms_markers ends at the token table (one u32 of padding when their count is odd),
            // or, where kallsyms_seqs_of_names (3 bytes a symbol, 6.2+ and backports) lies between, at
            // the 8-aligned place 3 * num_syms bytes before it.
            long end = t;
            if (mem.word(end - 4, 0, 4) == 0 && mem.word(end - 8, 0, 4) != 0) end -= 4;
            ImageLocation loc = withMarkersEndingAt(dump, mem, t, p, end, -1, maxPhys, why);
            if (loc != null) return loc;
            for (long e = t - 8; e > t - 3L * 4_000_000; e -= 8) {
                long nEst = (t - e) / 3;
                for (long n = nEst; n >= nEst - 3 && n > 0; n--) {
                    if (((e + 3 * n + 7) & ~7L) != t) continue;
                    long m = (n + 255) / 256;
                    // the markers end with a u32 of padding before the seqs when their count is odd
                    // (Debian's generic 6.1.192: 369 markers, 94266 symbols)
                    for (long pad : new long[] {0, 4}) {
                        long markers = e - pad - 4 * m;
                        if (mem.word(markers, 0, 4) != 0 || m > 1 && mem.word(markers + 4, 0, 4) == 0) continue;
                        loc = withMarkersEndingAt(dump, mem, t, p, e - pad, n, maxPhys, why);
                        if (loc != null) return loc;
                    }
                }
            }
        } catch (MemoryFault f) {
            return null;
        }
        return null;
    }

    /**
     * kallsyms_markers ending at {@code end}, for {@code count} symbols (-1: unknown, taken from the
     * markers' run); then kallsyms_names before them and kallsyms_num_syms before that.
     */
    private static ImageLocation withMarkersEndingAt(Dump dump, PhysicalMemory mem, long t, long p, long end, long count,
                                                     long maxPhys, String why) throws SymbolsException {
        long q = end - 4, prev = Long.MAX_VALUE;
        int m = 0;
        while (q >= 0 && m < 100_000) {
            long v = mem.word(q, 0, 4);
            if (v >= prev) return null;
            m++;
            if (v == 0) break;
            prev = v;
            q -= 4;
        }
        if (count > 0 && (count + 255) / 256 != m) return null;
        long markers = q;
        long lastMarker = mem.word(end - 4, 0, 4);
        for (long s = (markers - lastMarker) & ~7L; s > markers - lastMarker - (1L << 20) && s > 8; s -= 8) {
            long n = mem.word(s - 8, 0, 4);
            if (n <= 0 || (n + 255) / 256 != m || count > 0 && n != count || mem.word(s - 4, 0, 4) != 0) continue;
            if (!namesMatchMarkers(mem, s, (int) n, markers, m)) continue;
            ImageLocation loc = withOffsets(dump, mem, t, p, s, (int) n, maxPhys, why);
            if (loc != null) return loc;
        }
        return null;
    }

    /** Whether symbol 256k starts at names + markers[k] for every k. */
    private static boolean namesMatchMarkers(PhysicalMemory mem, long names, int n, long markers, int m) {
        long pos = names;
        for (int i = 0; i < n; i++) {
            if (i % 256 == 0 && pos - names != mem.word(markers + 4L * (i / 256), 0, 4)) return false;
            int len = (int) mem.word(pos++, 0, 1);
            if ((len & 0x80) != 0) len = (len & 0x7f) | ((int) mem.word(pos++, 0, 1) << 7);
            if (len == 0) return false;
            pos += len;
        }
        return pos <= markers;
    }

    /** Tries both places of kallsyms_offsets; the one whose symbols land on the banner wins. */
    private static ImageLocation withOffsets(Dump dump, PhysicalMemory mem, long tokenTable, long tokenIndex, long names, int n,
                                             long maxPhys, String why)
            throws SymbolsException {
        long before = names - 16; // old order: offsets, relative_base, num_syms, names
        long[][] candidates = {
                {before - ((4L * n + 7) & ~7L), before}, // {offsets, relative_base}
                {(tokenIndex + 512 + 7) & ~7L, ((tokenIndex + 512 + 7) & ~7L) + ((4L * n + 7) & ~7L)}};
        for (long[] c : candidates) {
            long relBase;
            try {
                relBase = mem.word(c[1], 0, 8);
            } catch (MemoryFault f) {
                continue;
            }
            if ((relBase >>> 31) != 0x1_ffff_ffffL) continue; // not in the kernel image's mapping
            ImageLocation loc = prove(dump, mem, tokenTable, tokenIndex, names, c[0], c[1], n, maxPhys, why);
            if (loc != null) return loc;
        }
        return null;
    }

    /**
     * Decodes the symbols with a provisional mapping (phys_base 0), then places the image by
     * linux_banner: the phys_base that puts it on a "Linux version" string must be 2 MiB aligned
     * and agree with init_uts_ns.
     */
    private static ImageLocation prove(Dump dump, PhysicalMemory mem, long tokenTable, long tokenIndex, long names, long offsets,
                                       long relBasePhys, int n, long maxPhys, String why) throws SymbolsException {
        // The tables' own runtime addresses are unknown until phys_base is; read them physically by
        // giving the decoder an image mapping in which virtual = physical + __START_KERNEL_map.
        ImageMemory phys = new ImageMemory(mem, 0);
        Kallsyms.Tables byPhys = new Kallsyms.Tables(names + START_KERNEL_MAP, names - 8 + START_KERNEL_MAP,
                tokenTable + START_KERNEL_MAP, tokenIndex + START_KERNEL_MAP, offsets + START_KERNEL_MAP,
                relBasePhys + START_KERNEL_MAP, "a search of physical memory");
        Kallsyms.Decoded d;
        try {
            d = Kallsyms.read(phys, byPhys, 0, dump.path());
        } catch (SymbolsException | MemoryFault e) {
            return null;
        }
        SymbolTable table = d.table();
        long banner = table.address("linux_banner"), uts = table.address("init_uts_ns"), text = table.address("_text");
        if (banner == 0 || text == 0) return null;
        // phys_base: a "Linux version" string's physical place minus the banner's place in the image
        // mapping; 2 MiB aligned (the image is loaded and randomised in 2 MiB steps, virtually and
        // physically), and the token table must then lie inside the image [_text, _end).
        long end = table.address("_end");
        long physBase = -1;
        // The banner keeps its virtual address's offset in a 2 MiB page: one place to test per 2 MiB.
        for (long h = (banner - START_KERNEL_MAP) & 0x1f_ffffL; h < maxPhys && physBase == -1; h += 0x20_0000L) {
            if (!startsWith(mem, h, "Linux version ")) continue;
            long pb = h - (banner - START_KERNEL_MAP);
            if ((pb & 0x1f_ffffL) != 0) continue;
            long tableVa = tokenTable + START_KERNEL_MAP - pb;
            if (Long.compareUnsigned(tableVa, text) < 0 || end != 0 && Long.compareUnsigned(tableVa, end) >= 0) continue;
            physBase = pb;
        }
        if (physBase == -1) return null;
        ImageMemory img = new ImageMemory(mem, physBase);
        String bannerText = img.cString(banner, 512);
        String release = bannerText.substring("Linux version ".length()).split(" ", 2)[0];
        if (uts != 0) {
            // struct uts_namespace starts with struct kref then struct new_utsname {sysname[65], nodename[65], release[65]...}
            boolean agrees = false;
            for (int off = 0; off <= 16 && !agrees; off += 4) {
                try {
                    agrees = img.cString(uts + off + 2 * 65, 65).equals(release) && img.cString(uts + off, 65).equals("Linux");
                } catch (MemoryFault f) {
                    // try the next layout
                }
            }
            if (!agrees) return null;
        }
        long kaslr = text - ImageLocation.DEFAULT_TEXT;
        long pgt = table.address("init_top_pgt");
        if (pgt == 0) pgt = table.address("init_level4_pgt"); // before 4.13
        if (pgt == 0) throw new SymbolsException(dump.path(), why + "; found kallsyms but no init_top_pgt in it");
        long l5sym = table.address("__pgtable_l5_enabled");
        boolean l5 = l5sym != 0 && img.u32(l5sym) == 1;
        KernelLayout layout = new KernelLayout(kaslr, physBase, pgt - START_KERNEL_MAP + physBase, l5,
                "kallsyms found in physical memory (no VMCOREINFO)");
        // The tables' runtime addresses, now that phys_base is known.
        long shift = START_KERNEL_MAP - physBase;
        Kallsyms.Tables tables = new Kallsyms.Tables(names + shift, names - 8 + shift, tokenTable + shift, tokenIndex + shift,
                offsets + shift, relBasePhys + shift, "a search of physical memory");
        return new ImageLocation(layout, kaslr, physBase, tables);
    }


    private static boolean startsWith(PhysicalMemory mem, long phys, String s) {
        try {
            for (int i = 0; i < s.length(); i++) if (mem.word(phys + i, 0, 1) != s.charAt(i)) return false;
            return true;
        } catch (MemoryFault f) {
            return false;
        }
    }
}
