package io.kdx.analyzer.kernel;

import io.kdx.analyzer.dumpsymbols.DumpSymbols;
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

    /**
     * {@code explicit} when given (checked against the dump), else the first matching symbols the
     * locator finds (the pack cache, then the debug directories), else the dump's own (kallsyms, BTF
     * and ORC read from its memory: {@link DumpSymbols}). When none serves, the locator's reason and
     * the dump's are given in one line.
     */
    public static KernelSymbols locateSymbols(SymbolLocator locator, Path explicit, Dump dump) throws SymbolsException {
        if (explicit != null) return locator.locate(explicit, buildId(dump), release(dump), null);
        KernelSymbols found = locator.find(buildId(dump), release(dump), null);
        if (found != null) return found;
        return fromDump(dump);
    }

    /** The dump's own symbols; the exception says why they cannot be read. */
    public static KernelSymbols fromDump(Dump dump) throws SymbolsException {
        return DumpSymbols.openCached(dump, new PhysicalMemory(dump, Kernels.PAGE_CACHE));
    }

    /** How a command names where its symbols came from: the file, or the dump itself. */
    public static String describe(KernelSymbols symbols) {
        return symbols instanceof DumpSymbols ? DumpSymbols.DESCRIPTION : String.valueOf(symbols.source());
    }
}
