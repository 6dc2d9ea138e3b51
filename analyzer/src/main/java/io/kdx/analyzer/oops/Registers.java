package io.kdx.analyzer.oops;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.dump.PrStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Register sets from the dump, named as the kernel's oops report names them (rip, rsp, eflags,
 * rax ... r15, orig_rax, cs, ss): a CPU's NT_PRSTATUS (its state when the dump was taken; for a
 * kdump, crash_setup_regs() in the crashing path) and a task's user-mode entry frame, the pt_regs
 * at the top of its kernel stack (task_pt_regs(): task->stack + THREAD_SIZE - sizeof(pt_regs);
 * x86_64 has no TOP_OF_KERNEL_STACK_PADDING), which the log prints after the call trace of a task
 * that entered the kernel by a system call.
 */
public final class Registers {
    /** user_regs_struct / pt_regs order (arch/x86/include/asm/ptrace.h) and the names __show_regs prints. */
    static final List<String> PT_REGS = List.of("r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9", "r8", "ax", "cx",
            "dx", "si", "di", "orig_ax", "ip", "cs", "flags", "sp", "ss");

    private Registers() {}

    static String logName(String reg) {
        return switch (reg) {
            case "bp", "bx", "ax", "cx", "dx", "si", "di", "ip", "sp" -> "r" + reg;
            case "orig_ax" -> "orig_rax";
            case "flags" -> "eflags";
            default -> reg;
        };
    }

    /** A CPU's NT_PRSTATUS registers, or null when the dump has no note for it. */
    public static Map<String, Long> ofCpu(Kernel k, int cpu) {
        for (PrStatus p : k.dump().prstatus()) {
            if (p.cpu() != cpu) continue;
            Map<String, Long> m = new LinkedHashMap<>();
            long[] r = p.registers();
            for (int i = 0; i < Math.min(r.length, PT_REGS.size()); i++) m.put(logName(PT_REGS.get(i)), r[i]);
            return m;
        }
        return null;
    }

    /** The task's entry pt_regs (the state it entered the kernel with), or null when its stack is unknown. */
    public static Map<String, Long> entry(Kernel k, long taskStack, long threadSize) {
        if (taskStack == 0) return null;
        long size = k.sizeOf("pt_regs");
        long regs = taskStack + threadSize - size;
        Map<String, Long> m = new LinkedHashMap<>();
        try {
            for (String r : PT_REGS) {
                if (!k.hasMember("pt_regs", r)) continue;
                long v = k.readU64(regs + k.offsetOf("pt_regs", r));
                if (r.equals("cs") || r.equals("ss")) v &= 0xffff; // 6.6+ keeps more in the upper bits (FRED)
                m.put(logName(r), v);
            }
        } catch (MemoryFault f) {
            return null;
        }
        return m;
    }
}
