package io.kdx.analyzer.batch;

import io.kdx.analyzer.diagnose.Analyzer;
import io.kdx.analyzer.diagnose.Diagnosis;
import io.kdx.analyzer.diagnose.JsonReport;
import io.kdx.analyzer.kernel.DumpIdentity;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.Kernels;
import io.kdx.dump.Dump;
import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.SymbolLocator;
import io.kdx.symbols.SymbolsException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The triage of {@code kdx batch}: {@code kdx analyze} on each dump. Symbols are opened once per
 * kernel build and shared by every dump of that build (keyed by VMCOREINFO BUILD-ID, else release),
 * so a thousand dumps of one kernel load its pack once. A dump whose build has none is analysed with
 * its own symbols (kallsyms, BTF and ORC read from it), opened for that dump alone.
 */
public final class AnalyzeTriage implements Triage, AutoCloseable {
    private final Path explicitSymbols;
    private final SymbolLocator locator = new SymbolLocator();
    private final Map<String, KernelSymbols> byBuild = new ConcurrentHashMap<>();

    public AnalyzeTriage(Path explicitSymbols) {
        this.explicitSymbols = explicitSymbols;
    }

    @Override
    public BatchResult triage(Path file, String name) throws Exception {
        try (Dump dump = Dump.open(file)) {
            KernelSymbols shared = symbolsFor(dump);
            // Symbols read from the dump itself belong to that dump (they read its memory): one each.
            KernelSymbols own = shared == null ? DumpIdentity.fromDump(dump) : null;
            try (own; Kernel kernel = Kernels.open(dump, shared != null ? shared : own)) {
                Diagnosis d = Analyzer.analyze(kernel);
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> findings = (List<Map<String, Object>>) JsonReport.of(d).get("findings");
                var md = dump.metadata();
                return new BatchResult(name, d.release(), d.verdict(), findings, md.incomplete(), md.truncated(),
                        d.unreadable(), d.seconds(), null, d.analyzed(), d.notAnalyzed(),
                        d.unreadableRecords());
            }
        }
    }

    private KernelSymbols symbolsFor(Dump dump) throws SymbolsException {
        String buildId = DumpIdentity.buildId(dump);
        String release = DumpIdentity.release(dump);
        String key = explicitSymbols != null ? "-s" : buildId != null ? buildId : String.valueOf(release);
        KernelSymbols k = byBuild.get(key);
        if (k != null) {
            SymbolLocator.checkMatch(k, buildId, release, null);
            return k;
        }
        synchronized (this) { // one load per build, even when several dumps of it start together
            k = byBuild.get(key);
            if (k == null) {
                k = explicitSymbols != null ? locator.locate(explicitSymbols, buildId, release, null) : locator.find(buildId, release, null);
                if (k == null) return null; // none for this build: the dump's own
                byBuild.put(key, k);
            } else {
                SymbolLocator.checkMatch(k, buildId, release, null);
            }
            return k;
        }
    }

    @Override
    public void close() {
        byBuild.values().forEach(KernelSymbols::close);
    }
}
