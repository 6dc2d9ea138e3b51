package io.kdx.analyzer.log;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.StructOffsets;
import io.kdx.symbols.Member;
import io.kdx.symbols.Type;
import java.util.OptionalLong;

/**
 * Offsets and sizes of the printk structs: from DWARF when the symbols have the struct, else from
 * the VMCOREINFO the kernel exports for dump tools (OFFSET(printk_info.ts_nsec), SIZE(prb_desc) ...,
 * kernel/printk/printk.c log_buf_vmcoreinfo_setup()), through {@link StructOffsets}.
 */
final class LogLayout {
    private final Kernel kernel;

    LogLayout(Kernel kernel) {
        this.kernel = kernel;
    }

    long offset(String struct, String member) {
        return StructOffsets.offset(kernel, struct, member);
    }

    boolean has(String struct, String member) {
        return StructOffsets.has(kernel, struct, member);
    }

    long size(String struct) {
        return StructOffsets.size(kernel, struct);
    }

    /** A bit field's position as {byteOffset, bitOffset, bitSize}, or null when DWARF lacks it. */
    int[] bits(String struct, String member) {
        Type t = kernel.types() == null ? null : kernel.types().struct(struct);
        Member m = t == null ? null : t.member(member);
        if (m == null || !m.isBitField()) return null;
        return new int[] {(int) m.offset(), m.bitOffset(), m.bitSize()};
    }

    long symbol(String name) {
        long a = kernel.symbol(name);
        if (a != 0) return a;
        // VMCOREINFO's SYMBOL() values are runtime addresses: KASLR is already applied.
        OptionalLong v = vmcoreinfo().symbol(name);
        return v.isPresent() ? v.getAsLong() : 0;
    }

    private io.kdx.dump.VmcoreInfo vmcoreinfo() {
        return kernel.dump() == null ? io.kdx.dump.VmcoreInfo.EMPTY : kernel.dump().vmcoreinfo();
    }
}
