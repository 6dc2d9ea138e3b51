package io.kdx.analyzer.crash;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.mem.MemInfo;
import io.kdx.symbols.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@code kmem -i}: crash's memory table, its rows computed as crash 8.0 computes them (the
 * /proc/meminfo counters kdx mem reads, plus crash's own tallies). TOTAL MEM is totalram_pages;
 * FREE the zones' NR_FREE_PAGES summed; SHARED crash's count of the pages of the memory map that are
 * not PG_reserved and whose _refcount is above 1 (not /proc/meminfo's Shmem); BUFFERS the block
 * devices' page cache; CACHED NR_FILE_PAGES less the swap cache (NR_SWAPCACHE, 5.12+) and BUFFERS;
 * SLAB the two NR_SLAB_* node counters; TOTAL HUGE and HUGE FREE the hstates' pages; the swap rows
 * the swap areas in use (swap_info[] up to nr_swapfiles); COMMIT LIMIT as the kernel's
 * vm_commit_limit() (overcommit_kbytes, else ratio % of RAM without huge pages, plus swap);
 * COMMITTED vm_committed_as's count, without the per-CPU deltas, as crash reads it.
 */
final class KmemInfo {
    private KmemInfo() {}

    /** The rows in pages; -1 where the dump does not say (the reason in problems). */
    record Rows(long total, long free, long shared, long buffers, long cached, long slab, long hugeTotal, long hugeFree,
            long swapTotal, long swapUsed, long commitLimit, long committed, long pageSize, List<String> problems) {}

    static Rows read(Kernel k) {
        List<String> problems = new ArrayList<>();
        MemInfo m = MemInfo.read(k);
        problems.addAll(m.problems());
        long page = k.dump().metadata().pageSize() > 0 ? k.dump().metadata().pageSize() : 4096;
        long kb = page / 1024;
        long total = pages(m.memTotalKb(), kb);
        long free = -1;
        if (!m.zones().isEmpty()) {
            free = 0;
            for (MemInfo.Zone z : m.zones()) free = z.freeKb() < 0 || free < 0 ? -1 : free + z.freeKb() / kb;
        }
        long buffers = pages(m.buffersKb(), kb);
        long file = MemInfo.stat(k, "vm_node_stat", "NR_FILE_PAGES", 1, problems);
        long swapCache = k.types().enumerator("NR_SWAPCACHE").isPresent() ? MemInfo.stat(k, "vm_node_stat", "NR_SWAPCACHE", 1, problems) : 0;
        long cached = file < 0 || swapCache < 0 || buffers < 0 ? -1 : Math.max(0, file - swapCache - buffers);
        long slab = pages(m.slabKb(), kb);
        long[] huge = huge(k, problems);
        long[] swap = swap(k, problems);
        long limit = -1, committed = -1;
        try {
            long kbytes = k.symbol("sysctl_overcommit_kbytes") != 0 ? k.readU64(k.symbol("sysctl_overcommit_kbytes")) : 0;
            long ratio = k.symbol("sysctl_overcommit_ratio") != 0 ? k.readU32(k.symbol("sysctl_overcommit_ratio")) : -1;
            if (kbytes != 0) limit = kbytes / kb;
            else if (ratio >= 0 && total >= 0 && huge[0] >= 0) limit = (total - huge[0]) * ratio / 100;
            if (limit >= 0 && swap[0] >= 0) limit += swap[0];
            else limit = -1;
            long as = k.symbol("vm_committed_as");
            if (as != 0) committed = Math.max(0, k.readU64(as + k.offsetOf("percpu_counter", "count")));
        } catch (MemoryFault e) {
            problems.add("the overcommit counters are unreadable: " + e.getMessage());
        }
        return new Rows(total, free, shared(k, problems), buffers, cached, slab, huge[0], huge[1], swap[0], swap[1], limit, committed,
                page, List.copyOf(problems));
    }

    private static long pages(long kbValue, long kb) {
        return kbValue < 0 ? -1 : kbValue / kb;
    }

    /** {total, free} huge pages in base pages: each hstate's nr_huge_pages and free_huge_pages << order. */
    private static long[] huge(Kernel k, List<String> problems) {
        long hs = k.symbol("hstates");
        if (hs == 0) return new long[] {0, 0}; // no CONFIG_HUGETLBFS: crash prints no huge rows either way as 0
        try {
            Type t = k.types().variableType("hstates");
            // HUGE_MAX_HSTATE is 2 on x86_64 (2 MiB and 1 GiB pages): the array's length when no type says it
            long n = t != null && t.resolved().kind() == Type.Kind.ARRAY ? t.resolved().count() : 2;
            long size = k.sizeOf("hstate");
            long order = k.offsetOf("hstate", "order"), nr = k.offsetOf("hstate", "nr_huge_pages"), fr = k.offsetOf("hstate", "free_huge_pages");
            long total = 0, free = 0;
            for (long i = 0; i < n; i++) {
                long h = hs + i * size;
                int o = k.readU32(h + order);
                if (o == 0) continue;
                total += k.readU64(h + nr) << o;
                free += k.readU64(h + fr) << o;
            }
            return new long[] {total, free};
        } catch (MemoryFault | io.kdx.analyzer.kernel.MissingTypeException e) {
            problems.add("huge pages unknown: " + e.getMessage());
            return new long[] {-1, -1};
        }
    }

    /** {total, used} pages of the swap areas in use (SWP_USED): swap_info[i]->pages and ->inuse_pages. */
    private static long[] swap(Kernel k, List<String> problems) {
        try {
            long nr = k.symbol("nr_swapfiles"), si = k.symbol("swap_info");
            if (nr == 0 || si == 0) {
                problems.add("swap unknown: no nr_swapfiles or swap_info");
                return new long[] {-1, -1};
            }
            int n = k.readU32(nr);
            long total = 0, used = 0;
            for (int i = 0; i < n && i < 64; i++) {
                long p = k.readPointer(si + 8L * i);
                if (p == 0) continue;
                long flags = k.readU64(p + k.offsetOf("swap_info_struct", "flags"));
                if ((flags & 1) == 0) continue; // SWP_USED
                total += k.readU32(p + k.offsetOf("swap_info_struct", "pages"));
                used += k.readU32(p + k.offsetOf("swap_info_struct", "inuse_pages"));
            }
            return new long[] {total, used};
        } catch (MemoryFault | io.kdx.analyzer.kernel.MissingTypeException e) {
            problems.add("swap unknown: " + e.getMessage());
            return new long[] {-1, -1};
        }
    }

    /**
     * crash's SHARED: the struct pages of the memory map (vmemmap_base + pfn * sizeof(struct page),
     * every pfn of the memory sections up to max_pfn) not PG_reserved whose _refcount is above 1.
     * A struct page the dump does not hold is passed over.
     */
    private static long shared(Kernel k, List<String> problems) {
        try {
            long vmemmap = k.symbol("vmemmap_base");
            long maxPfn = k.symbol("max_pfn");
            OptionalLong reserved = k.types().enumerator("PG_reserved");
            if (vmemmap == 0 || maxPfn == 0 || reserved.isEmpty()) {
                problems.add("SHARED unknown: no vmemmap_base, max_pfn or PG_reserved");
                return -1;
            }
            long base = k.readPointer(vmemmap);
            long pages = k.readU64(maxPfn);
            long section = 1L << (27 - 12); // x86_64 SECTION_SIZE_BITS 27 (128 MiB sections) of 4 KiB pages
            long end = (pages + section - 1) / section * section;
            int size = (int) k.sizeOf("page");
            long flagsOff = k.offsetOf("page", "flags"), refOff = k.offsetOf("page", "_refcount");
            long reservedBit = 1L << reserved.getAsLong();
            int per = 4096 / size * 16;
            byte[] buf = new byte[per * size];
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(buf).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            long shared = 0;
            for (long pfn = 0; pfn < end; pfn += per) {
                int n = (int) Math.min(per, end - pfn);
                try {
                    k.read(base + pfn * size, buf, 0, n * size);
                } catch (MemoryFault e) {
                    for (int i = 0; i < n; i++) { // one page at a time where a chunk has a hole
                        try {
                            k.read(base + (pfn + i) * size, buf, i * size, size);
                        } catch (MemoryFault f) {
                            java.util.Arrays.fill(buf, i * size, (i + 1) * size, (byte) 0);
                        }
                    }
                }
                for (int i = 0; i < n; i++) {
                    long flags = bb.getLong(i * size + (int) flagsOff);
                    int ref = bb.getInt(i * size + (int) refOff);
                    if ((flags & reservedBit) == 0 && ref > 1) shared++;
                }
            }
            return shared;
        } catch (MemoryFault | io.kdx.analyzer.kernel.MissingTypeException e) {
            problems.add("SHARED unknown: " + e.getMessage());
            return -1;
        }
    }

    static final String HEADER = "                 PAGES        TOTAL      PERCENTAGE\n";

    /** The table as crash prints it; a row the dump does not say is printed with "?" in its columns. */
    static String render(Rows r) {
        StringBuilder sb = new StringBuilder(HEADER);
        whole(sb, "TOTAL MEM", r.total(), r);
        part(sb, "FREE", r.free(), r.total(), "TOTAL MEM", r);
        part(sb, "USED", r.total() < 0 || r.free() < 0 ? -1 : r.total() - r.free(), r.total(), "TOTAL MEM", r);
        part(sb, "SHARED", r.shared(), r.total(), "TOTAL MEM", r);
        part(sb, "BUFFERS", r.buffers(), r.total(), "TOTAL MEM", r);
        part(sb, "CACHED", r.cached(), r.total(), "TOTAL MEM", r);
        part(sb, "SLAB", r.slab(), r.total(), "TOTAL MEM", r);
        sb.append('\n');
        whole(sb, "TOTAL HUGE", r.hugeTotal(), r);
        part(sb, "HUGE FREE", r.hugeFree(), r.hugeTotal(), "TOTAL HUGE", r);
        sb.append('\n');
        whole(sb, "TOTAL SWAP", r.swapTotal(), r);
        part(sb, "SWAP USED", r.swapUsed(), r.swapTotal(), "TOTAL SWAP", r);
        part(sb, "SWAP FREE", r.swapTotal() < 0 || r.swapUsed() < 0 ? -1 : r.swapTotal() - r.swapUsed(), r.swapTotal(), "TOTAL SWAP", r);
        sb.append('\n');
        whole(sb, "COMMIT LIMIT", r.commitLimit(), r);
        if (r.commitLimit() != 0) part(sb, "COMMITTED", r.committed(), r.commitLimit(), "TOTAL LIMIT", r);
        else whole(sb, "COMMITTED", r.committed(), r);
        return sb.toString();
    }

    private static void whole(StringBuilder sb, String name, long pages, Rows r) {
        sb.append(Fmt.format("%13s  %7s  %11s         ----\n", name, pages < 0 ? "?" : pages, size(pages, r.pageSize())));
    }

    /** A row with its share of OF (crash: integer percent, 0 when either is 0). */
    private static void part(StringBuilder sb, String name, long pages, long of, String ofName, Rows r) {
        String pct = pages < 0 || of < 0 ? "  ?" : Fmt.format("%3d", pages == 0 || of == 0 ? 0 : pages * 100 / of);
        sb.append(Fmt.format("%13s  %7s  %11s  %s%% of %s\n", name, pages < 0 ? "?" : pages, size(pages, r.pageSize()), pct, ofName));
    }

    /** crash's pages_to_size: "0", "N KB", "N.N MB", "N.N GB", a ".0" dropped. */
    static String size(long pages, long pageSize) {
        if (pages < 0) return "?";
        if (pages == 0) return "0";
        double total = (double) pages * pageSize;
        String s;
        if (total >= 1L << 30) s = Fmt.format("%.1f GB", total / (1L << 30));
        else if (total >= 1L << 20) s = Fmt.format("%.1f MB", total / (1L << 20));
        else s = (long) (total / 1024) + " KB";
        return s.replace(".0 ", " ");
    }
}
