package io.kdx.dump.cache;

import io.kdx.dump.PageCacheStats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.StampedLock;

/**
 * A bounded cache of decompressed pages keyed by pfn, shared by threads without one global lock: the
 * pages live off-heap, each way's page allocated at the first put into it, grouped into small sets (up to 8
 * ways) each with its own {@link StampedLock}; a lookup is an optimistic read validated after the copy.
 *
 * <p>One allocation per way, not slabs of many sets: the arena zeroes what it allocates, and the pages a
 * short command reads (a few hundred, spread by the hash over most sets) used to touch nearly every 2 MiB
 * slab: `kdx analyze` zeroed about 32 MiB to cache 1.5 MiB, some 20 ms of its CPU (issue #13's profile).
 *
 * <p>Scan resistance: a new page enters with frequency 0 and replaces the way of lowest frequency;
 * a hit raises the way's frequency (up to 3); frequencies age only when every way of the set is hot.
 * So a sequential scan churns through the cold ways and leaves the pages that are read repeatedly.
 */
public final class PageCache {
    private static final int MAX_WAYS = 8, MAX_FREQ = 3;

    private final int pageSize, ways, sets;
    private final Arena arena;
    /** Off-heap page storage, one page per way, allocated at the first put into the way (opening stays cheap). */
    private final MemorySegment[] pages;
    private final long[] keys; // pfn + 1; 0 = empty
    private final byte[] freq;
    private final StampedLock[] locks;
    private final LongAdder hits = new LongAdder(), misses = new LongAdder();

    /** A cache of {@code capacityPages} pages (0 disables it), allocated in {@code arena}. */
    public PageCache(Arena arena, int pageSize, int capacityPages) {
        this.pageSize = pageSize;
        this.ways = Math.max(1, Math.min(MAX_WAYS, capacityPages));
        this.sets = capacityPages == 0 ? 0 : Math.max(1, capacityPages / ways);
        int cap = sets * ways;
        this.arena = arena;
        this.pages = new MemorySegment[cap];
        this.keys = new long[cap];
        this.freq = new byte[cap];
        this.locks = new StampedLock[sets];
        for (int i = 0; i < sets; i++) locks[i] = new StampedLock();
    }

    public int capacity() {
        return sets * ways;
    }

    private int set(long pfn) {
        long h = pfn * 0x9E3779B97F4A7C15L;
        return (int) ((h >>> 32) % sets);
    }

    /** Copies the cached page of {@code pfn} into {@code dst} and returns true, or returns false (a miss). */
    public boolean get(long pfn, MemorySegment dst) {
        if (sets == 0) {
            misses.increment();
            return false;
        }
        int s = set(pfn);
        StampedLock lock = locks[s];
        long stamp = lock.tryOptimisticRead();
        int way = lookup(s, pfn);
        if (way >= 0) copyOut(way, dst);
        if (!lock.validate(stamp)) {
            stamp = lock.readLock();
            try {
                way = lookup(s, pfn);
                if (way >= 0) copyOut(way, dst);
            } finally {
                lock.unlockRead(stamp);
            }
        }
        if (way < 0) {
            misses.increment();
            return false;
        }
        if (freq[way] < MAX_FREQ) freq[way]++; // a racy increment loses at worst one count
        hits.increment();
        return true;
    }

    private void copyOut(int way, MemorySegment dst) {
        MemorySegment page = pages[way];
        if (page == null) return; // only under a failed optimistic read: validate() rejects it
        MemorySegment.copy(page, 0, dst, 0, pageSize);
    }

    /** The way's page storage, allocated now if the way was never used (the caller holds its set's write lock). */
    private MemorySegment page(int way) {
        MemorySegment m = pages[way];
        if (m == null) {
            m = arena.allocate(pageSize, 64);
            pages[way] = m;
        }
        return m;
    }

    private int lookup(int s, long pfn) {
        long key = pfn + 1;
        int base = s * ways;
        for (int i = base; i < base + ways; i++) if (keys[i] == key) return i;
        return -1;
    }

    /** Stores {@code page[0, pageSize)} as the page of {@code pfn}. */
    public void put(long pfn, byte[] page) {
        if (sets == 0) return;
        int s = set(pfn);
        StampedLock lock = locks[s];
        long stamp = lock.writeLock();
        try {
            if (lookup(s, pfn) >= 0) return;
            int base = s * ways, victim = base;
            for (int i = base; i < base + ways; i++) {
                if (keys[i] == 0) { victim = i; break; }
                if (freq[i] < freq[victim]) victim = i;
            }
            if (keys[victim] != 0 && freq[victim] > 0) { // every way is hot: age them all
                for (int i = base; i < base + ways; i++) freq[i]--;
            }
            keys[victim] = 0;
            MemorySegment.copy(page, 0, page(victim), ValueLayout.JAVA_BYTE, 0, pageSize);
            freq[victim] = 0;
            keys[victim] = pfn + 1;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    public PageCacheStats stats() {
        return new PageCacheStats(hits.sum(), misses.sum(), capacity());
    }
}
