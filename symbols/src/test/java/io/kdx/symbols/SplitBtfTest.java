package io.kdx.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdx.symbols.btf.BtfFile;
import io.kdx.symbols.btf.BtfTypes;
import io.kdx.symbols.btf.SplitBtf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two modules' split BTF, each numbered from the same base, joined onto it: each module's types
 * resolve to its own records and to the base's, and a module that refers beyond its own types is
 * refused by name.
 */
class SplitBtfTest {
    private static final Path FILE = Path.of("test.btf");

    private static BtfFile base() throws SymbolsException {
        BtfBuilder b = new BtfBuilder();
        int i = b.integer("int", 4, true);
        b.composite("base_s", false, 4, "a", i, 0, 0);
        return BtfFile.parse(FILE, MemorySegment.ofArray(b.build()));
    }

    /** A module: struct NAME { struct base_s *base; struct NAME_inner inner; } with its own inner struct and an enum. */
    private static SplitBtf.Part module(BtfFile base, String name, int innerSize) {
        BtfBuilder m = new BtfBuilder(base.count(), (int) base.strings().byteSize());
        int ptr = m.pointer(2); // struct base_s, a base type
        int inner = m.composite(name + "_inner", false, innerSize, "x", 1, 0, 0);
        m.composite(name, false, 8 + innerSize, "base", ptr, 0, 0, "inner", inner, 64, 0);
        m.enumeration(name + "_state", 4, false, name.toUpperCase() + "_ON", 7);
        return new SplitBtf.Part(name, MemorySegment.ofArray(m.build()));
    }

    @Test
    void eachModuleResolvesToItsOwnTypesAndTheBase() throws Exception {
        BtfFile base = base();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment joined = SplitBtf.join(FILE, base, List.of(module(base, "mod_a", 4), module(base, "mod_b", 16)), a);
            BtfTypes t = BtfTypes.open(BtfFile.parse(FILE, joined), s -> -1);
            for (String mod : List.of("mod_a", "mod_b")) {
                Type s = t.struct(mod);
                assertNotNull(s, mod);
                assertEquals("base_s", s.member("base").type().target().name(), mod + ".base");
                assertEquals(mod + "_inner", s.member("inner").type().name(), mod + ".inner");
                assertEquals(8, s.member("inner").offset());
            }
            assertEquals(12, t.struct("mod_a").size());
            assertEquals(16, t.struct("mod_b_inner").size());
            assertEquals(7, t.enumerator("MOD_B_ON").getAsLong());
            assertNotNull(t.struct("base_s"));
            assertNull(t.struct("mod_c"));
        }
    }

    @Test
    void aModuleReferringBeyondItsTypesIsRefusedByName() throws Exception {
        BtfFile base = base();
        BtfBuilder m = new BtfBuilder(base.count(), (int) base.strings().byteSize());
        m.pointer(base.count() + 5); // no such type in this module
        SplitBtf.Part bad = new SplitBtf.Part("broken_mod", MemorySegment.ofArray(m.build()));
        SymbolsException e = assertThrows(SymbolsException.class, () -> SplitBtf.join(FILE, base, List.of(module(base, "mod_a", 4), bad), Arena.ofAuto()));
        assertTrue(e.getMessage().contains("broken_mod"), e.getMessage());
    }
}
