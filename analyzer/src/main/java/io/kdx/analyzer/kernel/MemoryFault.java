package io.kdx.analyzer.kernel;

import io.kdx.analyzer.text.Fmt;
import io.kdx.dump.PageState;

/**
 * A kernel virtual address that cannot be read from this dump, and why, as the page says it: the
 * start of the typed channel of what could not be read (issue #12). Whoever catches it hands on an
 * {@link Unreadable} record built from it ({@link Unreadable#of(String, String, MemoryFault, String)}),
 * so the report's address and page state are the fault's own, not parsed back from a sentence.
 */
public final class MemoryFault extends RuntimeException {
    /** {@link #pageState()} values, as the JSON records print them. */
    public static final String EXCLUDED = "excluded", ABSENT = "absent", BEYOND_END = "beyond-end", CORRUPT = "corrupt",
            PAGE_TABLE = "page-table", UNMAPPED = "unmapped";

    private final long address;
    private final PageState state;
    private final String pageState;

    /** A fault on a page the dump describes, in state {@code state} (null: the address is not mapped). */
    public MemoryFault(long address, PageState state, String what) {
        this(address, state, nameOf(state, false), what);
    }

    /**
     * A fault with its page state named: {@link #PAGE_TABLE} (a page-table page on the way is
     * unreadable), {@link #UNMAPPED}, or {@link #BEYOND_END} (a lost page past a truncated file's end).
     */
    public MemoryFault(long address, PageState state, String pageState, String what) {
        super(Fmt.format("0x%016x: %s", address, what), null, false, false);
        this.address = address;
        this.state = state;
        this.pageState = pageState;
    }

    public long address() {
        return address;
    }

    /** What the dump says of the page (EXCLUDED, LOST, NOT_IN_DUMP, CORRUPT), or null when unmapped. */
    public PageState state() {
        return state;
    }

    /**
     * The page's state as the records name it: {@code excluded} (filtered out by makedumpfile -d),
     * {@code absent} (not in the dump: lost, or no RAM there), {@code beyond-end} (lost because the
     * file ends before it), {@code corrupt} (stored but not decodable), {@code page-table} (a
     * page-table page on the way is unreadable), {@code unmapped} (no kernel mapping).
     */
    public String pageState() {
        return pageState;
    }

    /** The record name of a page state; a lost page is {@code beyond-end} in a truncated dump. */
    public static String nameOf(PageState s, boolean truncated) {
        if (s == null) return UNMAPPED;
        return switch (s) {
            case EXCLUDED -> EXCLUDED;
            case LOST -> truncated ? BEYOND_END : ABSENT;
            case NOT_IN_DUMP -> ABSENT;
            // stored, yet the read failed: the page's data did not decode
            case CORRUPT, PRESENT, ZERO -> CORRUPT;
        };
    }
}
