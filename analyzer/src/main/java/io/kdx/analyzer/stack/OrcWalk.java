package io.kdx.analyzer.stack;

import io.kdx.analyzer.text.Fmt;
import static io.kdx.symbols.OrcRow.*;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.tasks.TaskInfo;
import io.kdx.analyzer.x86_64.X86_64;
import io.kdx.dump.PrStatus;
import io.kdx.symbols.OrcRow;
import io.kdx.symbols.OrcTable;
import java.util.ArrayList;
import java.util.List;

/**
 * One stack walk, following the rules of the kernel's ORC unwinder (arch/x86/kernel/unwind_orc.c,
 * 6.1): look up the row for ip (ip - 1 for a return address), compute the caller's stack pointer
 * from sp_reg/sp_offset, then by type: CALL reads the return address below it; REGS reads a full
 * pt_regs there, REGS_PARTIAL an iret frame; then the caller's bp by bp_reg. The stack pointer must
 * rise within one stack, or move to another known stack across an exception or IRQ stack switch.
 */
final class OrcWalk {
    // struct pt_regs offsets (arch/x86/include/asm/ptrace.h, x86_64; fixed by the entry code)
    static final int PT_R13 = 16, PT_BP = 32, PT_R10 = 56, PT_DX = 96, PT_DI = 112, PT_IP = 128, PT_CS = 136, PT_SP = 152;
    // iret frame: ip, cs, flags, sp, ss
    static final int IRET_IP = 0, IRET_CS = 8, IRET_SP = 24;

    final Kernel k;
    final TaskInfo task;
    final List<Frame> frames = new ArrayList<>();
    /** The stack each frame's sp lies on: "task", "irq", "exception", or "?". */
    final List<String> stackKinds = new ArrayList<>();
    String note;
    /** The unreadable read that ended or cut the walk, or null. */
    MemoryFault fault;
    /** What that read was after, named for the record: {@code stack of task_struct 0x…: …} (the task and the frame). */
    String faultObject;
    private final Symbolizer sym;
    private final StackRanges stacks;
    private final OrcTable orc;
    private final ModuleOrc moduleOrc;
    private final OrcRow row = new OrcRow();

    // unwind state
    private long ip, sp, bp;
    private boolean signal;       // ip is the interrupted instruction, not a return address
    private long regsAt = 0;      // pt_regs in memory for the current frame, or 0
    private boolean fullRegs;     // regsAt holds a full pt_regs (not only the iret frame)
    private long[] cpuRegs;       // NT_PRSTATUS registers for frame 0 of an active task

    OrcWalk(Kernel k, TaskInfo task) {
        this.k = k;
        this.task = task;
        this.sym = k.cached(Symbolizer.class, Symbolizer::new);
        this.stacks = StackRanges.of(k, task);
        this.orc = k.symbols().orc();
        this.moduleOrc = k.cached(ModuleOrc.class, ModuleOrc::new);
    }

    private void add(Frame f) {
        frames.add(f);
        int s = stacks.find(f.sp());
        stackKinds.add(s < 0 ? "?" : StackRanges.KINDS[s]);
    }

    void end(String why) {
        if (note == null) note = why;
    }

    /** Ends the walk at an unreadable read, keeping its fault and what it read for the record of what could not be read. */
    private void end(String why, MemoryFault f, String object) {
        if (note == null) faulted(f, object);
        end(why);
    }

    /** Keeps the first fault that cut the walk and what was being read when it came. */
    private void faulted(MemoryFault f, String object) {
        if (fault != null) return;
        fault = f;
        faultObject = Fmt.format("stack of task_struct 0x%x: %s", task.task(), object);
    }

    /** The frame the walk is leaving, as the records name it: {@code frame #N function+0xoff}. */
    private String lastFrame() {
        if (frames.isEmpty()) return Fmt.format("the stack at 0x%x", sp);
        Frame f = frames.getLast();
        return "frame #" + f.level() + " " + f.symbolic();
    }

