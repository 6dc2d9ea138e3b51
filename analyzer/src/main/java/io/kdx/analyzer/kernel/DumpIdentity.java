package io.kdx.analyzer.kernel;

import io.kdx.dump.Dump;
import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.SymbolLocator;
import io.kdx.symbols.SymbolsException;
import java.nio.file.Path;

/**
 * Which kernel build a dump holds, as the dump says it (VMCOREINFO BUILD-ID and OSRELEASE, else
 * the kdump header's utsname release), and the symbols that match it. One place for what the
 * command line and the batch engine both need before a {@link Kernel} can be opened.
 */
public final class DumpIdentity {
    private DumpIdentity() {}

    /** VMCOREINFO BUILD-ID, or null. */
    public static String buildId(Dump dump) {
        return dump.vmcoreinfo().buildId();
    }

    /** VMCOREINFO OSRELEASE, else the dump header's release; null when neither says. */
    public static String release(Dump dump) {
        String r = dump.vmcoreinfo().osRelease();
        if (r == null && dump.metadata() != null) r = dump.metadata().release();
        return r == null || r.isBlank() ? null : r;
    }

    /** {@code explicit} when given (checked against the dump), else the first matching symbols the locator finds. */
    public static KernelSymbols locateSymbols(SymbolLocator locator, Path explicit, Dump dump) throws SymbolsException {
        return locator.locate(explicit, buildId(dump), release(dump), null);
    }
}
