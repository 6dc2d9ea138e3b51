package io.kdx.analyzer.stack;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.symbols.SymbolHit;

/** Names for runtime text addresses: the vmlinux symbols (minus KASLR), else the loaded modules' own symbols. */
final class Symbolizer {
    private final Kernel k;
    private final long textStart, textEnd, initStart, initEnd;
    private final Modules modules;

    Symbolizer(Kernel k) {
        this.k = k;
        this.textStart = k.symbol("_stext");
        long e = k.symbol("_etext");
        this.textEnd = e != 0 ? e : textStart + (64L << 20);
        this.initStart = k.symbol("_sinittext");
        this.initEnd = k.symbol("_einittext");
        this.modules = Modules.of(k);
    }

    /** The image's .text, or its .init.text (still on the stacks of the boot CPU's idle task). */
    boolean isKernelText(long a) {
        return Long.compareUnsigned(a, textStart) >= 0 && Long.compareUnsigned(a, textEnd) < 0
                || initStart != 0 && Long.compareUnsigned(a, initStart) >= 0 && Long.compareUnsigned(a, initEnd) < 0;
    }

    boolean isText(long a) {
        return isKernelText(a) || modules.moduleOf(a) != null;
    }

    Modules modules() {
        return modules;
    }

    /**
     * (function, offset, module) for an address; function null when unknown. A return address is
     * looked up at address - 1 (a call may be the last instruction of a function), as %pB does.
     */
    Frame frame(int level, long sp, long address, String how, boolean returnAddress) {
        long q = returnAddress ? address - 1 : address;
        int adj = returnAddress ? 1 : 0;
        if (isKernelText(address) || modules.moduleOf(address) == null) {
            SymbolHit h = k.symbols().lookup(q - k.kaslrOffset());
            if (h != null) h = new SymbolHit(h.name(), h.start(), h.size(), h.offset() + adj);
            if (h != null && (isKernelText(address) || h.size() == 0 || h.offset() - adj < h.size())) {
                return new Frame(level, sp, address, h.name(), h.offset(), null, how);
            }
        }
        Modules.Module m = modules.moduleOf(address);
        if (m != null) {
            Modules.Sym s = modules.lookup(m, q);
            if (s != null) return new Frame(level, sp, address, s.name(), address - s.value(), m.name(), how);
            return new Frame(level, sp, address, null, 0, m.name(), how);
        }
        return new Frame(level, sp, address, null, 0, null, how);
    }
}
