package io.kdx.analyzer.dumpsymbols;

import io.kdx.analyzer.kernel.PhysicalMemory;
import io.kdx.dump.Dump;
import io.kdx.symbols.SymbolsException;

/** Finds the kernel image and its kallsyms tables in a dump whose VMCOREINFO does not name them. */
final class ImageScan {
    private ImageScan() {}

    static ImageLocation find(Dump dump, PhysicalMemory mem) throws SymbolsException {
        throw new SymbolsException(dump.path(), dump.vmcoreinfo().isEmpty()
                ? "the dump has no VMCOREINFO, so kdx cannot find the kernel's own symbol tables in it; give its vmlinux or a symbol pack with -s"
                : "VMCOREINFO names no kallsyms tables (kernels before 6.0), so kdx cannot read the kernel's own symbols; give its vmlinux or a symbol pack with -s");
    }
}
