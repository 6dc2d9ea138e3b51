package io.kdx.dump;

/**
 * How a dump is opened. {@code chunkSize} is the size of each memory-mapped window of a file (a power of
 * two; big files are mapped in several windows so that files of hundreds of GiB work); {@code cachePages}
 * bounds the shared cache of decompressed pages. Tests set both tiny (system properties
 * {@code kdx.dump.chunkSize} and {@code kdx.dump.cachePages}) so that every boundary path runs.
 */
public record DumpOptions(long chunkSize, int cachePages) {
    public static final long DEFAULT_CHUNK_SIZE = 1L << 30;
    public static final int DEFAULT_CACHE_PAGES = 8192;

    public DumpOptions {
        if (chunkSize < 8 || Long.bitCount(chunkSize) != 1) {
            throw new IllegalArgumentException("chunkSize must be a power of two >= 8: " + chunkSize);
        }
        if (cachePages < 0) throw new IllegalArgumentException("cachePages must be >= 0: " + cachePages);
    }

    /** The defaults, overridden by the system properties kdx.dump.chunkSize and kdx.dump.cachePages. */
    public static DumpOptions defaults() {
        return new DumpOptions(
                Long.getLong("kdx.dump.chunkSize", DEFAULT_CHUNK_SIZE),
                Integer.getInteger("kdx.dump.cachePages", DEFAULT_CACHE_PAGES));
    }
}
