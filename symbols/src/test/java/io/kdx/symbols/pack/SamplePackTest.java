package io.kdx.symbols.pack;

import static org.junit.jupiter.api.Assertions.*;

import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.SymbolsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #12's recipes on the committed sample pack (format 2, no checksum): damaged section entries are refused at open. */
class SamplePackTest {
    static Path samplePack() throws Exception {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve("fixtures/sample");
            if (Files.isDirectory(s)) {
                try (Stream<Path> f = Files.list(s)) {
                    return f.filter(p -> p.toString().endsWith(PackSymbols.EXTENSION)).findFirst().orElseThrow();
                }
            }
        }
        throw new IllegalStateException("no fixtures/sample");
    }

    @Test
    void zeroedSectionFieldsAreRefusedInOneLine(@TempDir Path dir) throws Exception {
        Path sample = samplePack();
        try (KernelSymbols k = KernelSymbols.open(sample)) {
            assertNotEquals(0, k.address("init_task"));
        }
        byte[] good = Files.readAllBytes(sample);
        for (int at : new int[] {136, 432}) { // a section's offset; another's length
            byte[] b = good.clone();
            for (int i = 0; i < 8; i++) b[at + i] = 0;
            Path p = dir.resolve("at" + at + ".kdxsym");
            Files.write(p, b);
            SymbolsException x = assertThrows(SymbolsException.class, () -> KernelSymbols.open(p).close(), "offset " + at);
            assertTrue(x.getMessage().startsWith(p + ": damaged symbol pack"), x.getMessage());
            assertFalse(x.getMessage().contains("\n"));
        }
    }
}
