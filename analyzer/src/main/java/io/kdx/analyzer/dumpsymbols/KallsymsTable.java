package io.kdx.analyzer.dumpsymbols;

import io.kdx.symbols.SymbolHit;

/** The kernel's kallsyms as kdx queries it: by name and by address, in link-time terms. */
interface KallsymsTable {
    /** Link-time address of the preferred symbol of that name (global over weak over local), or 0. */
    long address(String name);

    /** The symbol with the greatest start at or below {@code address} (preferred among equal starts), or null. */
    SymbolHit lookup(long address);

    /** Number of symbols. */
    int count();

    /** Symbol {@code i}'s name, 0 <= i < count(), in the table's own order. */
    String nameAt(int i);

    /** The fully decoded table (sorted and hashed, as a vmlinux's). */
    record Decoded(io.kdx.symbols.elf.SymbolTable table) implements KallsymsTable {
        @Override public long address(String name) { return table.address(name); }
        @Override public SymbolHit lookup(long address) { return table.lookup(address); }
        @Override public int count() { return table.size(); }
        @Override public String nameAt(int i) { return table.nameAt(i); }
    }
}
