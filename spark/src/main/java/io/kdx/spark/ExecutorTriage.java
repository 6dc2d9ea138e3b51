package io.kdx.spark;

import io.kdx.analyzer.batch.AnalyzeTriage;
import io.kdx.analyzer.batch.Triage;
import io.kdx.analyzer.kernel.DumpIdentity;
import io.kdx.dump.Dump;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.SparkFiles;

/**
 * The triage of one executor JVM, shared by all its tasks: {@code kdx batch}'s
 * {@link AnalyzeTriage}, which opens a kernel build's symbols once and keeps them for every later
 * dump of that build. Kept for the JVM's life, so a thousand dumps of one kernel on an executor
 * map its pack once, whatever the number of tasks.
 *
 * <p>The shipped symbols are one pack or vmlinux (or a directory holding one), used for every dump
 * as {@code kdx batch -s} uses it; or a directory laid out as kdx's pack cache
 * ({@code BUILD-ID/vmlinux-RELEASE.kdxsym}, e.g. a copy of ~/.cache/kdx/symbols), from which each
 * dump gets the pack of its own build (VMCOREINFO BUILD-ID), falling back to the executor's own
 * search by build-id when the directory has none for it.
 */
final class ExecutorTriage {
    private static final Pattern BUILD_ID = Pattern.compile("[0-9a-f]{16,64}");
    private static final Map<String, AnalyzeTriage> BY_SYMBOLS = new ConcurrentHashMap<>();
    private static final Map<String, Triage> BY_SHIPPED = new ConcurrentHashMap<>();

    private ExecutorTriage() {}

    static Triage forSymbols(String shippedName) {
        if (shippedName == null) return analyzeTriage(null);
        return BY_SHIPPED.computeIfAbsent(shippedName, n -> {
            Path shipped = Path.of(SparkFiles.get(n));
            return isPackCache(shipped) ? byBuild(shipped) : analyzeTriage(shipped);
        });
    }

    private static AnalyzeTriage analyzeTriage(Path symbols) {
        return BY_SYMBOLS.computeIfAbsent(symbols == null ? "" : symbols.toString(),
                k -> new AnalyzeTriage(k.isEmpty() ? null : Path.of(k)));
    }

    /** A triage that picks, per dump, the pack of its build from a pack-cache directory. */
    private static Triage byBuild(Path packs) {
        return (file, name) -> {
            String buildId;
            try (Dump dump = Dump.open(file)) {
                buildId = DumpIdentity.buildId(dump);
            }
            Path pack = buildId == null ? null : packOf(packs, buildId.strip().toLowerCase(java.util.Locale.ROOT)).orElse(null);
            return analyzeTriage(pack).triage(file, name);
        };
    }

    static boolean isPackCache(Path dir) {
        if (!Files.isDirectory(dir)) return false;
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> Files.isDirectory(p) && BUILD_ID.matcher(p.getFileName().toString()).matches());
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<Path> packOf(Path packs, String buildId) {
        Path dir = packs.resolve(buildId);
        if (!BUILD_ID.matcher(buildId).matches() || !Files.isDirectory(dir)) return Optional.empty();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".kdxsym")).sorted().findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
