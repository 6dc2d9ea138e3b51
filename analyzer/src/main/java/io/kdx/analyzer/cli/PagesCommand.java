package io.kdx.analyzer.cli;

import io.kdx.analyzer.text.Fmt;
import io.kdx.dump.Dump;
import io.kdx.dump.PageState;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kdx pages}: reads every present page once, in parallel, and prints the speed and a digest of
 * the physical memory.
 *
 * <p>The digest is the sum modulo 2^64, over every readable pfn whose page is not all zeros, of a 64-bit
 * hash of (pfn, page bytes). All-zero pages are skipped, so a dump that stores zero pages (ELF) and one
 * that excludes them (makedumpfile -d 1) of the same memory give the same digest; so do the normal,
 * flattened and split forms of one kdump. Dumps filtered further (-d 31) leave out non-zero pages and
 * differ, as they should. QEMU's ELF dumps also hold the firmware ROM (SeaBIOS at 0xfffc0000), which
 * makedumpfile's kdump leaves out (its max_mapnr ends with the kernel's RAM): compare those with
 * {@code --below-pfn} set to the kdump's max pfn.
 */
@Command(name = "pages", mixinStandardHelpOptions = true,
        description = {"Read every present page once in parallel; print pages/s, MB/s (10^6 bytes) and a digest of the "
                + "physical memory that is the same whatever format holds the same memory (sum over non-zero pages "
                + "of a hash of pfn and bytes).",
                "JSON keys: pages, zero_pages, lost_pages, corrupt_pages, bytes, seconds, pages_per_s, mb_per_s, digest, jobs, cache_hits, cache_misses."})
public final class PagesCommand extends DumpCommand {
    private static final long CHUNK = 1 << 10; // small enough to balance threads on a 256 MiB guest

    @Option(names = "--jobs", paramLabel = "N", description = "threads (default: the number of processors)")
    int jobs = Runtime.getRuntime().availableProcessors();

    @Option(names = "--below-pfn", paramLabel = "N", description = "count and digest only pfns below N (e.g. a kdump's max pfn, "
            + "to compare with a QEMU ELF dump that also holds the firmware ROM below 4 GiB)")
    long belowPfn = Long.MAX_VALUE;

    @Override
    protected int run(Dump dump) throws Exception {
        if (jobs < 1) throw new InputException("--jobs must be at least 1");
        AtomicLong next = new AtomicLong(), pages = new AtomicLong(), zeros = new AtomicLong(), lost = new AtomicLong(),
                corrupt = new AtomicLong(), digest = new AtomicLong();
        AtomicReference<Throwable> firstError = new AtomicReference<>();
        long max = Math.min(dump.maxPfn(), belowPfn);
        int ps = dump.pageSize();
        long t0 = System.nanoTime();
        Thread[] threads = new Thread[jobs];
        for (int t = 0; t < jobs; t++) {
            threads[t] = Thread.ofPlatform().start(() -> {
                MemorySegment buf = Arena.ofAuto().allocate(ps, 64);
                long n = 0, z = 0, l = 0, bad = 0, sum = 0;
                for (long c0; (c0 = next.get()) < max; ) {
                    // skip the holes the dump describes nothing in (a sparse ELF: costs follow what it holds)
                    long c = Math.min(max, Math.max(c0, dump.nextDescribedPfn(c0)));
                    long end = Math.min(max, c + CHUNK);
                    if (!next.compareAndSet(c0, end)) continue;
                    for (long pfn = c; pfn < end; pfn++) {
                        PageState st;
                        try {
                            st = dump.readPage(pfn, buf);
                        } catch (Exception e) {
                            bad++;
                            firstError.compareAndSet(null, e);
                            continue;
                        }
                        if (st == PageState.LOST) l++;
                        if (!st.readable()) continue;
                        n++;
                        long h = hash(pfn, buf, ps);
                        if (h == 0) z++;
                        sum += h;
                    }
                }
                pages.addAndGet(n);
                zeros.addAndGet(z);
                lost.addAndGet(l);
                corrupt.addAndGet(bad);
                digest.addAndGet(sum);
            });
        }
        for (Thread t : threads) t.join();
        double secs = (System.nanoTime() - t0) / 1e9;
        long bytes = pages.get() * ps;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pages", pages.get());
        m.put("zero_pages", zeros.get());
        m.put("lost_pages", lost.get());
        m.put("corrupt_pages", corrupt.get());
        m.put("bytes", bytes);
        m.put("seconds", secs);
        m.put("pages_per_s", Math.round(pages.get() / secs));
        m.put("mb_per_s", Math.round(bytes / secs / 1e6 * 10) / 10.0);
        m.put("digest", Fmt.format("%016x", digest.get()));
        m.put("jobs", jobs);
        m.put("below_pfn", max);
        m.put("cache_hits", dump.cacheStats().hits());
        m.put("cache_misses", dump.cacheStats().misses());
        if (json) {
            out().println(Json.MAPPER.writeValueAsString(m));
        } else {
            out().print(Fmt.format("%d pages (%d zero, %d lost) in %.3f s with %d threads: %d pages/s, %.1f MB/s%ndigest %016x%n",
                    pages.get(), zeros.get(), lost.get(), secs, jobs, m.get("pages_per_s"), (double) m.get("mb_per_s"), digest.get()));
        }
        if (firstError.get() != null) {
            System.err.println("kdx: " + corrupt.get() + " corrupt pages; the first: " + firstError.get().getMessage());
            return ExitCodes.BAD_INPUT;
        }
        return ExitCodes.OK;
    }

    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long P1 = 0x9E3779B97F4A7C15L, P2 = 0xC2B2AE3D27D4EB4FL, P3 = 0x165667B19E3779F9L, P4 = 0x85EBCA77C2B2AE63L;

    /**
     * The page's hash: 0 for an all-zero page (so it adds nothing), otherwise four multiply-rotate lanes
     * over the little-endian words, seeded with the pfn, and a final avalanche (never 0).
     */
    static long hash(long pfn, MemorySegment page, int size) {
        long a = pfn ^ P1, b = pfn ^ P2, c = pfn ^ P3, d = pfn ^ P4, or = 0;
        for (int i = 0; i < size; i += 32) {
            long w0 = page.get(WORD, i), w1 = page.get(WORD, i + 8), w2 = page.get(WORD, i + 16), w3 = page.get(WORD, i + 24);
            or |= w0 | w1 | w2 | w3;
            a = Long.rotateLeft(a + w0 * P2, 31) * P1;
            b = Long.rotateLeft(b + w1 * P2, 31) * P1;
            c = Long.rotateLeft(c + w2 * P2, 31) * P1;
            d = Long.rotateLeft(d + w3 * P2, 31) * P1;
        }
        if (or == 0) return 0;
        long h = Long.rotateLeft(a, 1) + Long.rotateLeft(b, 7) + Long.rotateLeft(c, 12) + Long.rotateLeft(d, 18);
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        h ^= h >>> 32;
        return h == 0 ? 1 : h;
    }
}
