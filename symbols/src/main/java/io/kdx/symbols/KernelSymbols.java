package io.kdx.symbols;

import java.nio.file.Path;

/**
 * Everything kdx needs from one kernel build: its ELF symbols, DWARF types, ORC unwind rows and
 * identity. Addresses are link-time (unrelocated) addresses; the analyzer adds the KASLR offset.
 * Backed either by a vmlinux (indexed lazily) or by a symbol pack (memory-mapped); both answer
 * every query identically. Thread-safe.
 */
public interface KernelSymbols extends AutoCloseable {

    /** The GNU build-id as lower-case hex, or null when the file carries none. */
    String buildId();

    /** The kernel release (utsname release) as found in linux_banner, e.g. "6.1.0-56-cloud-amd64". */
    String release();

    /** The whole linux_banner string, or null. */
    String banner();

    /** Link-time address of a symbol (text or data), or 0 when there is no such symbol. */
    long address(String name);

    /** The symbol containing {@code address} (greatest symbol start <= address), or null. */
    SymbolHit lookup(long address);

    /** Whether {@link SymbolHit#size()} is known (a symbol table read from a dump's kallsyms has no sizes). */
    default boolean hasSizes() {
        return true;
    }

    /** Types, members, enumerators and global variables from DWARF. */
    Types types();

    /** ORC rows from .orc_unwind_ip / .orc_unwind, or null when the kernel has none. */
    OrcTable orc();

    /** Where this came from: the vmlinux or the pack. */
    Path source();

    @Override
    void close();

    /** Opens a vmlinux, a symbol pack, or a directory holding either. */
    static KernelSymbols open(Path path) throws SymbolsException {
        return SymbolSources.open(path);
    }
}
