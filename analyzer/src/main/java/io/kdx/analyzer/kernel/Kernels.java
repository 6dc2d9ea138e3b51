package io.kdx.analyzer.kernel;

import io.kdx.analyzer.x86_64.X86_64;
import io.kdx.dump.Dump;
import io.kdx.dump.DumpException;
import io.kdx.symbols.KernelSymbols;

/** Opens the kernel model of a dump. */
public final class Kernels {
    /** Decoded pages kept per dump (16 MiB with 4 KiB pages). */
    public static final int PAGE_CACHE = 4096;

    private Kernels() {}

    /**
     * The dumped kernel seen through its own address space. The caller keeps ownership of the dump
     * and the symbols (closing the Kernel closes neither).
     *
     * @throws DumpException when the dump is of an unsupported architecture or KASLR and the page
     *                       tables cannot be found; the message names the file and the fault
     */
    public static Kernel open(Dump dump, KernelSymbols symbols) throws DumpException {
        String machine = dump.metadata() == null ? null : dump.metadata().machine();
        if (machine != null && !machine.isBlank() && !machine.equals("x86_64")) {
            throw new DumpException(dump.path(), "architecture " + machine + " is not supported (only x86_64)");
        }
        Arch arch = new X86_64();
        // Symbols read from the dump itself were read through a page cache and, without VMCOREINFO,
        // had to find the image's place: share both.
        var fromDump = symbols instanceof io.kdx.analyzer.dumpsymbols.DumpSymbols ds ? ds : null;
        PhysicalMemory mem = fromDump != null ? fromDump.memory() : new PhysicalMemory(dump, PAGE_CACHE);
        KernelLayout layout;
        try {
            layout = fromDump != null && fromDump.layout() != null ? fromDump.layout() : arch.layout(dump, symbols, mem);
        } catch (IllegalStateException e) {
            throw new DumpException(dump.path(), e.getMessage());
        }
        DumpKernel k = new DumpKernel(dump, symbols, arch, layout, mem);
        k.init();
        if (fromDump != null) fromDump.attach(k); // module types from the modules' own BTF in the dump
        return k;
    }

    /** The address translator behind a kernel from {@link #open} (benchmarks and cross-checks), or null. */
    public static AddressTranslator translator(Kernel k) {
        return k instanceof DumpKernel dk ? dk.translator() : null;
    }

    /** The physical page cache behind a kernel from {@link #open}, or null. */
    public static PhysicalMemory physicalMemory(Kernel k) {
        return k instanceof DumpKernel dk ? dk.physicalMemory() : null;
    }
}
