package io.kdx.symbols.dwarf;

import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.types.NameIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds the name index with a parallel scan: units are cut into runs of about {@link #RUN_BYTES},
 * threads take runs in order, and finished runs are merged strictly in unit order, so the first
 * definition of a name (lowest DIE offset) wins whatever the thread count. Each run's table is
 * dropped once merged, which bounds memory to the runs in flight. A struct, union or enum definition
 * whose fingerprint differs from its name's first goes into {@code alternates} (the first of each
 * fingerprint, in unit order too).
 */
final class IndexBuilder {
    static final long RUN_BYTES = 1L << 20;

    private IndexBuilder() {}

    record Result(NameIndex.Builder names, NameIndex.Builder alternates, long[] specs, int nSpecs, long dies) {}

    static Result build(DwarfSections s, Units units, int threads) throws SymbolsException {
        List<int[]> runs = new ArrayList<>();
        int from = 0;
        long bytes = 0;
        for (int u = 0; u < units.n; u++) {
            bytes += units.end[u] - units.start[u];
            if (bytes >= RUN_BYTES || u == units.n - 1) {
                runs.add(new int[] {from, u + 1});
                from = u + 1;
                bytes = 0;
            }
        }
        NameScanner[] done = new NameScanner[runs.size()];
        NameIndex.Builder global = new NameIndex.Builder(1 << 16);
        NameIndex.Builder alternates = new NameIndex.Builder(64);
        long[][] specs = {new long[256]};
        int[] nSpecs = {0};
        long[] dies = {0};
        int[] nextMerge = {0};
        AtomicInteger next = new AtomicInteger();
        SymbolsException[] failure = new SymbolsException[1];
        Runnable worker = () -> {
            long[][] hashCache = NameScanner.newHashCache();
            while (true) {
                int k = next.getAndIncrement();
                if (k >= runs.size()) return;
                synchronized (failure) {
                    if (failure[0] != null) return;
                }
                NameScanner sc = new NameScanner(s, units, hashCache);
                try {
                    sc.scan(runs.get(k)[0], runs.get(k)[1]);
                } catch (SymbolsException | RuntimeException e) {
                    synchronized (failure) {
                        if (failure[0] == null) failure[0] = e instanceof SymbolsException se ? se
                                : new SymbolsException(s.file, "corrupt DWARF: " + e);
                    }
                    return;
                }
                synchronized (done) {
                    done[k] = sc;
                    while (nextMerge[0] < done.length && done[nextMerge[0]] != null) {
                        NameScanner m = done[nextMerge[0]];
                        m.names.forEach((cat, hash, value, aux, ref) -> {
                            int at = global.put(cat, hash, value, aux, ref);
                            if (at >= 0 && global.auxAt(at) != aux && (cat == NameIndex.STRUCT || cat == NameIndex.UNION || cat == NameIndex.ENUM)) {
                                alternates.add(cat, NameScanner.alternateHash(hash, aux), value, aux, ref);
                            }
                        });
                        if (m.alternates != null) m.alternates.forEach(alternates::add);
                        if ((nSpecs[0] + m.nSpecs) * 3 > specs[0].length) {
                            specs[0] = java.util.Arrays.copyOf(specs[0], (nSpecs[0] + m.nSpecs) * 6);
                        }
                        System.arraycopy(m.specs, 0, specs[0], nSpecs[0] * 3, m.nSpecs * 3);
                        nSpecs[0] += m.nSpecs;
                        dies[0] += m.dies;
                        done[nextMerge[0]] = null;
                        nextMerge[0]++;
                    }
                }
            }
        };
        int t = Math.max(1, Math.min(threads, runs.size()));
        if (t == 1) {
            worker.run();
        } else {
            Thread[] pool = new Thread[t];
            for (int i = 0; i < t; i++) pool[i] = Thread.ofPlatform().name("kdx-dwarf-index-" + i).start(worker);
            for (Thread th : pool) {
                try {
                    th.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SymbolsException(s.file, "interrupted while indexing DWARF");
                }
            }
        }
        if (failure[0] != null) throw failure[0];
        return new Result(global, alternates, specs[0], nSpecs[0], dies[0]);
    }
}
