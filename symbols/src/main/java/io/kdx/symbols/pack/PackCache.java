package io.kdx.symbols.pack;

import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.VmlinuxSymbols;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pack cache: {@code $KDX_CACHE_DIR/symbols/<build-id>/vmlinux-<release>.kdxsym}, where the
 * cache directory ($KDX_CACHE_DIR or the property kdx.cache.dir) defaults to {@code $XDG_CACHE_HOME/kdx} or {@code ~/.cache/kdx}. A vmlinux's first
 * use writes its pack there; later uses of any dump of that build skip the DWARF scan. Set
 * {@code KDX_SYMBOL_CACHE=off} (or the system property {@code kdx.symbols.cache=off}) to disable.
 */
public final class PackCache {
    private PackCache() {}

    public static boolean enabled() {
        String p = System.getProperty("kdx.symbols.cache", System.getenv("KDX_SYMBOL_CACHE"));
        return p == null || !(p.equalsIgnoreCase("off") || p.equals("0") || p.equalsIgnoreCase("false"));
    }

    public static Path root() {
        String dir = System.getProperty("kdx.cache.dir", System.getenv("KDX_CACHE_DIR"));
        if (dir != null && !dir.isBlank()) return Path.of(dir).resolve("symbols");
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("kdx").resolve("symbols");
    }

    /** Directory of one build's packs; null when the build-id is unusable as a name. */
    public static Path dirFor(String buildId) {
        if (buildId == null || !buildId.matches("[0-9a-f]{8,128}")) return null;
        return root().resolve(buildId);
    }

    /** The cached pack for a build, or null when there is none. */
    public static Path find(String buildId, String release) {
        Path dir = dirFor(buildId);
        if (dir == null || !Files.isDirectory(dir)) return null;
        Path named = release == null ? null : dir.resolve(fileName(release)), found = null;
        // one pass over the directory: it finds the pack and drops writers' stale temporaries. A
        // DirectoryStream loop rather than a Files.list stream: this runs at every warm start, and the
        // stream's lambdas are spun at run time there (the AOT cache's training reads no pack)
        Path first = null;
        long hourAgo = System.currentTimeMillis() - 3_600_000;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                if (n.endsWith(PackSymbols.EXTENSION)) {
                    if (f.equals(named)) found = f; // the pack of that release: the answer
                    if (first == null || f.compareTo(first) < 0) first = f;
                } else if (n.startsWith(".kdxsym-") && n.endsWith(".tmp")) {
                    removeIfStale(f, hourAgo);
                }
            }
        } catch (java.io.IOException e) {
            return null;
        }
        return found != null ? found : first;
    }

    /** A temporary file of a writer that died (a JVM that exited mid-write) older than an hour. */
    private static void removeIfStale(Path f, long hourAgo) {
        try {
            if (Files.getLastModifiedTime(f).toMillis() < hourAgo) Files.deleteIfExists(f);
        } catch (java.io.IOException e) {
            // leave it; it costs only disk space
        }
    }

    static String fileName(String release) {
        String r = release == null ? "unknown" : release.replaceAll("[^A-Za-z0-9._+-]", "_");
        return "vmlinux-" + r + PackSymbols.EXTENSION;
    }

    /** Writes the pack of an indexed vmlinux into the cache; returns its path. */
    public static Path store(VmlinuxSymbols vmlinux) throws SymbolsException {
        Path dir = dirFor(vmlinux.buildId());
        if (dir == null) throw new SymbolsException(vmlinux.source(), "no build-id: cannot cache a symbol pack for it");
        Path out = dir.resolve(fileName(vmlinux.release()));
        PackWriter.write(vmlinux, out);
        return out;
    }
}
