package io.kdx.dump;

/** Counters of a dump's cache of decompressed pages. */
public record PageCacheStats(long hits, long misses, int capacityPages) {
    public static final PageCacheStats NONE = new PageCacheStats(0, 0, 0);
}
