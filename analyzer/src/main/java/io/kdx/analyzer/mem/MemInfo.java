package io.kdx.analyzer.mem;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.KernelLists;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.MissingTypeException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The dump's memory summary as /proc/meminfo computes it (fs/proc/meminfo.c, 6.1): MemTotal =
 * totalram_pages; MemFree = the global NR_FREE_PAGES (vm_zone_stat); Buffers = nr_blockdev_pages()
 * (the page cache of the block devices' inodes: blockdev_superblock's s_inodes, each
 * i_mapping->nrpages); Cached = NR_FILE_PAGES (vm_node_stat) - the swap cache - Buffers; Slab =
 * NR_SLAB_RECLAIMABLE_B + NR_SLAB_UNRECLAIMABLE_B (kept in pages in vm_node_stat; without the _B
 * before 5.9). Like /proc/meminfo, the global counters are read without the per-CPU deltas not yet
 * folded in. Values in kB; -1 when unknown, with the reason in {@link #problems()}. Per zone: free
 * and present pages of every populated zone of every node.
 */
public record MemInfo(long memTotalKb, long memFreeKb, long buffersKb, long cachedKb, long swapCacheKb, long slabKb,
        List<Zone> zones, List<String> problems) {

    public record Zone(int node, String name, long freeKb, long presentKb) {}

    public static MemInfo read(Kernel k) {
        List<String> problems = new ArrayList<>();
        long page = k.dump().metadata().pageSize() > 0 ? k.dump().metadata().pageSize() : 4096;
        long kb = page / 1024;
        long total = -1, free = -1, buffers = -1, cached = -1, swap = -1, slab = -1;
        try {
            long tr = k.symbol("_totalram_pages"); // atomic_long_t from 5.0; an unsigned long totalram_pages before
            if (tr == 0) tr = k.symbol("totalram_pages");
            if (tr != 0) total = k.readU64(tr) * kb;
            else problems.add("MemTotal unknown: no totalram_pages symbol");
        } catch (MemoryFault e) {
            problems.add("MemTotal unknown: totalram_pages unreadable: " + e.getMessage());
        }
        free = stat(k, "vm_zone_stat", "NR_FREE_PAGES", kb, problems);
        long file = stat(k, "vm_node_stat", "NR_FILE_PAGES", kb, problems);
        long rec = statAny(k, "vm_node_stat", kb, problems, "NR_SLAB_RECLAIMABLE_B", "NR_SLAB_RECLAIMABLE");
        long unrec = statAny(k, "vm_node_stat", kb, problems, "NR_SLAB_UNRECLAIMABLE_B", "NR_SLAB_UNRECLAIMABLE");
        if (rec >= 0 && unrec >= 0) slab = rec + unrec;
        buffers = buffers(k, kb, problems);
        try {
            long nr = k.symbol("nr_swapfiles");
            if (nr != 0 && k.readU32(nr) == 0) swap = 0; // no swap area: no swap cache
            else problems.add("the swap cache is not read (a swap area is configured), so Cached is unknown");
        } catch (MemoryFault e) {
            problems.add("nr_swapfiles unreadable: " + e.getMessage());
        }
        if (file >= 0 && swap >= 0 && buffers >= 0) cached = Math.max(0, file - swap - buffers);
        return new MemInfo(total, free, buffers, cached, swap, slab, zones(k, kb, problems), List.copyOf(problems));
    }

    /**
     * One item of a global vm_*_stat array (atomic_long_t, indexed by the enum), times {@code kb}
     * (1 gives pages); -1 with the reason in {@code problems} when the array, the item or its page is missing.
     */
    public static long stat(Kernel k, String array, String item, long kb, List<String> problems) {
        long a = k.symbol(array);
        OptionalLong i = k.types().enumerator(item);
        if (a == 0 || i.isEmpty()) {
            problems.add(item + " unknown: no " + (a == 0 ? array : "enumerator " + item));
            return -1;
        }
        try {
            long v = k.readU64(a + 8 * i.getAsLong()); // atomic_long_t array indexed by the enum
            return Math.max(0, v) * kb; // a transiently negative global reads as 0, as global_*_page_state does
        } catch (MemoryFault e) {
            problems.add(item + " unreadable: " + e.getMessage());
            return -1;
        }
    }

    static long statAny(Kernel k, String array, long kb, List<String> problems, String... items) {
        for (String it : items) if (k.types().enumerator(it).isPresent()) return stat(k, array, it, kb, problems);
        problems.add("Slab unknown: none of the enumerators " + String.join(", ", items));
        return -1;
    }

    /** nr_blockdev_pages(): the block device inodes' page cache. */
    static long buffers(Kernel k, long kb, List<String> problems) {
        long bs = k.symbol("blockdev_superblock");
        if (bs == 0) {
            problems.add("Buffers unknown: no blockdev_superblock");
            return -1;
        }
        try {
            long sb = k.readPointer(bs);
            long sInodes = k.offsetOf("super_block", "s_inodes");
            long iSbList = k.offsetOf("inode", "i_sb_list");
            long iMapping = k.offsetOf("inode", "i_mapping");
            long nrpages = k.offsetOf("address_space", "nrpages");
            long[] sum = {0};
            KernelLists.Walk w = KernelLists.listForEach(k, sb + sInodes, iSbList, KernelLists.DEFAULT_CAP, inode -> {
                long m = k.readPointer(inode + iMapping);
                if (m != 0) sum[0] += k.readU64(m + nrpages);
                return true;
            });
            if (!w.complete()) {
                problems.add("Buffers unknown: the block device inode list is cut: " + w.note());
                return -1;
            }
            return sum[0] * kb;
        } catch (MemoryFault | MissingTypeException e) {
            problems.add("Buffers unknown: " + e.getMessage());
            return -1;
        }
    }

    /** Free and present pages of each populated zone (node_data[] or contig_page_data). */
    static List<Zone> zones(Kernel k, long kb, List<String> problems) {
        List<Zone> out = new ArrayList<>();
        try {
            long nodeZones = k.offsetOf("pglist_data", "node_zones");
            long zoneSize = k.sizeOf("zone");
            long nrZones = k.offsetOf("pglist_data", "nr_zones");
            long vmStat = k.offsetOf("zone", "vm_stat");
            long present = k.offsetOf("zone", "present_pages");
            long name = k.offsetOf("zone", "name");
            OptionalLong freeIdx = k.types().enumerator("NR_FREE_PAGES");
            List<Long> nodes = new ArrayList<>();
            long nd = k.symbol("node_data");
            if (nd != 0) {
                for (int i = 0; i < 64; i++) { // MAX_NUMNODES is larger; the populated ones come first on x86_64
                    long p = k.readPointer(nd + 8L * i);
                    if (p == 0) break;
                    nodes.add(p);
                }
            } else if (k.symbol("contig_page_data") != 0) {
                nodes.add(k.symbol("contig_page_data"));
            }
            for (int n = 0; n < nodes.size(); n++) {
                long pg = nodes.get(n);
                int zs = k.readU32(pg + nrZones);
                for (int z = 0; z < zs && z < 8; z++) {
                    long zone = pg + nodeZones + z * zoneSize;
                    long pres = k.readU64(zone + present);
                    if (pres == 0) continue;
                    long f = freeIdx.isPresent() ? k.readU64(zone + vmStat + 8 * freeIdx.getAsLong()) : -1;
                    out.add(new Zone(n, k.readCString(k.readPointer(zone + name), 32), f < 0 ? -1 : f * kb, pres * kb));
                }
            }
        } catch (MemoryFault | MissingTypeException e) {
            problems.add("per-zone counters unreadable: " + e.getMessage());
        }
        return List.copyOf(out);
    }
}
