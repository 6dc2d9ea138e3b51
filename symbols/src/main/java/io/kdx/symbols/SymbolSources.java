package io.kdx.symbols;

import io.kdx.symbols.pack.PackSymbols;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Decides whether a path is a vmlinux, a pack or a directory, and opens it. */
final class SymbolSources {
    private SymbolSources() {}

    static KernelSymbols open(Path path) throws SymbolsException {
        if (!Files.exists(path)) throw new SymbolsException(path, "no such file");
        if (!Files.isReadable(path)) throw new SymbolsException(path, "permission denied");
        if (Files.isDirectory(path)) return openDirectory(path);
        // a FIFO or device would block the first read: refuse at once
        if (!Files.isRegularFile(path)) throw new SymbolsException(path, "not a regular file (a pipe, socket or device), neither a vmlinux nor a symbol pack");
        byte[] magic = new byte[8];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(magic, 0, 8);
        } catch (IOException e) {
            throw new SymbolsException(path, "cannot read: " + e.getMessage());
        }
        if (n >= 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F') return openVmlinux(path);
        if (n == 8 && PackSymbols.isPack(magic)) return PackSymbols.open(path);
        throw new SymbolsException(path, "neither a vmlinux (ELF) nor a kdx symbol pack");
    }

    /**
     * A vmlinux: its cached pack when one exists for its build-id (and is not older than the
     * vmlinux), else the vmlinux itself, its BTF and ORC read ahead, which caches its pack after its
     * first DWARF index. The build-id is read from the ELF notes alone, so a cache hit never builds
     * the vmlinux's symbol table.
     */
    static KernelSymbols openVmlinux(Path path) throws SymbolsException {
        if (!io.kdx.symbols.pack.PackCache.enabled()) return VmlinuxSymbols.open(path, true);
        String buildId = io.kdx.symbols.elf.ElfFile.readBuildId(path);
        Path cached = buildId == null ? null : io.kdx.symbols.pack.PackCache.find(buildId, null);
        if (cached != null) {
            try {
                if (Files.getLastModifiedTime(cached).compareTo(Files.getLastModifiedTime(path)) >= 0) {
                    PackSymbols p = PackSymbols.open(cached);
                    if (buildId.equals(p.buildId()) && p.formatVersion() == io.kdx.symbols.pack.PackFormat.VERSION) return p;
                    p.close();
                }
            } catch (IOException e) {
                // an unreadable, damaged or stale cache entry: drop it and fall back to the vmlinux, which rewrites it
                try {
                    if (e instanceof SymbolsException) Files.deleteIfExists(cached);
                } catch (IOException ignored) {
                    // refused again next time
                }
            }
        }
        VmlinuxSymbols v = VmlinuxSymbols.open(path, true);
        if (v.buildId() != null) v.cacheAfterIndex();
        return v;
    }

    /** A directory: a pack wins over a vmlinux (it loads in milliseconds); otherwise the one vmlinux. */
    private static KernelSymbols openDirectory(Path dir) throws SymbolsException {
        List<Path> packs = new ArrayList<>(), elves = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                if (!Files.isRegularFile(f)) continue;
                String name = f.getFileName().toString();
                if (name.endsWith(PackSymbols.EXTENSION)) packs.add(f);
                else if (name.startsWith("vmlinux") || name.endsWith(".debug")) elves.add(f);
            }
        } catch (IOException e) {
            throw new SymbolsException(dir, "cannot list: " + e.getMessage());
        }
        if (!packs.isEmpty()) return open(packs.get(0));
        if (!elves.isEmpty()) return open(elves.get(0));
        throw new SymbolsException(dir, "holds no vmlinux and no kdx symbol pack (*" + PackSymbols.EXTENSION + ")");
    }
}
