package io.kdx.analyzer.dumpsymbols;

import io.kdx.analyzer.kernel.KernelLayout;
import io.kdx.analyzer.kernel.PhysicalMemory;
import io.kdx.dump.Dump;
import io.kdx.dump.VmcoreInfo;
import io.kdx.symbols.SymbolsException;
import java.util.OptionalLong;

/**
 * Where the kernel image lies in a dump and where its kallsyms tables are: from VMCOREINFO when it
 * names them (KERNELOFFSET, NUMBER(phys_base), SYMBOL(kallsyms_*): 6.0 and later), else found by
 * searching physical memory ({@link ImageScan}).
 *
 * @param layout   the translation facts when the search found them (null: VMCOREINFO gives them)
 * @param kaslr    runtime minus link-time address of kernel text
 * @param physBase x86_64 phys_base
 */
record ImageLocation(KernelLayout layout, long kaslr, long physBase, Kallsyms.Tables tables) {
    /** x86_64's default link address of _text: __START_KERNEL_map + CONFIG_PHYSICAL_START (16 MiB). */
    static final long DEFAULT_TEXT = 0xffff_ffff_8100_0000L;

    static ImageLocation find(Dump dump, PhysicalMemory mem) throws SymbolsException {
        VmcoreInfo vi = dump.vmcoreinfo();
        Kallsyms.Tables t = Kallsyms.fromVmcoreinfo(vi);
        OptionalLong kaslr = vi.kernelOffset();
        if (kaslr.isEmpty() && vi.symbol("_stext").isPresent()) kaslr = OptionalLong.of(vi.symbol("_stext").getAsLong() - DEFAULT_TEXT);
        OptionalLong physBase = vi.number("phys_base");
        if (t != null && kaslr.isPresent() && physBase.isPresent()) return new ImageLocation(null, kaslr.getAsLong(), physBase.getAsLong(), t);
        return ImageScan.find(dump, mem);
    }
}
