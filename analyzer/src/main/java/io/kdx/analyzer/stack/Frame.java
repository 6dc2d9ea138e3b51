package io.kdx.analyzer.stack;

import io.kdx.analyzer.text.Fmt;
/**
 * One frame of a kernel stack.
 *
 * @param level    0 for the innermost frame
 * @param sp       the stack pointer at which the frame's return address was found (crash's [sp])
 * @param address  the instruction address (runtime)
 * @param function the symbol containing it, or null when none is known
 * @param offset   address minus the symbol's start
 * @param module   the module's name for addresses in a module, null for the kernel image
 * @param how      how the frame was found: "regs" (CPU registers or a pt_regs frame), "orc",
 *                 "fp" (frame pointer), or "scan" (a text address found on the stack: unreliable, crash's '?')
 */
public record Frame(int level, long sp, long address, String function, long offset, String module, String how) {
    public boolean reliable() {
        return !"scan".equals(how);
    }

    /** function+0xoff, or the bare address when no symbol is known. */
    public String symbolic() {
        if (function == null) return Fmt.format("0x%x", address);
        return function + "+0x" + Long.toHexString(offset) + (module != null ? " [" + module + "]" : "");
    }
}
