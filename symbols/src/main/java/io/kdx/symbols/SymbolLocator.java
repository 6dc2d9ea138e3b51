package io.kdx.symbols;

import io.kdx.symbols.pack.PackCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the symbols of a dumped kernel from what the dump says about itself (VMCOREINFO's BUILD-ID
 * and OSRELEASE, passed in as strings so that symbols does not depend on dumpreader), and refuses
 * symbols that belong to another build.
 */
public final class SymbolLocator {
    private final List<Path> debugRoots;

    /** Looks under /usr/lib/debug, the pack cache, /boot, /lib/modules and kdx's kernel cache. */
    public SymbolLocator() {
        this(List.of(Path.of("/usr/lib/debug")));
    }

    /** Looks under the given debug roots (tests use temporary ones) plus the pack cache. */
    public SymbolLocator(List<Path> debugRoots) {
        this.debugRoots = List.copyOf(debugRoots);
    }

    /** The places searched, in order: packs first (they open in milliseconds). */
    public List<Path> candidates(String buildId, String release) {
        List<Path> c = new ArrayList<>();
        Path cached = buildId == null ? null : PackCache.find(buildId, release);
        if (cached != null) c.add(cached);
        for (Path root : debugRoots) {
            if (buildId != null && buildId.length() > 2) {
                c.add(root.resolve(".build-id").resolve(buildId.substring(0, 2)).resolve(buildId.substring(2) + ".debug"));
            }
            if (release != null) {
                c.add(root.resolve("lib/modules").resolve(release).resolve("vmlinux"));
                c.add(root.resolve("boot").resolve("vmlinux-" + release));
            }
        }
        if (release != null && debugRoots.size() == 1 && debugRoots.get(0).equals(Path.of("/usr/lib/debug"))) {
            c.add(Path.of("/boot", "vmlinux-" + release));
            c.add(Path.of("/lib/modules", release, "build", "vmlinux"));
            c.add(PackCache.root().getParent().resolve("kernels").resolve(release).resolve("usr/lib/debug/boot/vmlinux-" + release));
        }
        return c;
    }

    /**
     * Opens {@code explicit} (a vmlinux, pack or directory) when given, else the first candidate
     * that exists; then checks that it belongs to the dumped kernel.
     */
    public KernelSymbols locate(Path explicit, String buildId, String release, String banner) throws SymbolsException {
        if (explicit != null) {
            KernelSymbols k = KernelSymbols.open(explicit);
            try {
                checkMatch(k, buildId, release, banner);
            } catch (SymbolsException e) {
                k.close();
                throw e;
            }
            return k;
        }
        KernelSymbols k = find(buildId, release, banner);
        if (k != null) return k;
        List<Path> tried = candidates(buildId, release);
        throw new SymbolsException(Path.of(tried.isEmpty() ? "." : tried.get(0).toString()),
                "no symbols found for " + describe(buildId, release) + "; give a vmlinux or pack with -s (looked in "
                        + tried.size() + " places, e.g. " + (tried.isEmpty() ? "none" : tried.get(0)) + ")");
    }

    /** The first candidate that exists, opens and matches the build, or null when none does. */
    public KernelSymbols find(String buildId, String release, String banner) throws SymbolsException {
        for (Path p : candidates(buildId, release)) {
            if (!Files.isRegularFile(p)) continue;
            KernelSymbols k;
            try {
                k = KernelSymbols.open(p);
            } catch (SymbolsException e) {
                // An unreadable candidate is passed over: later places, and last the dump's own
                // symbols, still serve. A damaged pack in the cache is removed (the next vmlinux use
                // writes it again).
                if (p.toAbsolutePath().startsWith(io.kdx.symbols.pack.PackCache.root().toAbsolutePath())) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (java.io.IOException ignored) {
                        // left in place: it is refused again next time
                    }
                }
                continue;
            }
            try {
                checkMatch(k, buildId, release, banner);
                return k;
            } catch (SymbolsException e) {
                k.close(); // another build under the same name: keep looking
            }
        }
        return null;
    }

    /**
     * Refuses symbols of another build: by build-id when both sides have one, else by release and,
     * when the dump's banner is known, by banner. One line naming both.
     */
    public static void checkMatch(KernelSymbols k, String buildId, String release, String banner) throws SymbolsException {
        if (buildId != null && !buildId.isBlank() && k.buildId() != null) {
            if (!k.buildId().equalsIgnoreCase(buildId.strip())) {
                throw new SymbolsException(k.source(), "does not match the dump: symbols have build-id " + k.buildId()
                        + " (" + k.release() + "), the dump " + buildId.strip() + (release == null ? "" : " (" + release + ")"));
            }
            return;
        }
        if (release != null && !release.isBlank() && k.release() != null && !k.release().equals(release.strip())) {
            throw new SymbolsException(k.source(), "does not match the dump: symbols are for " + k.release() + ", the dump is " + release.strip());
        }
        if (banner != null && !banner.isBlank() && k.banner() != null && !k.banner().strip().equals(banner.strip())) {
            throw new SymbolsException(k.source(), "does not match the dump: symbols' banner \"" + k.banner().strip()
                    + "\", the dump's \"" + banner.strip() + "\"");
        }
    }

    private static String describe(String buildId, String release) {
        if (buildId != null && release != null) return "release " + release + " (build-id " + buildId + ")";
        if (release != null) return "release " + release;
        if (buildId != null) return "build-id " + buildId;
        return "a dump that names neither its release nor its build-id";
    }
}
