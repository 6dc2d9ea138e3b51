package io.kdx.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.SymbolsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Symbols opened on a second thread fail as the serial opening fails, where it would have failed. */
class SymbolsPrefetchTest {
    @Test
    void aBadFileFailsAtTakeWithTheSerialMessage(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("not-a-vmlinux");
        Files.writeString(bad, "neither ELF nor a pack");
        String serial = assertThrows(SymbolsException.class, () -> KernelSymbols.open(bad)).getMessage();
        SymbolsPrefetch p = SymbolsPrefetch.start(bad);
        assertEquals(bad, p.path());
        assertEquals(serial, assertThrows(SymbolsException.class, p::take).getMessage());
        p.abandon(); // taken: nothing to do, and no exception
    }

    @Test
    void abandoningAFailedOpeningIsQuiet(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("empty");
        Files.createFile(bad);
        SymbolsPrefetch p = SymbolsPrefetch.start(bad);
        p.abandon();
        p.abandon();
    }
}
