package io.kdx.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdx.symbols.btf.BtfFile;
import io.kdx.symbols.btf.BtfTypes;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BTF blobs written by {@link BtfBuilder}: the kernel's shapes, every kind, and hostile input. */
class SyntheticBtfTest {
    @TempDir
    Path tmp;

    /** The shapes of {@link SyntheticDwarfTest#dwarf5()}, as pahole would encode them, and more kinds. */
    static BtfBuilder kernelShapes() {
        BtfBuilder b = new BtfBuilder();
        int i = b.integer("int", 4, true);                        // 1
        int ulong = b.integer("long unsigned int", 8, false);     // 2
        int chr = b.integer("char", 1, true);                     // 3
        int decl = b.fwd("foo", false);                           // 4: a declaration before the definition
        int ptrDecl = b.pointer(decl);                            // 5
        int flex = b.array(chr, 0);                               // 6
        int anon = b.composite(null, true, 8, "c", i, 0, 0, "d", ulong, 0, 0); // 7
        int foo = b.composite("foo", false, 32, "a", i, 0, 0, "b", i, 35, 3, null, anon, 64, 0,
                "next", ptrDecl, 128, 0, "name", flex, 192, 0);  // 8
        int row = b.array(i, 3);                                  // 9
        int matrix = b.array(row, 2);                             // 10
        b.typedef("foo_t", foo);                                  // 11
        b.enumeration("colour", 4, true, "RED", 1, "BELOW", -2);  // 12
        b.integer("unsigned int", 4, false);                      // 13
        b.enumeration("flags", 4, false, "HIGH", 0x80000000L);    // 14
        b.enum64("wide", false, "WIDE", 0x1122334455667788L);     // 15
        int cchar = b.constOf(chr);                               // 16
        int cstr = b.pointer(cchar);                              // 17
        int restricted = b.restrictOf(cstr);                      // 18
        int tagged = b.typeTag("user", restricted);               // 19
        int proto = b.proto(i, ulong);                            // 20
        int fn = b.pointer(proto);                                // 21
        int vint = b.volatileOf(i);                               // 22
        b.composite("ops", false, 48, "name", tagged, 0, 0, "fn", fn, 64, 0, "flag", vint, 128, 0, "grid", matrix, 160, 0); // 23
        int other = b.composite("foo", false, 8, "x", i, 0, 0);   // 24: another unit's different struct foo
        b.composite("user", false, 8, "f", other, 0, 0);          // 25
        int lo = b.bitsInt("unsigned int", 4, 0, 5), hi = b.bitsInt("unsigned int", 4, 0, 3); // 26, 27
        b.composite("old", false, 4, "lo", lo, 0, 0, "hi", hi, 5, 0); // 28: pre-kind_flag bit fields
        int v = b.variable("cpu_counter", i);                     // 29
        b.datasec(".data..percpu", v, 0x40, 4);                   // 30
        b.floatType("double", 8);                                 // 31
        return b;
    }

    static BtfTypes open(BtfBuilder b) throws SymbolsException {
        return BtfTypes.open(BtfFile.parse(Path.of("test.btf"), MemorySegment.ofArray(b.build())), name -> -1);
    }

    @Test
    void kernelShapesReadAsDwarfDoes() throws Exception {
        BtfTypes t = open(kernelShapes());
        Type foo = t.struct("foo");
        assertEquals(32, foo.size(), "the largest of the two struct foo answers");
        assertEquals(java.util.List.of(32L, 8L), t.definitions("struct foo").stream().map(Type::size).toList(), "both struct foo, the answer first");
        assertEquals(1, t.definitions("struct ops").size());
        Member b = foo.member("b");
        assertEquals(4, b.offset());
        assertEquals(3, b.bitOffset());
        assertEquals(3, b.bitSize());
        assertEquals(8, foo.member("d").offset(), "an anonymous union's member, reached by name");
        assertEquals("long unsigned int", foo.member("d").type().cName());
        assertEquals(0, foo.member("name").type().count(), "a flexible array member");
        assertSame(foo, foo.member("next").type().target(), "a forward declaration resolved to its definition");
        assertEquals(8, t.struct("user").member("f").type().size(), "a member's struct is the record its type id names, not another of its name");
        assertEquals("struct foo", t.named("foo_t").resolved().cName());
        assertEquals(OptionalLong.of(1), t.enumerator("RED"));
        assertEquals(OptionalLong.of(-2), t.enumerator("BELOW"), "kind_flag: a signed enum");
        assertEquals(OptionalLong.of(0x80000000L), t.enumerator("HIGH"), "an unsigned enum's value is not sign-extended");
        assertEquals(OptionalLong.of(0x1122334455667788L), t.enumerator("WIDE"), "ENUM64");
        assertEquals("int", t.named("enum colour").target().cName(), "a signed 4-byte enum's underlying type, as GCC's DWARF names it");
        assertEquals("unsigned int", t.named("enum flags").target().cName());
        Type ops = t.struct("ops");
        assertEquals("const char *", ops.member("name").type().cName(), "restrict and type tags are transparent");
        assertEquals("int (*)()", ops.member("fn").type().cName());
        assertEquals("volatile int", ops.member("flag").type().cName());
        Type grid = ops.member("grid").type();
        assertEquals(2, grid.count());
        assertEquals(3, grid.target().count());
        assertEquals(24, grid.size());
        Type old = t.struct("old");
        assertEquals(5, old.member("lo").bitSize());
        assertEquals(0, old.member("lo").bitOffset());
        assertEquals(3, old.member("hi").bitSize());
        assertEquals(5, old.member("hi").bitOffset());
        assertEquals("unsigned int", old.member("hi").type().cName());
        assertEquals(4, t.named("unsigned int").size(), "a bit-field carrier is not the base type of its name");
        assertEquals(0, t.named("unsigned int").members().size());
        assertEquals(Type.Kind.BASE, t.named("double").kind());
        assertEquals(OptionalLong.of(0x40), t.variableAddress("cpu_counter"), "a per-CPU variable: its offset in the per-CPU area");
        assertEquals("int", t.variableType("cpu_counter").cName());
        assertNull(t.struct("missing"));
        assertNull(t.variableType("missing"));
    }

