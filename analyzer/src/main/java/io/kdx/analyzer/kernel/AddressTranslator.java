package io.kdx.analyzer.kernel;

/** Kernel virtual to physical addresses. Hot path: allocates nothing. */
public interface AddressTranslator {
    /** No page-table entry maps the address. */
    long UNMAPPED = -1;
    /** A page-table page on the way is itself not readable from the dump. */
    long TABLE_UNREADABLE = -2;

    /** The physical address, or {@link #UNMAPPED} / {@link #TABLE_UNREADABLE}. */
    long translate(long vaddr);

    /** Same, bypassing any cache (for benchmarks and cross-checks). */
    long translateUncached(long vaddr);

    long cacheHits();

    long cacheMisses();
}
