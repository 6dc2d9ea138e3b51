package io.kdx.symbols;

/** The kernel's ORC unwind table, in one form whatever the kernel version's entry layout. */
public interface OrcTable {
    /**
     * Fills {@code out} with the row that covers the link-time instruction address {@code ip}.
     * Returns false when no row covers it (outside kernel text). Allocates nothing.
     */
    boolean find(long ip, OrcRow out);

    /** Number of rows. */
    int size();
}
