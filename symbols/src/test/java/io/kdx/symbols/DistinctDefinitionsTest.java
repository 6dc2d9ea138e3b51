package io.kdx.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdx.symbols.pack.PackSymbols;
import io.kdx.symbols.pack.PackWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One name, distinct types, in DWARF: the shape of Debian's generic 6.1, where kernel/dma.c's
 * 16-byte ISA-DMA struct dma_chan comes first in unit order and dmaengine's 112-byte one is what
 * virt_dma_chan.chan holds (pahole and drgn: 112). Each reference keeps its own unit's definition,
 * a copy of a definition in another unit is the same node, a lookup by name answers the largest and
 * lists both, and a pack answers all of it alike.
 */
class DistinctDefinitionsTest {
    static {
        System.setProperty("kdx.symbols.cache", "off");
    }

    static final int CU = 0x11, STRUCT = 0x13, MEMBER = 0x0d, BASE = 0x24, VARIABLE = 0x34, POINTER = 0x0f;
    static final long NAME = 0x03, BYTE_SIZE = 0x0b, LOC = 0x38, TYPE = 0x49, ENCODING = 0x3e, DECL = 0x3c, DECL_LINE = 0x3b,
            LOCATION = 0x02;
    static final long STRING = 0x08, DATA1 = 0x0b, STRP = 0x0e, REF4 = 0x13, FLAG_PRESENT = 0x19, EXPRLOC = 0x18;

    @TempDir
    Path tmp;

    /** Three units: kernel/dma.c's small struct, dmaengine's big one (twice, as every includer repeats it), and a declaration only. */
    static DwarfBuilder units() {
        DwarfBuilder d = new DwarfBuilder(5);
        int cu = d.abbrev(CU, true, NAME, STRING);
        int base = d.abbrev(BASE, false, NAME, STRING, BYTE_SIZE, DATA1, ENCODING, DATA1);
        int struct = d.abbrev(STRUCT, true, NAME, STRP, BYTE_SIZE, DATA1, DECL_LINE, DATA1);
        int decl = d.abbrev(STRUCT, false, NAME, STRP, DECL, FLAG_PRESENT);
        int member = d.abbrev(MEMBER, false, NAME, STRING, TYPE, REF4, LOC, DATA1);
        int pointer = d.abbrev(POINTER, false, BYTE_SIZE, DATA1, TYPE, REF4);
        int variable = d.abbrev(VARIABLE, false, NAME, STRP, TYPE, REF4, LOCATION, EXPRLOC);
        // kernel/dma.c
        d.die(null, cu).string("kernel/dma.c");
        d.die("int", base).string("int").u8(4).u8(5);
        d.die("dma_chan", struct).strp("dma_chan").u8(16).u8(20);
        d.die(null, member).string("lock").ref4("int").u8(0);
        d.die(null, member).string("device_id").ref4("int").u8(8);
        d.end();
        d.die(null, variable).strp("dma_chan_busy").ref4("dma_chan").uleb(9).u8(0x03).u64(0xffffffff82001000L);
        d.end();
        // drivers/dma/virt-dma.c, and a second includer of <linux/dmaengine.h>
        for (String unit : new String[] {"drivers/dma/virt-dma.c", "drivers/dma/dmaengine.c"}) {
            d.nextUnit();
            d.die(null, cu).string(unit);
            d.die("int", base).string("int").u8(4).u8(5);
            d.die("dma_chan", struct).strp("dma_chan").u8(112).u8(40);
            d.die(null, member).string("device").ref4("int").u8(0);
            d.die(null, member).string("chan_id").ref4("int").u8(24);
            d.die(null, member).string("private").ref4("int").u8(104);
            d.end();
            d.die(null, struct).strp(unit.contains("virt") ? "virt_dma_chan" : "dma_chan_dev").u8(120).u8(60);
            d.die(null, member).string("chan").ref4("dma_chan").u8(0);
            d.die(null, member).string("lock").ref4("int").u8(112);
            d.end();
            d.end();
        }
        // a unit that only declares the struct
        d.nextUnit();
        d.die(null, cu).string("drivers/acpi/acpi_dma.c");
        d.die("decl", decl).strp("dma_chan");
        d.die("ptr", pointer).u8(8).ref4("decl");
        d.die(null, struct).strp("acpi_dma_spec").u8(8).u8(30);
        d.die(null, member).string("chan").ref4("ptr").u8(0);
        d.end();
        d.end();
        return d;
    }

    static void check(Types t) {
        Type virt = t.struct("virt_dma_chan");
        assertEquals(112, virt.member("chan").type().size(), "virt_dma_chan.chan is its own unit's struct dma_chan, though kernel/dma.c's comes first");
        assertEquals(List.of("device", "chan_id", "private"), virt.member("chan").type().members().stream().map(Member::name).toList());
        assertEquals(16, t.variableType("dma_chan_busy").size(), "kernel/dma.c's variable keeps its 16-byte struct");
        assertEquals(112, t.struct("dma_chan").size(), "by name: the largest definition");
        assertEquals(List.of(112L, 16L), t.definitions("struct dma_chan").stream().map(Type::size).toList(), "both, the answer first");
        assertEquals(1, t.definitions("struct virt_dma_chan").size());
        assertSame(virt.member("chan").type(), t.struct("dma_chan_dev").member("chan").type(), "another unit's copy of one definition is the same node");
        assertSame(t.struct("dma_chan"), t.struct("acpi_dma_spec").member("chan").type().target(), "a declaration resolves to the answer by name");
    }

    @Test
    void dwarfKeepsEachReferenceToItsOwnDefinition() throws Exception {
        Path v = tmp.resolve("vmlinux");
        Files.write(v, units().addTo(SyntheticDwarfTest.elf(null)).build());
        try (KernelSymbols k = KernelSymbols.open(v)) {
            check(k.types());
        }
    }

    @Test
    void aPackAnswersAlike() throws Exception {
        Path v = tmp.resolve("vmlinux"), p = tmp.resolve("x.kdxsym");
        Files.write(v, units().addTo(SyntheticDwarfTest.elf(null)).build());
        try (VmlinuxSymbols vm = VmlinuxSymbols.open(v)) {
            PackWriter.write(vm, p);
        }
        try (KernelSymbols k = KernelSymbols.open(p)) {
            assertTrue(k instanceof PackSymbols);
            check(k.types());
        }
    }
}
