package io.kdx.bench.symbols;

import io.kdx.symbols.VmlinuxSymbols;
import io.kdx.symbols.pack.PackWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** The fixture vmlinux (-Dkdx.vmlinux=FILE to point elsewhere) and a pack written from it once per JVM. */
public final class SymbolsFiles {
    private static Path pack;

    private SymbolsFiles() {}

    public static Path vmlinux() {
        String k = "6.1.0-57-cloud-amd64";
        Path p = Path.of(System.getProperty("kdx.vmlinux",
                System.getProperty("user.home") + "/.cache/kdx/kernels/" + k + "/usr/lib/debug/boot/vmlinux-" + k));
        if (!Files.isRegularFile(p)) throw new IllegalStateException("missing vmlinux " + p);
        return p;
    }

    public static synchronized Path pack() throws Exception {
        if (pack == null) {
            Path dir = Files.createTempDirectory("kdx-bench-pack");
            pack = dir.resolve("vmlinux.kdxsym");
            try (VmlinuxSymbols v = VmlinuxSymbols.open(vmlinux())) {
                PackWriter.write(v, pack);
            }
            pack.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
        }
        return pack;
    }
}
