package io.kdx.symbols;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdx.symbols.elf.ElfFile;
import io.kdx.symbols.orc.OrcIndex;
import io.kdx.symbols.orc.OrcReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ORC entries of each layout (arch/x86/include/asm/orc_types.h before 6.3, in 6.3, from 6.4) read
 * into the one normalised row; .orc_unwind_ip entries are relative to their own address.
 */
class OrcReaderTest {
    static final long TEXT = 0xffffffff81000000L, IP_SECTION = 0xffffffff82c00000L;

    @TempDir
    Path tmp;

    /** Three rows at TEXT, TEXT+0x10, TEXT+0x20 with the given 16-bit flag words. */
    private OrcIndex read(String release, int... flags) throws Exception {
        ByteBuffer ips = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer rows = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 3; i++) {
            long at = IP_SECTION + i * 4L;
            ips.putInt((int) (TEXT + 0x10L * i - at));
            rows.putShort((short) (8 + i)).putShort((short) -16).putShort((short) flags[i]);
        }
        ElfBuilder e = new ElfBuilder()
                .section(".text", 1, 6, TEXT, new byte[0x40])
                .section(".orc_unwind_ip", 1, 2, IP_SECTION, ips.array())
                .section(".orc_unwind", 1, 2, IP_SECTION + 0x100, rows.array());
        e.symbol("f", TEXT, 0x40, 2, 1);
        Path p = tmp.resolve("orc-" + release);
        Files.write(p, e.build());
        try (ElfFile elf = ElfFile.open(p)) {
            OrcIndex o = OrcReader.read(elf, release);
            // the normalised rows live on the heap: the index outlives the mapping
            return o;
        }
    }

    private static int bits(int spReg, int bpReg, int type, int flag10, int flag11) {
        return spReg | bpReg << 4 | type << 8 | flag10 << 10 | flag11 << 11;
    }

    @Test
    void before63EndBitAndUndefinedSp() throws Exception {
        OrcIndex o = read("6.1.0-56-cloud-amd64",
                bits(OrcRow.REG_SP, OrcRow.REG_PREV_SP, 0, 0, 0),  // CALL
                bits(OrcRow.REG_SP, 0, 1, 0, 0),                    // REGS: a signal frame before 6.3
                bits(OrcRow.REG_UNDEFINED, 0, 0, 1, 0));            // end bit
        OrcRow r = new OrcRow();
        assertTrue(o.find(TEXT + 4, r));
        assertEquals(OrcRow.TYPE_CALL, r.type);
        assertEquals(8, r.spOffset);
        assertEquals(-16, r.bpOffset);
        assertEquals(OrcRow.REG_PREV_SP, r.bpReg);
        assertFalse(r.signal);
        assertTrue(o.find(TEXT + 0x10, r));
        assertEquals(OrcRow.TYPE_REGS, r.type);
        assertTrue(r.signal);
        assertTrue(o.find(TEXT + 0x3f, r));
        assertEquals(OrcRow.TYPE_END_OF_STACK, r.type);
        assertFalse(o.find(TEXT - 1, r), "before the text");
        assertFalse(o.find(TEXT + 0x40, r), "after the text");
    }

    @Test
    void in63SignalBitBesideEnd() throws Exception {
        OrcIndex o = read("6.3.13", bits(OrcRow.REG_SP, 0, 0, 1, 0), bits(OrcRow.REG_SP, 0, 2, 0, 0), bits(OrcRow.REG_UNDEFINED, 0, 0, 0, 0));
        OrcRow r = new OrcRow();
        assertTrue(o.find(TEXT, r));
        assertEquals(OrcRow.TYPE_CALL, r.type);
        assertTrue(r.signal);
        assertTrue(o.find(TEXT + 0x10, r));
        assertEquals(OrcRow.TYPE_REGS_PARTIAL, r.type);
        assertFalse(r.signal);
        assertTrue(o.find(TEXT + 0x20, r));
        assertEquals(OrcRow.TYPE_UNDEFINED, r.type);
    }

    @Test
    void from64ThreeBitTypes() throws Exception {
        OrcIndex o = read("6.12.0", bits(OrcRow.REG_SP, 0, 2, 0, 0), bits(OrcRow.REG_SP, 0, 3, 0, 1), bits(0, 0, 1, 0, 0));
        OrcRow r = new OrcRow();
        assertTrue(o.find(TEXT, r));
        assertEquals(OrcRow.TYPE_CALL, r.type);
        assertTrue(o.find(TEXT + 0x10, r));
        assertEquals(OrcRow.TYPE_REGS, r.type);
        assertTrue(r.signal);
        assertTrue(o.find(TEXT + 0x20, r));
        assertEquals(OrcRow.TYPE_END_OF_STACK, r.type);
    }
}
