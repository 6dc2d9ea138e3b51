package io.kdx.analyzer.mem;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.KernelLists;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.analyzer.kernel.Unreadable;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The dump's memory summary as /proc/meminfo computes it (fs/proc/meminfo.c, 6.1): MemTotal =
 * totalram_pages; MemFree = the global NR_FREE_PAGES (vm_zone_stat); Buffers = nr_blockdev_pages()
 * (the page cache of the block devices' inodes: blockdev_superblock's s_inodes, each
 * i_mapping->nrpages); Cached = NR_FILE_PAGES (vm_node_stat) - SwapCached ({@link #swapCache}) - Buffers; Slab =
 * NR_SLAB_RECLAIMABLE_B + NR_SLAB_UNRECLAIMABLE_B (kept in pages in vm_node_stat; without the _B
 * before 5.9). Like /proc/meminfo, the global counters are read without the per-CPU deltas not yet
 * folded in. Values in kB; -1 when unknown, with the record of what could not be read in {@link #unreadable()}. Per zone: free
 * and present pages of every populated zone of every node.
 */
public record MemInfo(long memTotalKb, long memFreeKb, long buffersKb, long cachedKb, long swapCacheKb, long slabKb,
        List<Zone> zones, List<Unreadable> unreadable) {

    /** A populated zone: free and present kB (free -1 when unreadable, the record in {@link #unreadable()}). */
    public record Zone(int node, String name, long freeKb, long presentKb) {}

    /** The sentences of {@link #unreadable()}: the text output's stderr lines and JSON's {@code problems}. */
    public List<String> problems() {
        return Unreadable.texts(unreadable);
    }

    public static MemInfo read(Kernel k) {
        List<Unreadable> gaps = new ArrayList<>();
        long page = k.dump().metadata().pageSize() > 0 ? k.dump().metadata().pageSize() : 4096;
        long kb = page / 1024;
        long total = -1, free = -1, buffers = -1, cached = -1, swap = -1, slab = -1;
        long tr = k.symbol("_totalram_pages"); // atomic_long_t from 5.0; an unsigned long totalram_pages before
        String trName = tr != 0 ? "_totalram_pages" : "totalram_pages";
        if (tr == 0) tr = k.symbol("totalram_pages");
        try {
            if (tr != 0) total = k.readU64(tr) * kb;
            else gaps.add(Unreadable.of(Unreadable.MEMORY, trName, "MemTotal unknown: no totalram_pages symbol"));
        } catch (MemoryFault e) {
            gaps.add(Unreadable.of(Unreadable.MEMORY, trName, e, "MemTotal unknown: totalram_pages unreadable: " + e.getMessage()));
        }
        free = statRecord(k, "vm_zone_stat", "NR_FREE_PAGES", kb, gaps);
        long file = statRecord(k, "vm_node_stat", "NR_FILE_PAGES", kb, gaps);
        long rec = statAny(k, "vm_node_stat", kb, gaps, "NR_SLAB_RECLAIMABLE_B", "NR_SLAB_RECLAIMABLE");
        long unrec = statAny(k, "vm_node_stat", kb, gaps, "NR_SLAB_UNRECLAIMABLE_B", "NR_SLAB_UNRECLAIMABLE");
        if (rec >= 0 && unrec >= 0) slab = rec + unrec;
        buffers = buffers(k, kb, gaps);
        swap = swapCache(k, kb, gaps);
        if (file >= 0 && swap >= 0 && buffers >= 0) cached = Math.max(0, file - swap - buffers);
        return new MemInfo(total, free, buffers, cached, swap, slab, zones(k, kb, gaps), List.copyOf(gaps));
    }

    /**
     * One item of a global vm_*_stat array (atomic_long_t, indexed by the enum), times {@code kb}
     * (1 gives pages); -1 with the reason in {@code problems} when the array, the item or its page is missing.
     */
    public static long stat(Kernel k, String array, String item, long kb, List<String> problems) {
        List<Unreadable> gaps = new ArrayList<>();
        long v = statRecord(k, array, item, kb, gaps);
        problems.addAll(Unreadable.texts(gaps));
        return v;
    }

    /** The same, the gap as a record naming {@code array[item]}, built from the fault when the read faulted. */
    public static long statRecord(Kernel k, String array, String item, long kb, List<Unreadable> gaps) {
        long a = k.symbol(array);
        OptionalLong i = k.types().enumerator(item);
        String object = array + "[" + item + "]";
        if (a == 0 || i.isEmpty()) {
            gaps.add(Unreadable.of(Unreadable.MEMORY, object, item + " unknown: no " + (a == 0 ? array : "enumerator " + item)));
            return -1;
        }
        try {
            long v = k.readU64(a + 8 * i.getAsLong()); // atomic_long_t array indexed by the enum
            return Math.max(0, v) * kb; // a transiently negative global reads as 0, as global_*_page_state does
        } catch (MemoryFault e) {
            gaps.add(Unreadable.of(Unreadable.MEMORY, object, e, item + " unreadable: " + e.getMessage()));
            return -1;
        }
    }

    static long statAny(Kernel k, String array, long kb, List<Unreadable> gaps, String... items) {
        for (String it : items) if (k.types().enumerator(it).isPresent()) return statRecord(k, array, it, kb, gaps);
        gaps.add(Unreadable.of(Unreadable.MEMORY, array, "Slab unknown: none of the enumerators " + String.join(", ", items)));
        return -1;
    }

    /** More swap types than any kernel allows (MAX_SWAPFILES is 32 less the migration and hwpoison types). */
    static final int MAX_SWAPFILES = 32;
    /** One address space per 64 MiB of a swap area: 2^20 of them is 64 TiB of swap. */
    static final long MAX_SWAPPER_SPACES = 1 << 20;

    /**
     * total_swapcache_pages(), times {@code kb}: the NR_SWAPCACHE node counter where the kernel has
     * one (from 5.12, "mm: memcg: add swapcache stat for memcg v2", total_swapcache_pages() returns it);
     * before, the sum of nrpages over each swap type's address spaces (swapper_spaces[type], an array
     * of nr_swapper_spaces[type] from 4.11; one address space per type before 4.11). -1 with the record
     * when it cannot be read.
     */
    static long swapCache(Kernel k, long kb, List<Unreadable> gaps) {
        if (k.types().enumerator("NR_SWAPCACHE").isPresent()) return statRecord(k, "vm_node_stat", "NR_SWAPCACHE", kb, gaps);
        long nrSym = k.symbol("nr_swapfiles"), spacesSym = k.symbol("swapper_spaces");
        // where the walk is, to name what was read only when a read fails (no name per address space)
        int step = 0, t = 0; // step: 0 nr_swapfiles, 1 swapper_spaces[t] (before 4.11), 2 nr_swapper_spaces[t], 3 swapper_spaces[t], 4 its [j]
        long j = 0, spaces = 0, size = 0;
        try {
            int types = nrSym == 0 ? -1 : k.readU32(nrSym);
            if (types == 0) return 0; // no swap area was ever enabled: no swap cache
            if (types < 0 || types > MAX_SWAPFILES || spacesSym == 0) {
                gaps.add(Unreadable.of(Unreadable.MEMORY, "swap cache", types > MAX_SWAPFILES
                        ? "SwapCached unknown: nr_swapfiles reads " + types + ", more than a kernel allows"
                        : "SwapCached unknown: no " + (nrSym == 0 ? "nr_swapfiles" : "swapper_spaces") + " symbol"));
                return -1;
            }
            long nrpages = k.offsetOf("address_space", "nrpages");
            size = k.sizeOf("address_space");
            long nrSpacesSym = k.symbol("nr_swapper_spaces");
            long pages = 0;
            for (t = 0; t < types; t++) {
                if (nrSpacesSym == 0) { // before 4.11: swapper_spaces[MAX_SWAPFILES] of struct address_space
                    step = 1;
                    pages += k.readU64(spacesSym + t * size + nrpages);
                    continue;
                }
                step = 2;
                long n = Integer.toUnsignedLong(k.readU32(nrSpacesSym + 4L * t));
                step = 3;
                spaces = k.readPointer(spacesSym + 8L * t);
                if (n == 0 || spaces == 0) continue; // a type swapped off, or its slot never used
                if (n > MAX_SWAPPER_SPACES) {
                    gaps.add(Unreadable.of(Unreadable.MEMORY, "swap cache",
                            Fmt.format("SwapCached unknown: nr_swapper_spaces[%d] reads %d, more than any swap area needs", t, n)));
                    return -1;
                }
                step = 4;
                for (j = 0; j < n; j++) pages += k.readU64(spaces + j * size + nrpages);
            }
            return pages * kb;
        } catch (MemoryFault e) {
            String reading = switch (step) {
                case 0 -> "nr_swapfiles";
                case 1 -> Fmt.format("swapper_spaces[%d].nrpages", t);
                case 2 -> Fmt.format("nr_swapper_spaces[%d]", t);
                case 3 -> Fmt.format("swapper_spaces[%d]", t);
                default -> Fmt.format("address_space 0x%x .nrpages (swapper_spaces[%d][%d])", spaces + j * size, t, j);
            };
            gaps.add(Unreadable.of(Unreadable.MEMORY, reading, e, "SwapCached unknown: " + reading + " unreadable: " + e.getMessage()));
            return -1;
        } catch (MissingTypeException e) {
            gaps.add(Unreadable.of(Unreadable.MEMORY, "swap cache", "SwapCached unknown: " + e.getMessage()));
            return -1;
        }
    }

    /** nr_blockdev_pages(): the block device inodes' page cache. */
    static long buffers(Kernel k, long kb, List<Unreadable> gaps) {
        long bs = k.symbol("blockdev_superblock");
        if (bs == 0) {
            gaps.add(Unreadable.of(Unreadable.MEMORY, "blockdev_superblock", "Buffers unknown: no blockdev_superblock"));
            return -1;
        }
        String[] reading = {"blockdev_superblock"};
        try {
            long sb = k.readPointer(bs);
            long sInodes = k.offsetOf("super_block", "s_inodes");
            long iSbList = k.offsetOf("inode", "i_sb_list");
            long iMapping = k.offsetOf("inode", "i_mapping");
            long nrpages = k.offsetOf("address_space", "nrpages");
            long[] sum = {0};
            String list = Fmt.format("inode list of super_block 0x%x (blockdev_superblock) .s_inodes", sb);
            reading[0] = list;
            // what was being read is named only when a read fails (a name per inode would cost a format each)
            KernelLists.Walk w = KernelLists.listForEach(k, sb + sInodes, iSbList, KernelLists.DEFAULT_CAP, inode -> {
                long m;
                try {
                    m = k.readPointer(inode + iMapping);
                } catch (MemoryFault f) {
                    reading[0] = Fmt.format("inode 0x%x .i_mapping", inode);
                    throw f;
                }
                try {
                    if (m != 0) sum[0] += k.readU64(m + nrpages);
                } catch (MemoryFault f) {
                    reading[0] = Fmt.format("address_space 0x%x .nrpages", m);
                    throw f;
                }
                return true;
            });
            if (!w.complete()) {
                gaps.add(Unreadable.of(Unreadable.MEMORY, reading[0], w, "Buffers unknown: the block device inode list is cut: " + w.note()));
                return -1;
            }
            return sum[0] * kb;
        } catch (MemoryFault | MissingTypeException e) {
            gaps.add(Unreadable.of(Unreadable.MEMORY, reading[0], e, "Buffers unknown: " + e.getMessage()));
            return -1;
        }
    }

    /**
     * Free and present pages of each populated zone (node_data[] or contig_page_data). A zone whose
     * free count cannot be read is listed with it unknown; a node or zone that cannot be read is a
     * record and the others are still read.
     */
    static List<Zone> zones(Kernel k, long kb, List<Unreadable> gaps) {
        List<Zone> out = new ArrayList<>();
        long nodeZones, zoneSize, nrZones, vmStat, present, name;
        try {
            nodeZones = k.offsetOf("pglist_data", "node_zones");
            zoneSize = k.sizeOf("zone");
            nrZones = k.offsetOf("pglist_data", "nr_zones");
            vmStat = k.offsetOf("zone", "vm_stat");
            present = k.offsetOf("zone", "present_pages");
            name = k.offsetOf("zone", "name");
        } catch (MissingTypeException e) {
            gaps.add(Unreadable.of(Unreadable.MEMORY, "struct zone", e, "per-zone counters unreadable: " + e.getMessage()));
            return List.of();
        }
        OptionalLong freeIdx = k.types().enumerator("NR_FREE_PAGES");
        List<Long> nodes = new ArrayList<>();
        long nd = k.symbol("node_data");
        if (nd != 0) {
            for (int i = 0; i < 64; i++) { // MAX_NUMNODES is larger; the populated ones come first on x86_64
                try {
                    long p = k.readPointer(nd + 8L * i);
                    if (p == 0) break;
                    nodes.add(p);
                } catch (MemoryFault e) {
                    gaps.add(Unreadable.of(Unreadable.MEMORY, "node_data[" + i + "]", e,
                            "per-zone counters unreadable from node " + i + " on: " + e.getMessage()));
                    break;
                }
            }
        } else if (k.symbol("contig_page_data") != 0) {
            nodes.add(k.symbol("contig_page_data"));
        }
        for (int n = 0; n < nodes.size(); n++) {
            long pg = nodes.get(n);
            int zs;
            try {
                zs = k.readU32(pg + nrZones);
            } catch (MemoryFault e) {
                gaps.add(Unreadable.of(Unreadable.MEMORY, Fmt.format("pglist_data 0x%x .nr_zones (node %d)", pg, n), e,
                        "the zones of node " + n + " unreadable: " + e.getMessage()));
                continue;
            }
            for (int z = 0; z < zs && z < 8; z++) {
                long zone = pg + nodeZones + z * zoneSize;
                String object = Fmt.format("zone 0x%x (node %d, zone %d)", zone, n, z);
                try {
                    long pres = k.readU64(zone + present);
                    if (pres == 0) continue;
                    String zn = k.readCString(k.readPointer(zone + name), 32);
                    long f = -1;
                    if (freeIdx.isPresent()) {
                        try {
                            f = k.readU64(zone + vmStat + 8 * freeIdx.getAsLong());
                        } catch (MemoryFault e) {
                            gaps.add(Unreadable.of(Unreadable.MEMORY, object + " .vm_stat[NR_FREE_PAGES]", e,
                                    "free pages of node " + n + " zone " + zn + " unreadable: " + e.getMessage()));
                        }
                    }
                    out.add(new Zone(n, zn, f < 0 ? -1 : f * kb, pres * kb));
                } catch (MemoryFault e) {
                    gaps.add(Unreadable.of(Unreadable.MEMORY, object, e, "zone " + z + " of node " + n + " unreadable: " + e.getMessage()));
                }
            }
        }
        return List.copyOf(out);
    }
}
