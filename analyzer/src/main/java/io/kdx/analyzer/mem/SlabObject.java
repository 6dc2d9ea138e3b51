package io.kdx.analyzer.mem;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;

/**
 * The slab object an address lies in, as crash's {@code kmem ADDR} names it: the address's page
 * (through the page tables, then the page array), its head page, the slab's cache (proven to be on
 * slab_caches), and the object: slab base + red_left_pad + index * size, where size is the cache's
 * stride. The address must fall within the object's object_size bytes (not in SLUB's metadata after
 * it). Whether the object is allocated or free is not checked.
 *
 * @param cache      the kmem_cache's name
 * @param cacheAddress the struct kmem_cache
 * @param object     the object's first byte
 * @param offset     the address minus the object
 * @param objectSize the cache's object_size
 */
public record SlabObject(String cache, long cacheAddress, long object, long offset, long objectSize) {

    /** The slab object holding {@code address}, or null when it is not in one (or the dump cannot say). */
    public static SlabObject of(Kernel k, long address) {
        SlabLayout l = SlabLayout.of(k);
        if (l.problem != null) return null;
        try {
            long phys = k.translate(address);
            if (phys < 0) return null;
            long pfn = phys >>> 12;
            long page = l.vmemmap + pfn * l.pageSize;
            long head = k.readU64(page + l.compoundHead);
            if ((head & 1) != 0) page = head - 1; // a tail page: compound_head points at the head, bit 0 set
            long cache = k.readU64(page + l.slabCache);
            if (!l.isCache(cache)) return null;
            long headPfn = (page - l.vmemmap) / l.pageSize;
            long base = l.pageOffset + (headPfn << 12);
            long size = Integer.toUnsignedLong(k.readU32(cache + l.cacheSize));
            long objectSize = Integer.toUnsignedLong(k.readU32(cache + l.cacheObjectSize));
            long pad = l.cacheRedLeftPad >= 0 ? Integer.toUnsignedLong(k.readU32(cache + l.cacheRedLeftPad)) : 0;
            long va = base + (phys - (headPfn << 12)); // the address as the direct map shows it
            if (size == 0 || Long.compareUnsigned(va, base + pad) < 0) return null;
            long index = (va - base - pad) / size;
            long object = base + pad + index * size;
            long offset = va - object;
            if (offset >= objectSize) return null; // in the metadata after the object (free pointer, red zone, tracking)
            String name = k.readCString(k.readPointer(cache + l.cacheName), 64);
            return new SlabObject(name, cache, object + (address - va), offset, objectSize);
        } catch (MemoryFault f) {
            return null;
        }
    }
}
