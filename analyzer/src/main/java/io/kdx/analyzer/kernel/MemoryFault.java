package io.kdx.analyzer.kernel;

import io.kdx.dump.PageState;

/**
 * A kernel virtual address that cannot be read from this dump. {@code state} is null when the
 * address is not mapped by the page tables, otherwise what the dump says of the physical page.
 */
public final class MemoryFault extends RuntimeException {
    private final long address;
    private final PageState state;

    public MemoryFault(long address, PageState state, String what) {
        super(String.format("0x%016x: %s", address, what), null, false, false);
        this.address = address;
        this.state = state;
    }

    public long address() {
        return address;
    }

    /** What the dump says of the page (EXCLUDED, LOST, NOT_IN_DUMP), or null when unmapped. */
    public PageState state() {
        return state;
    }
}
