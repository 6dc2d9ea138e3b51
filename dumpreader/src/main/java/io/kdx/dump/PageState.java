package io.kdx.dump;

/** What the dump says of one page frame. */
public enum PageState {
    /** Stored in the dump. */
    PRESENT,
    /** Stored as the shared zero page, or known to be all zeros. */
    ZERO,
    /** RAM that filtering (makedumpfile -d) left out. */
    EXCLUDED,
    /** Should be there but is not: an incomplete or truncated dump lost it. */
    LOST,
    /** The dump describes no RAM at this pfn (a hole, or beyond memory). */
    NOT_IN_DUMP,
    /**
     * Stored, but its bytes cannot be had: a page descriptor pointing astray, or data that does not
     * decompress to one page. {@link Dump#readPage} reports it as a {@link DumpException} naming the pfn;
     * readers of kernel memory turn that into this state, so that one bad page is one unreadable page.
     */
    CORRUPT;

    public boolean readable() {
        return this == PRESENT || this == ZERO;
    }
}