    void run() {
        String how;
        long shownSp;
        PrStatus prs = task.active() ? prstatus(task.cpu()) : null;
        if (prs != null) {
            cpuRegs = prs.registers();
            ip = cpuRegs[X86_64.IP];
            sp = cpuRegs[X86_64.SP];
            bp = cpuRegs[X86_64.BP];
            if ((cpuRegs[X86_64.CS] & 3) == 3) {
                end(Fmt.format("CPU %d is in user mode (ip %016x)", task.cpu(), ip));
                return;
            }
            signal = true;
            fullRegs = true;
            how = "regs";
            shownSp = sp;
        } else {
            if (task.active()) {
                end("active on CPU " + task.cpu() + " but the dump has no register note for it");
                return;
            }
            long threadSp = k.offsetOf("task_struct", "thread.sp");
            long saved;
            try {
                saved = k.readPointer(task.task() + threadSp);
            } catch (MemoryFault f) {
                end("thread.sp unreadable: " + f.getMessage(), f, "thread.sp");
                return;
            }
            if (stacks.find(saved) != 0) {
                end(Fmt.format("saved stack pointer %016x is outside the task's stack [%016x, %016x)", saved,
                        stacks.lo[0], stacks.hi[0]));
                return;
            }
            // __switch_to_asm pushed the callee-saved registers below the return address.
            long frameSize = k.sizeOf("inactive_task_frame");
            try {
                ip = k.readPointer(saved + k.offsetOf("inactive_task_frame", "ret_addr"));
                bp = k.readPointer(saved + k.offsetOf("inactive_task_frame", "bp"));
            } catch (MemoryFault f) {
                end("saved frame unreadable: " + f.getMessage(), f, Fmt.format("inactive_task_frame 0x%x", saved));
                return;
            }
            shownSp = saved + k.offsetOf("inactive_task_frame", "ret_addr");
            sp = saved + frameSize;
            signal = false;
            how = "regs";
        }
        int stack = stacks.find(sp);
        if (stack < 0) {
            end(Fmt.format("stack pointer %016x is on none of the task's stacks", sp));
            return;
        }
        while (frames.size() < Unwinder.MAX_FRAMES) {
            if (ip == 0) {
                end("end of stack (no return address)");
                return;
            }
            add(sym.frame(frames.size(), shownSp, ip, how, !signal));
            if (!sym.isText(ip)) {
                scan(Fmt.format("%016x is not kernel text", ip));
                return;
            }
            long lookupIp = signal ? ip : ip - 1;
            boolean haveRow;
            if (sym.isKernelText(ip)) {
                haveRow = orc != null && orc.find(lookupIp - k.kaslrOffset(), row);
            } else {
                Modules.Module m = sym.modules().moduleOf(ip);
                haveRow = m != null && moduleOrc.find(m, lookupIp, row);
            }
            if (!haveRow) {
                if (!framePointerStep(orc == null ? "no ORC table" : "no ORC row for " + hex(ip))) return;
                how = "fp";
                shownSp = sp - 8;
                continue;
            }
            if (row.type == TYPE_END_OF_STACK) {
                end("end of stack");
                return;
            }
            if (row.type == TYPE_UNDEFINED || row.spReg == REG_UNDEFINED) {
                scan("undefined ORC row at " + hex(ip));
                return;
            }
            long cfa;
            boolean indirect = false;
            switch (row.spReg) {
                case REG_SP -> cfa = sp + row.spOffset;
                case REG_BP -> cfa = bp + row.spOffset;
                case REG_SP_INDIRECT -> {
                    cfa = sp;
                    indirect = true;
                }
                case REG_BP_INDIRECT -> {
                    cfa = bp + row.spOffset;
                    indirect = true;
                }
                case REG_DI -> cfa = reg(PT_DI, X86_64.DI);
                case REG_DX -> cfa = reg(PT_DX, X86_64.DX);
                case REG_R10 -> cfa = reg(PT_R10, X86_64.R10);
                case REG_R13 -> cfa = reg(PT_R13, X86_64.R13);
                default -> cfa = -1;
            }
            if (cfa == -1) {
                scan("ORC needs register " + row.spReg + " that is not saved, at " + hex(ip));
                return;
            }
            long nip, nsp;
            long nRegsAt = 0;
            boolean nFull = false, nSignal;
            try {
                if (indirect) {
                    cfa = k.readPointer(cfa);
                    if (row.spReg == REG_SP_INDIRECT) cfa += row.spOffset;
                }
                switch (row.type) {
                    case TYPE_CALL -> {
                        nip = k.readPointer(cfa - 8);
                        nsp = cfa;
                        nSignal = false;
                        shownSp = cfa - 8;
                        how = "orc";
                    }
                    case TYPE_REGS -> {
                        nip = k.readPointer(cfa + PT_IP);
                        nsp = k.readPointer(cfa + PT_SP);
                        if ((k.readPointer(cfa + PT_CS) & 3) == 3) {
                            end(Fmt.format("user mode (pt_regs at %016x, ip %016x)", cfa, nip));
                            return;
                        }
                        nRegsAt = cfa;
                        nFull = true;
                        nSignal = true;
                        shownSp = cfa;
                        how = "regs";
                    }
                    case TYPE_REGS_PARTIAL -> {
                        nip = k.readPointer(cfa + IRET_IP);
                        nsp = k.readPointer(cfa + IRET_SP);
                        if ((k.readPointer(cfa + IRET_CS) & 3) == 3) {
                            end(Fmt.format("user mode (iret frame at %016x, ip %016x)", cfa, nip));
                            return;
                        }
                        nRegsAt = cfa - PT_IP;
                        nSignal = true;
                        shownSp = cfa;
                        how = "regs";
                    }
                    default -> {
                        scan("unknown ORC type " + row.type + " at " + hex(ip));
                        return;
                    }
                }
                switch (row.bpReg) {
                    case REG_UNDEFINED -> {
                        if (nFull) bp = k.readPointer(nRegsAt + PT_BP);
                    }
                    case REG_PREV_SP -> bp = k.readPointer(cfa + row.bpOffset);
                    case REG_BP -> bp = k.readPointer(bp + row.bpOffset);
                    default -> { }
                }
            } catch (MemoryFault f) {
                faulted(f, "caller of " + lastFrame());
                scan("stack unreadable: " + f.getMessage());
                return;
            }
            int nstack = stacks.find(nsp);
            if (nstack < 0) {
                end(Fmt.format("caller's stack pointer %016x is on none of the task's stacks (after %s)", nsp, hex(ip)));
                return;
            }
            if (nstack == stack && Long.compareUnsigned(nsp, sp) <= 0) {
                end(Fmt.format("stack pointer does not rise (%016x after %016x at %s)", nsp, sp, hex(ip)));
                return;
            }
            stack = nstack;
            ip = nip;
            sp = nsp;
            signal = nSignal;
            regsAt = nRegsAt;
            fullRegs = nFull;
            cpuRegs = null;
        }
        end("stopped after " + Unwinder.MAX_FRAMES + " frames");
    }

