package io.kdx.symbols;

/**
 * One ORC row, normalised across layouts (the entry changed in 6.4, when "end" became the type
 * END_OF_STACK). How to find the caller's frame from the state at an instruction.
 */
public final class OrcRow {
    // Registers (arch/x86/include/asm/orc_types.h).
    public static final int REG_UNDEFINED = 0, REG_PREV_SP = 1, REG_DX = 2, REG_DI = 3, REG_BP = 4,
            REG_SP = 5, REG_R10 = 6, REG_R13 = 7, REG_BP_INDIRECT = 8, REG_SP_INDIRECT = 9;
    // Types in kdx's own numbering.
    public static final int TYPE_UNDEFINED = 0, TYPE_END_OF_STACK = 1, TYPE_CALL = 2, TYPE_REGS = 3,
            TYPE_REGS_PARTIAL = 4;

    public int spReg;
    public int bpReg;
    public int spOffset;
    public int bpOffset;
    public int type;
    public boolean signal;

    @Override
    public String toString() {
        return "OrcRow[sp=" + spReg + "+" + spOffset + " bp=" + bpReg + "+" + bpOffset + " type=" + type
                + (signal ? " signal" : "") + "]";
    }
}
