package io.kdx.analyzer.mem;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.KernelLists;
import io.kdx.analyzer.kernel.LongSet;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.StructOffsets;

/**
 * What kdx needs of SLUB to name the object an address lies in, resolved once per kernel
 * ({@link #of}): the page array (x86_64 SPARSEMEM_VMEMMAP: {@code vmemmap_base}, randomized with
 * KASLR; {@code page_offset_base} for the direct map), {@code page.compound_head} (bit 0 marks a tail
 * page: the rest points at the head), the slab's cache pointer ({@code struct slab.slab_cache}, a
 * struct overlaying struct page since 5.17, at offset 24 in 6.1 and 8 from 6.10; {@code
 * page.slab_cache} before), the kmem_cache members (name, size = the stride with metadata,
 * object_size, red_left_pad) and the set of caches on {@code slab_caches}, by which a page's cache
 * pointer is proven to be a cache. Offsets come from the types, else VMCOREINFO ({@link StructOffsets}).
 */
public final class SlabLayout {
    /** x86_64 defaults without memory randomization (Documentation/arch/x86/x86_64/mm.rst, 4-level). */
    static final long VMEMMAP_DEFAULT = 0xffffea0000000000L, PAGE_OFFSET_DEFAULT = 0xffff888000000000L;
    /** More caches than any kernel has. */
    static final int MAX_CACHES = 1 << 14;

    public final long vmemmap, pageOffset, pageSize, compoundHead, slabCache;
    public final long cacheName, cacheSize, cacheObjectSize, cacheRedLeftPad, cacheList;
    /** The kmem_cache addresses on slab_caches; null when the list is unreadable. */
    final LongSet caches;
    /** Why a lookup cannot be made, or null. */
    public final String problem;

    SlabLayout(Kernel k) {
        vmemmap = variable(k, "vmemmap_base", VMEMMAP_DEFAULT);
        pageOffset = variable(k, "page_offset_base", PAGE_OFFSET_DEFAULT);
        pageSize = StructOffsets.optionalSize(k, "page");
        compoundHead = StructOffsets.optional(k, "page", "compound_head");
        long sc = StructOffsets.optional(k, "slab", "slab_cache");
        slabCache = sc >= 0 ? sc : StructOffsets.optional(k, "page", "slab_cache");
        cacheName = StructOffsets.optional(k, "kmem_cache", "name");
        cacheSize = StructOffsets.optional(k, "kmem_cache", "size");
        cacheObjectSize = StructOffsets.optional(k, "kmem_cache", "object_size");
        long rl = StructOffsets.optional(k, "kmem_cache", "red_left_pad");
        cacheRedLeftPad = rl;
        cacheList = StructOffsets.optional(k, "kmem_cache", "list");
        String p = null;
        LongSet set = null;
        if (pageSize <= 0 || compoundHead < 0 || slabCache < 0 || cacheName < 0 || cacheSize < 0 || cacheObjectSize < 0 || cacheList < 0) {
            p = "the SLUB structures are unknown (struct page, slab or kmem_cache members missing)";
        } else if (k.symbol("slab_caches") == 0) {
            p = "no slab_caches symbol";
        } else {
            LongSet s = new LongSet();
            KernelLists.Walk w = KernelLists.listForEach(k, k.symbol("slab_caches"), cacheList, MAX_CACHES, c -> s.add(c) || true);
            if (w.complete()) set = s;
            else p = "the slab_caches list is unreadable: " + w.note();
        }
        caches = set;
        problem = p;
    }

    public static SlabLayout of(Kernel k) {
        return k.cached(SlabLayout.class, SlabLayout::new);
    }

    boolean isCache(long cache) {
        return caches != null && cache != 0 && caches.contains(cache);
    }

    static long variable(Kernel k, String name, long dflt) {
        long a = k.symbol(name);
        if (a == 0) return dflt;
        try {
            return k.readU64(a);
        } catch (MemoryFault f) {
            return dflt;
        }
    }
}
