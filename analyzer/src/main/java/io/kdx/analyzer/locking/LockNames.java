package io.kdx.analyzer.locking;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.stack.Modules;
import io.kdx.symbols.SymbolHit;

/** What a lock address is, when a symbol says so: a global of the kernel image or of a module ("name [module]"). */
public final class LockNames {
    private LockNames() {}

    /** "symbol", "symbol+0xoff" (a lock inside a global struct), "symbol [module]", or null when no symbol covers it. */
    public static String of(Kernel k, long lock) {
        try {
            SymbolHit h = k.symbols().lookup(lock - k.kaslrOffset());
            if (h != null && h.size() > 0 && h.offset() < h.size()) return h.offset() == 0 ? h.name() : h.name() + "+0x" + Long.toHexString(h.offset());
            Modules ms = Modules.of(k);
            Modules.Module m = ms.moduleHolding(lock); // a static lock is in the module's data (its own allocation from 6.4)
            if (m != null) {
                Modules.Sym s = ms.lookupObject(m, lock);
                if (s != null) {
                    long off = lock - s.value();
                    return (off == 0 ? s.name() : s.name() + "+0x" + Long.toHexString(off)) + " [" + m.name() + "]";
                }
            }
        } catch (RuntimeException e) {
            // no name: the address alone
        }
        return null;
    }
}
