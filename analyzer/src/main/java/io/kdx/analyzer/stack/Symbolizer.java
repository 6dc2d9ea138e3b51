package io.kdx.analyzer.stack;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.symbols.SymbolHit;

/** Names for runtime text addresses: the vmlinux symbols (minus KASLR), else the loaded modules' own symbols. */
final class Symbolizer {
    private final Kernel k;
    private final long textStart, textEnd;
    private final Modules modules;

    Symbolizer(Kernel k) {
        this.k = k;
        this.textStart = k.symbol("_stext");
        long e = k.symbol("_etext");
        this.textEnd = e != 0 ? e : textStart + (64L << 20);
        this.modules = Modules.of(k);
    }

    boolean isKernelText(long a) {
        return Long.compareUnsigned(a, textStart) >= 0 && Long.compareUnsigned(a, textEnd) < 0;
    }

    boolean isText(long a) {
        return isKernelText(a) || modules.moduleOf(a) != null;
    }

    Modules modules() {
        return modules;
    }

    /** (function, offset, module) for an address; function null when unknown. */
    Frame frame(int level, long sp, long address, String how) {
        if (isKernelText(address) || modules.moduleOf(address) == null) {
            SymbolHit h = k.symbols().lookup(address - k.kaslrOffset());
            if (h != null && (isKernelText(address) || h.size() == 0 || h.offset() < h.size())) {
                return new Frame(level, sp, address, h.name(), h.offset(), null, how);
            }
        }
        Modules.Module m = modules.moduleOf(address);
        if (m != null) {
            Modules.Sym s = modules.lookup(m, address);
            if (s != null) return new Frame(level, sp, address, s.name(), address - s.value(), m.name(), how);
            return new Frame(level, sp, address, null, 0, m.name(), how);
        }
        return new Frame(level, sp, address, null, 0, null, how);
    }
}
