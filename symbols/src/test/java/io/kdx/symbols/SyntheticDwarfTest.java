package io.kdx.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdx.symbols.pack.PackSymbols;
import io.kdx.symbols.pack.PackWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DWARF forms and shapes the real vmlinux lacks (strx, implicit_const, data16, line_strp,
 * ref_addr, DWARF 4 DW_AT_bit_offset, compressed sections), and hostile input (truncated section,
 * missing abbreviation, out-of-range reference, cyclic typedefs): a clear error naming the file, no hang.
 */
class SyntheticDwarfTest {
    static {
        System.setProperty("kdx.symbols.cache", "off"); // never write test packs into the user's cache
    }

    // tags, attributes and forms used below (DWARF 5, section 7)
    static final int CU = 0x11, STRUCT = 0x13, UNION = 0x17, MEMBER = 0x0d, BASE = 0x24, TYPEDEF = 0x16, ENUM = 0x04,
            ENUMERATOR = 0x28, VARIABLE = 0x34, ARRAY = 0x01, SUBRANGE = 0x21, POINTER = 0x0f;
    static final long NAME = 0x03, BYTE_SIZE = 0x0b, BIT_OFFSET = 0x0c, BIT_SIZE = 0x0d, CONST_VALUE = 0x1c, UPPER = 0x2f,
            LOC = 0x38, TYPE = 0x49, ENCODING = 0x3e, DATA_BIT_OFFSET = 0x6b, DECL = 0x3c, STR_OFFSETS_BASE = 0x72, LOCATION = 0x02;
    static final long STRING = 0x08, DATA1 = 0x0b, DATA2 = 0x05, DATA16 = 0x1e, SDATA = 0x0d, UDATA = 0x0f, STRP = 0x0e, REF4 = 0x13,
            REF_ADDR = 0x10, LINE_STRP = 0x1f, STRX1 = 0x25, IMPLICIT = 0x21, SEC_OFFSET = 0x17, FLAG_PRESENT = 0x19, EXPRLOC = 0x18;

    @TempDir
    Path tmp;

