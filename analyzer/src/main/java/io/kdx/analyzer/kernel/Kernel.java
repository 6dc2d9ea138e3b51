package io.kdx.analyzer.kernel;

import io.kdx.dump.Dump;
import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.Types;

/**
 * A dumped kernel: the dump's physical memory seen through the kernel's own address space (x86_64
 * page tables, KASLR, direct map, per-CPU areas), plus its symbols and types. Every read takes a
 * kernel virtual address; an unreadable address throws {@link MemoryFault}, which says why
 * (not mapped, filtered out of the dump, lost, beyond the dump).
 * Thread-safe for reads.
 */
public interface Kernel extends AutoCloseable {

    Dump dump();

    KernelSymbols symbols();

    default Types types() {
        return symbols().types();
    }

    /** The KASLR shift of the kernel text: runtime address = link-time address + this. */
    long kaslrOffset();

    /** Runtime address of a symbol, or 0 when the kernel has no such symbol. */
    long symbol(String name);

    /** Kernel virtual address to physical address, or -1 when not mapped. */
    long translate(long vaddr);

    long readU64(long vaddr);

    int readU32(long vaddr);

    int readU16(long vaddr);

    int readU8(long vaddr);

    default long readPointer(long vaddr) {
        return readU64(vaddr);
    }

    /** Reads {@code len} bytes, crossing pages as needed. */
    void read(long vaddr, byte[] dst, int off, int len);

    /** A NUL-terminated string of at most {@code max} bytes (Latin-1/UTF-8 as stored). */
    String readCString(long vaddr, int max);

    /** Byte offset of a member path in a struct, resolved once and cached; throws {@link MissingTypeException}. */
    long offsetOf(String struct, String memberPath);

    /** Whether a struct has that member path (for members that moved or were renamed between versions). */
    boolean hasMember(String struct, String memberPath);

    /** sizeof(struct NAME); throws {@link MissingTypeException}. */
    long sizeOf(String struct);

    /** Number of possible CPUs (nr_cpu_ids, or the dump's CPU notes). */
    int nrCpus();

    /** Address of a per-CPU variable's instance on one CPU: symbol address + __per_cpu_offset[cpu]. */
    long perCpu(long percpuSymbolAddress, int cpu);

    /** The kernel release from the dump (init_uts_ns or VMCOREINFO OSRELEASE). */
    String release();

    /** Whether {@code vaddr} can be read (mapped, and its page is in the dump). */
    default boolean isReadable(long vaddr) {
        try {
            readU8(vaddr);
            return true;
        } catch (MemoryFault f) {
            return false;
        }
    }

    /** What kdx noticed while opening the dump (mismatched vmlinux, guessed values); empty when nothing. */
    default java.util.List<String> notes() {
        return java.util.List.of();
    }

    /** {@link #notes()} as typed records (kind {@code kernel}), from the faults met while opening. */
    default java.util.List<Unreadable> unreadable() {
        return notes().stream().map(n -> Unreadable.of(Unreadable.KERNEL, null, n)).toList();
    }

    /**
     * A value derived once per kernel (struct layouts resolved into offsets), keyed by its class.
     * Implementations cache it; the default computes it each time.
     */
    default <T> T cached(Class<T> key, java.util.function.Function<Kernel, T> make) {
        return make.apply(this);
    }

    @Override
    void close();
}