    @Test
    void vmlinuxWithBtfAnswersTypesFromBtfAndVariablesFromDwarf() throws Exception {
        Path v = tmp.resolve("vmlinux");
        Files.write(v, SyntheticDwarfTest.elf(SyntheticDwarfTest.dwarf5()).section(".BTF", 1, 2, 0xffffffff82100000L, kernelShapes().build()).build());
        try (VmlinuxSymbols k = VmlinuxSymbols.open(v)) {
            assertTrue(k.typesFromBtf());
            SyntheticDwarfTest.checkDwarf5(k); // the DWARF test's expectations, answered from BTF (variables from DWARF)
            System.setProperty("kdx.types", "dwarf");
            try (VmlinuxSymbols d = VmlinuxSymbols.open(v)) {
                assertFalse(d.typesFromBtf(), "KDX_TYPES=dwarf");
                for (String n : new String[] {"struct foo", "foo_t", "int", "long unsigned int"}) {
                    assertEquals(describe(d.types().named(n)), describe(k.types().named(n)), n + ": BTF and DWARF agree");
                }
            } finally {
                System.clearProperty("kdx.types");
            }
        }
    }

    @Test
    void damagedBtfFallsBackToDwarf() throws Exception {
        BtfBuilder b = kernelShapes();
        b.truncateTypesBy = 5;
        Path v = tmp.resolve("vmlinux");
        Files.write(v, SyntheticDwarfTest.elf(SyntheticDwarfTest.dwarf5()).section(".BTF", 1, 2, 0xffffffff82100000L, b.build()).build());
        try (VmlinuxSymbols k = VmlinuxSymbols.open(v)) {
            assertFalse(k.typesFromBtf());
            SyntheticDwarfTest.checkDwarf5(k);
        }
    }

    @Test
    void hostileBlobsAreRefusedWithAReason() {
        BtfBuilder truncated = kernelShapes();
        truncated.truncateTypesBy = 7;
        assertMessage("truncated .BTF", () -> open(truncated));
        BtfBuilder unknown = new BtfBuilder();
        unknown.integer("int", 4, true);
        unknown.unknownKind();
        assertMessage("unknown kind 31", () -> open(unknown));
        byte[] bad = kernelShapes().build();
        bad[0] = 0x12;
        assertMessage("magic", () -> BtfFile.parse(Path.of("x"), MemorySegment.ofArray(bad)));
        assertMessage("shorter than its header", () -> BtfFile.parse(Path.of("x"), MemorySegment.ofArray(new byte[10])));
    }

    @Test
    void badReferencesAndCyclesEndInAnError() throws Exception {
        BtfBuilder b = new BtfBuilder();
        b.integer("int", 4, true);                          // 1
        b.composite("dangling", false, 8, "p", 999, 0, 0);  // 2: a member of a type that does not exist
        b.restrictOf(3);                                    // 3: restrict of itself
        b.composite("loop", false, 8, "r", 3, 0, 0);        // 4
        b.typedef("a_t", 6);                                // 5
        b.typedef("b_t", 5);                                // 6: typedefs of each other
        BtfTypes t = open(b);
        UncheckedSymbolsException e = assertThrows(UncheckedSymbolsException.class, () -> t.struct("dangling").members());
        assertTrue(e.getCause().getMessage().contains("beyond the last"), e.getCause().getMessage());
        e = assertThrows(UncheckedSymbolsException.class, () -> t.struct("loop").members().get(0).type());
        assertTrue(e.getCause().getMessage().contains("cycle"), e.getCause().getMessage());
        assertEquals(Type.Kind.VOID, t.named("a_t").resolved().kind(), "a typedef cycle resolves to nothing, without hanging");
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable body) {
        SymbolsException e = assertThrows(SymbolsException.class, body);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    static String describe(Type t) {
        StringBuilder sb = new StringBuilder();
        sb.append(t.kind()).append(' ').append(t.name()).append(' ').append(t.size()).append(' ').append(t.cName());
        for (Member m : t.members()) {
            sb.append("\n ").append(m.name()).append(' ').append(m.offset()).append(' ').append(m.bitOffset()).append(' ')
                    .append(m.bitSize()).append(' ').append(m.type().cName()).append(' ').append(m.size());
        }
        return sb.toString();
    }
}