    private Path write(String name, ElfBuilder e) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, e.build());
        return p;
    }

    /** A DWARF 5 unit using the forms clang and newer gcc emit, with the kernel's shapes. */
    static DwarfBuilder dwarf5() {
        DwarfBuilder d = new DwarfBuilder(5);
        int cu = d.abbrev(CU, true, NAME, LINE_STRP, STR_OFFSETS_BASE, SEC_OFFSET);
        int base = d.abbrev(BASE, false, NAME, STRX1, BYTE_SIZE, DATA1, ENCODING, DATA1);
        int baseImplicit = d.abbrev(BASE, false, NAME, STRING, BYTE_SIZE, IMPLICIT, 8, ENCODING, DATA1);
        int struct = d.abbrev(STRUCT, true, NAME, STRP, BYTE_SIZE, DATA1);
        int structDecl = d.abbrev(STRUCT, false, NAME, STRP, DECL, FLAG_PRESENT);
        int member = d.abbrev(MEMBER, false, NAME, STRING, TYPE, REF4, LOC, DATA1);
        int bitMember = d.abbrev(MEMBER, false, NAME, STRING, TYPE, REF4, BIT_SIZE, DATA1, DATA_BIT_OFFSET, DATA2);
        int anonMember = d.abbrev(MEMBER, false, TYPE, REF4, LOC, DATA1);
        int union = d.abbrev(UNION, true, BYTE_SIZE, DATA1);
        int typedef = d.abbrev(TYPEDEF, false, NAME, STRP, TYPE, REF_ADDR);
        int enumeration = d.abbrev(ENUM, true, NAME, STRP, BYTE_SIZE, DATA1, TYPE, REF4);
        int enumerator = d.abbrev(ENUMERATOR, false, NAME, STRP, CONST_VALUE, SDATA);
        int enumerator16 = d.abbrev(ENUMERATOR, false, NAME, STRP, CONST_VALUE, DATA16);
        int array = d.abbrev(ARRAY, true, TYPE, REF4);
        int subrange = d.abbrev(SUBRANGE, false, UPPER, DATA1);
        int flexible = d.abbrev(SUBRANGE, false);
        int pointer = d.abbrev(POINTER, false, BYTE_SIZE, DATA1, TYPE, REF4);
        int variable = d.abbrev(VARIABLE, false, NAME, STRP, TYPE, REF4, LOCATION, EXPRLOC);
        d.die(null, cu).lineStrp("synthetic.c").u32(8);
        d.die("int", base).strx1("int").u8(4).u8(5);
        d.die("ulong", baseImplicit).string("long unsigned int").u8(7);
        d.die("char", base).strx1("char").u8(1).u8(6);
        d.die("decl", structDecl).strp("foo");                      // a declaration before the definition
        d.die("foo", struct).strp("foo").u8(32);
        d.die(null, member).string("a").ref4("int").u8(0);
        d.die(null, bitMember).string("b").ref4("int").u8(3).u16(35); // bits 35..37: byte 4, bit 3
        d.die(null, anonMember).ref4("anon").u8(8);
        d.die(null, member).string("next").ref4("ptr_decl").u8(16);
        d.die(null, member).string("name").ref4("flex").u8(24);
        d.end();
        d.die("anon", union).u8(8);
        d.die(null, member).string("c").ref4("int").u8(0);
        d.die(null, member).string("d").ref4("ulong").u8(0);
        d.end();
        d.die("ptr_decl", pointer).u8(8).ref4("decl");
        d.die("flex", array).ref4("char");
        d.die(null, flexible);
        d.end();
        d.die("matrix", array).ref4("int");
        d.die(null, subrange).u8(1);
        d.die(null, subrange).u8(2);
        d.end();
        d.die(null, typedef).strp("foo_t").refAddr("foo");
        d.die(null, enumeration).strp("colour").u8(4).ref4("int");
        d.die(null, enumerator).strp("RED").sleb(1);
        d.die(null, enumerator).strp("BELOW").sleb(-2);
        d.die(null, enumerator16).strp("WIDE").u64(0x1122334455667788L).u64(0);
        d.end();
        d.die(null, variable).strp("the_foo").ref4("foo").uleb(9).u8(0x03).u64(0xffffffff82001000L);
        d.die(null, variable).strp("grid").ref4("matrix").uleb(9).u8(0x03).u64(0xffffffff82001040L);
        d.end();
        return d;
    }

    static ElfBuilder elf(DwarfBuilder d) {
        byte[] banner = "Linux version 6.9.0-test (kdx@test) #1 SMP\n\0".getBytes(StandardCharsets.US_ASCII);
        ElfBuilder e = new ElfBuilder()
                .section(".text", 1, 6, 0xffffffff81000000L, new byte[64])
                .section(".rodata", 1, 2, 0xffffffff82000000L, banner)
                .buildId(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        e.symbol("startup_64", 0xffffffff81000000L, 16, 2, 1).symbol("do_thing", 0xffffffff81000010L, 32, 2, 1)
                .symbol("linux_banner", 0xffffffff82000000L, banner.length, 1, 2);
        return d == null ? e : d.addTo(e);
    }

    @Test
    void dwarf5FormsAndKernelShapes() throws Exception {
        try (KernelSymbols k = KernelSymbols.open(write("vmlinux", elf(dwarf5())))) {
            checkDwarf5(k);
        }
    }

    static void checkDwarf5(KernelSymbols k) {
        assertEquals("0102030405060708090a", k.buildId());
        assertEquals("6.9.0-test", k.release());
        assertEquals(0xffffffff81000010L, k.address("do_thing"));
        assertEquals(new SymbolHit("do_thing", 0xffffffff81000010L, 32, 5), k.lookup(0xffffffff81000015L));
        Types t = k.types();
        Type foo = t.struct("foo");
        assertEquals(32, foo.size());
        assertEquals(5, foo.members().size());
        Member b = foo.member("b");
        assertEquals(4, b.offset());
        assertEquals(3, b.bitOffset());
        assertEquals(3, b.bitSize());
        assertEquals(8, foo.member("d").offset(), "an anonymous union's member, reached by name as in C");
        assertEquals("long unsigned int", foo.member("d").type().cName());
        assertEquals(8, foo.member("d").size(), "implicit_const byte size");
        assertEquals(0, foo.member("name").type().count(), "a flexible array member");
        assertEquals(0, foo.member("name").size());
        assertEquals(32, foo.member("next").type().target().size(), "a declaration resolved to its definition");
        assertEquals(OptionalLong.of(16), t.offsetOf("foo", "next"));
        assertEquals(OptionalLong.empty(), t.offsetOf("foo", "nope"));
        assertEquals("struct foo", t.named("foo_t").resolved().cName());
        assertEquals(OptionalLong.of(1), t.enumerator("RED"));
        assertEquals(OptionalLong.of(-2), t.enumerator("BELOW"));
        assertEquals(OptionalLong.of(0x1122334455667788L), t.enumerator("WIDE"));
        assertEquals("int", t.named("enum colour").target().cName());
        assertEquals("struct foo", t.variableType("the_foo").cName());
        assertEquals(OptionalLong.of(0xffffffff82001000L), t.variableAddress("the_foo"), "DW_OP_addr");
        assertEquals(OptionalLong.empty(), t.variableAddress("no_such_variable"));
        Type grid = t.variableType("grid");
        assertEquals(2, grid.count());
        assertEquals(3, grid.target().count());
        assertEquals(24, grid.size());
        assertEquals("int[3][2]".length(), grid.cName().length());
        assertNull(t.struct("missing"));
    }

    @Test
    void packOfSyntheticVmlinuxAnswersTheSame(@TempDir Path dir) throws Exception {
        Path v = write("vmlinux", elf(dwarf5()));
        Path p = dir.resolve("x.kdxsym");
        try (VmlinuxSymbols vm = VmlinuxSymbols.open(v)) {
            PackWriter.write(vm, p);
        }
        try (KernelSymbols k = KernelSymbols.open(p)) {
            assertTrue(k instanceof PackSymbols);
            checkDwarf5(k);
        }
    }

    /** Issue #12's recipe: a pack whose section table has a zeroed offset or length is refused at open in one line. */
    @Test
    void zeroedSectionFieldsOfAPackAreRefusedInOneLine(@TempDir Path dir) throws Exception {
        Path v = write("vmlinux", elf(dwarf5()));
        Path good = dir.resolve("good.kdxsym");
        try (VmlinuxSymbols vm = VmlinuxSymbols.open(v)) {
            PackWriter.write(vm, good);
        }
        byte[] b = Files.readAllBytes(good);
        int count = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(12);
        int header = io.kdx.symbols.pack.PackFormat.HEADER, entry = io.kdx.symbols.pack.PackFormat.SECTION_ENTRY;
        // the second section's offset; the last section's length
        for (int at : new int[] {header + entry + 8, header + (count - 1) * entry + 16}) {
            byte[] c = b.clone();
            java.util.Arrays.fill(c, at, at + 8, (byte) 0);
            Path p = dir.resolve("at" + at + ".kdxsym");
            Files.write(p, c);
            SymbolsException x = assertThrows(SymbolsException.class, () -> KernelSymbols.open(p).close(), "offset " + at);
            assertTrue(x.getMessage().startsWith(p + ": damaged symbol pack"), x.getMessage());
            assertFalse(x.getMessage().contains("\n"));
        }
    }

    @Test
    void formatOnePacksAreReadWithoutVariableAddresses(@TempDir Path dir) throws Exception {
        Path v = write("vmlinux", elf(dwarf5()));
        Path p = dir.resolve("old.kdxsym");
        try (VmlinuxSymbols vm = VmlinuxSymbols.open(v)) {
            PackWriter.write(vm, p);
        }
        byte[] b = Files.readAllBytes(p);
        b[8] = 1; // u32 version @8
        Files.write(p, b);
        try (KernelSymbols k = KernelSymbols.open(p)) {
            assertEquals(1, ((PackSymbols) k).formatVersion());
            assertEquals(OptionalLong.empty(), k.types().variableAddress("the_foo"));
            assertEquals(OptionalLong.of(16), k.types().offsetOf("foo", "next"));
        }
        b[8] = 9;
        Files.write(p, b);
        SymbolsException x = assertThrows(SymbolsException.class, () -> KernelSymbols.open(p));
        assertTrue(x.getMessage().contains("version 9"), x.getMessage());
    }

    /** Issue #12: a pack is checked at open, its checksum and every section's bounds; damage is refused naming the file. */
    @Test
    void damagedPacksAreRefusedAtOpen(@TempDir Path dir) throws Exception {
        Path v = write("vmlinux", elf(dwarf5()));
        Path p = dir.resolve("x.kdxsym");
        try (VmlinuxSymbols vm = VmlinuxSymbols.open(v)) {
            PackWriter.write(vm, p);
        }
        byte[] good = Files.readAllBytes(p);
        try (KernelSymbols k = KernelSymbols.open(p)) {
            assertEquals(io.kdx.symbols.pack.PackFormat.VERSION, ((PackSymbols) k).formatVersion());
        }
        java.util.Random r = new java.util.Random(3);
        for (int n = 0; n < 200; n++) {
            byte[] b = good.clone();
            int at = r.nextInt(b.length);
            b[at] ^= (byte) (1 << r.nextInt(8));
            Files.write(p, b);
            SymbolsException x = assertThrows(SymbolsException.class, () -> KernelSymbols.open(p).close(), "byte " + at);
            assertTrue(x.getMessage().startsWith(p.toString()), x.getMessage());
        }
        // older versions have no checksum: their bounds are still checked (a zeroed length, a zeroed offset)
        for (int field : new int[] {8, 16}) {
            byte[] b = good.clone();
            b[8] = 2;
            for (int i = 0; i < 8; i++) b[32 + 24 * 3 + field + i] = 0;
            Files.write(p, b);
            SymbolsException x = assertThrows(SymbolsException.class, () -> KernelSymbols.open(p).close());
            assertTrue(x.getMessage().contains("damaged symbol pack"), x.getMessage());
        }
    }

    @Test
    void compressedDebugSectionsReadLikePlainOnes() throws Exception {
        DwarfBuilder d = dwarf5();
        ElfBuilder e = elf(null);
        e.compressed(".debug_info", d.info());
        e.section(".debug_abbrev", 1, 0, 0, d.abbrevs());
        e.compressed(".debug_str", d.str.toByteArray());
        e.section(".debug_line_str", 1, 0x30, 0, d.lineStr.toByteArray());
        e.section(".debug_str_offsets", 1, 0, 0, d.strOffsets());
        try (KernelSymbols k = KernelSymbols.open(write("zvmlinux", e))) {
            checkDwarf5(k);
        }
    }

    @Test
    void zstdAndZdebugSectionsReadLikePlainOnes() throws Exception {
        DwarfBuilder d = dwarf5();
        ElfBuilder e = elf(null);
        e.zstd(".debug_info", d.info());
        e.zdebug(".zdebug_abbrev", d.abbrevs());
        e.zstd(".debug_str", d.str.toByteArray());
        e.zdebug(".zdebug_line_str", d.lineStr.toByteArray());
        e.section(".debug_str_offsets", 1, 0, 0, d.strOffsets());
        try (KernelSymbols k = KernelSymbols.open(write("zstd-vmlinux", e))) {
            checkDwarf5(k);
        }
    }

    @Test
    void corruptCompressedSectionIsNamed() throws Exception {
        DwarfBuilder d = dwarf5();
        ElfBuilder e = elf(null);
        byte[] bad = new byte[64];
        bad[0] = 1; // ELFCOMPRESS_ZLIB
        bad[8] = 100; // claims 100 bytes
        java.util.Arrays.fill(bad, 24, 64, (byte) 0x5a);
        e.section(".debug_info", 1, 0x800, 0, bad);
        e.section(".debug_abbrev", 1, 0, 0, d.abbrevs());
        KernelSymbols k = KernelSymbols.open(write("badz", e));
        UncheckedSymbolsException x = assertThrows(UncheckedSymbolsException.class, k::types);
        assertTrue(x.getMessage().contains(".debug_info") && x.getMessage().contains("compressed"), x.getMessage());
        k.close();
    }

    @Test
    void enumeratorOfBit63IsNotTakenForAbsent() throws Exception {
        // include/linux/hmm.h: HMM_PFN_VALID = 1UL << (BITS_PER_LONG - 1), written by GCC as DW_FORM_data8
        DwarfBuilder d = new DwarfBuilder(4);
        int cu = d.abbrev(CU, true, NAME, STRING);
        int base = d.abbrev(BASE, false, NAME, STRING, BYTE_SIZE, DATA1, ENCODING, DATA1);
        int enumeration = d.abbrev(ENUM, true, NAME, STRING, BYTE_SIZE, DATA1, TYPE, REF4);
        int enumerator = d.abbrev(ENUMERATOR, false, NAME, STRING, CONST_VALUE, 0x07 /* DW_FORM_data8 */);
        d.die(null, cu).string("hmm.c");
        d.die("ulong", base).string("long unsigned int").u8(8).u8(7);
        d.die(null, enumeration).string("hmm_pfn_flags").u8(8).ref4("ulong");
        d.die(null, enumerator).string("HMM_PFN_VALID").u64(1L << 63);
        d.die(null, enumerator).string("HMM_PFN_ORDER_SHIFT").u64(56);
        d.end();
        d.end();
        try (KernelSymbols k = KernelSymbols.open(write("hmm", elf(d)))) {
            Type e = k.types().named("enum hmm_pfn_flags");
            assertEquals(new Type.Enumerator("HMM_PFN_VALID", 1L << 63), e.enumerators().get(0));
            assertEquals(56, e.enumerators().get(1).value());
            assertEquals(OptionalLong.of(1L << 63), k.types().enumerator("HMM_PFN_VALID"));
        }
    }

    @Test
    void dwarf4BitOffsetCountsFromTheMostSignificantBit() throws Exception {
        DwarfBuilder d = new DwarfBuilder(4);
        int cu = d.abbrev(CU, true, NAME, STRING);
        int base = d.abbrev(BASE, false, NAME, STRING, BYTE_SIZE, DATA1, ENCODING, DATA1);
        int struct = d.abbrev(STRUCT, true, NAME, STRING, BYTE_SIZE, DATA1);
        int bits = d.abbrev(MEMBER, false, NAME, STRING, TYPE, REF4, BYTE_SIZE, DATA1, BIT_SIZE, DATA1, BIT_OFFSET, DATA1, LOC, DATA1);
        d.die(null, cu).string("old.c");
        d.die("uint", base).string("unsigned int").u8(4).u8(8);
        d.die(null, struct).string("flags").u8(8);
        d.die(null, bits).string("lo").ref4("uint").u8(4).u8(3).u8(29).u8(0);  // bits 0..2
        d.die(null, bits).string("mid").ref4("uint").u8(4).u8(4).u8(25).u8(0); // bits 3..6
        d.die(null, bits).string("hi").ref4("uint").u8(4).u8(1).u8(31).u8(4);  // bit 32 = byte 4, bit 0
        d.end();
        d.end();
        try (KernelSymbols k = KernelSymbols.open(write("v4", elf(d)))) {
            Type f = k.types().struct("flags");
            assertEquals(0, f.member("lo").bitOffset());
            assertEquals(3, f.member("mid").bitOffset());
            assertEquals(4, f.member("mid").bitSize());
            assertEquals(4, f.member("hi").offset());
            assertEquals(0, f.member("hi").bitOffset());
        }
    }

    @Test
    void truncatedSectionIsRefusedWithItsName() throws Exception {
        ElfBuilder e = elf(dwarf5());
        e.stretch = ".debug_info";
        e.stretchBy = 1 << 20;
        Path p = write("truncated", e);
        KernelSymbols k = KernelSymbols.open(p);
        UncheckedSymbolsException x = assertThrows(UncheckedSymbolsException.class, k::types);
        assertTrue(x.getMessage().startsWith(p.toString()), x.getMessage());
        assertTrue(x.getMessage().contains("truncated") && x.getMessage().contains(".debug_info"), x.getMessage());
        k.close();
    }

    @Test
    void truncatedFileIsRefusedAtOpen() throws Exception {
        byte[] whole = elf(dwarf5()).build();
        Path p = tmp.resolve("half");
        Files.write(p, java.util.Arrays.copyOf(whole, whole.length / 2));
        SymbolsException x = assertThrows(SymbolsException.class, () -> KernelSymbols.open(p));
        assertTrue(x.getMessage().startsWith(p.toString()), x.getMessage());
    }

    @Test
    void missingAbbreviationIsNamed() throws Exception {
        DwarfBuilder d = new DwarfBuilder(5);
        int cu = d.abbrev(CU, true, NAME, STRING);
        d.die(null, cu).string("bad.c");
        d.die(null, 42).u32(0);
        d.end();
        KernelSymbols k = KernelSymbols.open(write("badabbrev", elf(d)));
        UncheckedSymbolsException x = assertThrows(UncheckedSymbolsException.class, k::types);
        assertTrue(x.getMessage().contains("abbreviation code 42 does not exist"), x.getMessage());
        k.close();
    }

    @Test
    void referenceOutOfRangeIsNamed() throws Exception {
        DwarfBuilder d = new DwarfBuilder(5);
        int cu = d.abbrev(CU, true, NAME, STRING);
        int struct = d.abbrev(STRUCT, true, NAME, STRING, BYTE_SIZE, DATA1);
        int member = d.abbrev(MEMBER, false, NAME, STRING, TYPE, REF4, LOC, DATA1);
        d.die(null, cu).string("ref.c");
        d.die(null, struct).string("broken").u8(8);
        d.die(null, member).string("x").ref4("nowhere").u8(0);
        d.end();
        d.end();
        try (KernelSymbols k = KernelSymbols.open(write("badref", elf(d)))) {
            UncheckedSymbolsException x = assertThrows(UncheckedSymbolsException.class, () -> k.types().struct("broken").members());
            assertTrue(x.getMessage().contains("DIE reference") && x.getMessage().contains("out of range"), x.getMessage());
        }
    }

    @Test
    void cyclicTypedefsEndWithoutHanging() throws Exception {
        DwarfBuilder d = new DwarfBuilder(5);
        int cu = d.abbrev(CU, true, NAME, STRING);
        int typedef = d.abbrev(TYPEDEF, false, NAME, STRING, TYPE, REF4);
        d.die(null, cu).string("cycle.c");
        d.die("a", typedef).string("a_t").ref4("b");
        d.die("b", typedef).string("b_t").ref4("a");
        d.end();
        try (KernelSymbols k = KernelSymbols.open(write("cycle", elf(d)))) {
            Type a = k.types().named("a_t");
            assertEquals(Type.Kind.VOID, a.resolved().kind());
            assertEquals(-1, a.size());
            assertNotNull(a.cName());
        }
    }

    @Test
    void notElfNotPackIsRefused() throws Exception {
        Path p = tmp.resolve("junk");
        Files.writeString(p, "hello, this is not a kernel");
        SymbolsException x = assertThrows(SymbolsException.class, () -> KernelSymbols.open(p));
        assertEquals(p + ": neither a vmlinux (ELF) nor a kdx symbol pack", x.getMessage());
    }

    @Test
    void corruptPackIsRefused() throws Exception {
        Path v = write("vmlinux", elf(dwarf5()));
        Path p = tmp.resolve("x.kdxsym");
        try (VmlinuxSymbols vm = VmlinuxSymbols.open(v)) {
            PackWriter.write(vm, p);
        }
        byte[] b = Files.readAllBytes(p);
        Files.write(p, java.util.Arrays.copyOf(b, b.length - 100));
        SymbolsException x = assertThrows(SymbolsException.class, () -> KernelSymbols.open(p));
        assertTrue(x.getMessage().contains("truncated symbol pack"), x.getMessage());
    }

    @Test
    void mismatchedBuildIsRefusedNamingBoth() throws Exception {
        try (KernelSymbols k = KernelSymbols.open(write("vmlinux", elf(dwarf5())))) {
            SymbolLocator.checkMatch(k, "0102030405060708090a", "6.9.0-test", null);
            SymbolsException x = assertThrows(SymbolsException.class, () -> SymbolLocator.checkMatch(k, "ffff", "6.9.1", null));
            assertTrue(x.getMessage().contains("0102030405060708090a") && x.getMessage().contains("ffff"), x.getMessage());
            SymbolsException y = assertThrows(SymbolsException.class, () -> SymbolLocator.checkMatch(k, null, "6.9.1", null));
            assertTrue(y.getMessage().contains("6.9.0-test") && y.getMessage().contains("6.9.1"), y.getMessage());
        }
    }
}