    private long reg(int ptOffset, int prIndex) {
        if (cpuRegs != null) return cpuRegs[prIndex];
        if (regsAt != 0 && fullRegs) {
            try {
                return k.readPointer(regsAt + ptOffset);
            } catch (MemoryFault f) {
                return -1;
            }
        }
        return -1;
    }

    /** One frame-pointer step (bp -> {saved bp, return address}); false (and the walk ended) when bp is no frame. */
    private boolean framePointerStep(String why) {
        int s = stacks.find(sp);
        if (bp != 0 && s >= 0 && stacks.find(bp) == s && Long.compareUnsigned(bp, sp) >= 0
                && Long.compareUnsigned(bp + 16, stacks.hi[s]) <= 0) {
            try {
                long ret = k.readPointer(bp + 8);
                if (sym.isText(ret)) {
                    long nbp = k.readPointer(bp);
                    sp = bp + 16;
                    bp = nbp;
                    ip = ret;
                    signal = false;
                    regsAt = 0;
                    cpuRegs = null;
                    return true;
                }
            } catch (MemoryFault f) {
                faulted(f, Fmt.format("frame pointer 0x%x above %s", bp, lastFrame())); // then the scan
            }
        }
        scan(why);
        return false;
    }

    /** Ends the walk with the text addresses left on the current stack, as unreliable frames. */
    private void scan(String why) {
        int s = stacks.find(sp);
        if (s < 0) {
            end(why);
            return;
        }
        int found = 0;
        long a = (sp + 7) & ~7L;
        try {
            for (; Long.compareUnsigned(a + 8, stacks.hi[s]) <= 0 && frames.size() < Unwinder.MAX_FRAMES; a += 8) {
                long w = k.readPointer(a);
                if (sym.isText(w)) {
                    add(sym.frame(frames.size(), a, w, "scan", true));
                    found++;
                }
            }
        } catch (MemoryFault f) {
            end(why + "; scan stopped: " + f.getMessage(), f, "scan above " + lastFrame());
            return;
        }
        end(why + (found > 0 ? "; the rest found by scanning the stack (unreliable)" : ""));
    }

    private PrStatus prstatus(int cpu) {
        for (PrStatus p : k.dump().prstatus()) if (p.cpu() == cpu) return p;
        return null;
    }

    private String hex(long a) {
        Frame f = sym.frame(0, 0, a, "", false);
        return f.function() != null ? f.symbolic() : Fmt.format("%016x", a);
    }
}
