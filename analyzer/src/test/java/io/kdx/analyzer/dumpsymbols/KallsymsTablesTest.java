package io.kdx.analyzer.dumpsymbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdx.analyzer.kernel.PhysicalMemory;
import io.kdx.dump.Dump;
import io.kdx.symbols.SymbolHit;
import io.kdx.symbols.elf.SymbolTable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * On the committed sample: kallsyms answered lazily through kallsyms_seqs_of_names equals the
 * table decoded whole, for every symbol's name and for addresses inside and between symbols.
 */
class KallsymsTablesTest {
    static final Path SAMPLE = Path.of("../fixtures/sample/frozen-audit.kdump");

    @Test
    void lazyAndDecodedTablesAgreeOnEverySymbol() throws Exception {
        assertTrue(Files.isRegularFile(SAMPLE), SAMPLE.toAbsolutePath().toString());
        try (Dump d = Dump.open(SAMPLE)) {
            PhysicalMemory mem = new PhysicalMemory(d, 4096);
            ImageLocation where = ImageLocation.find(d, mem);
            ImageMemory img = new ImageMemory(mem, where.physBase());
            Kallsyms.Parts parts = Kallsyms.parts(img, where.tables(), d.path());
            LazyKallsyms lazy = LazyKallsyms.open(img, where.tables(), parts, where.kaslr());
            assertNotNull(lazy, "Debian's 6.1.192 keeps kallsyms_seqs_of_names");
            SymbolTable full = Kallsyms.decode(parts, where.kaslr(), d.path()).build().table();
            assertEquals(full.size(), lazy.count());
            for (int i = 0; i < full.size(); i++) {
                String name = full.nameAt(i);
                assertEquals(full.address(name), lazy.address(name), name);
                long a = full.addressAt(i);
                for (long probe : new long[] {a, a + 1}) {
                    SymbolHit f = full.lookup(probe), l = lazy.lookup(probe);
                    assertEquals(f.name() + "@" + f.start() + "+" + f.offset(), l.name() + "@" + l.start() + "+" + l.offset(), Long.toHexString(probe));
                }
            }
            assertEquals(0, lazy.address("no_such_symbol_in_any_kernel"));
        }
    }
}
