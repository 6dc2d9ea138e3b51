package io.kdx.analyzer.stack;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.tasks.TaskInfo;

/**
 * The stacks a task's kernel stack walk may touch (x86_64): its own task stack
 * [task->stack, +THREAD_SIZE), and for its CPU the hard-IRQ stack (per-CPU hardirq_stack_ptr, or
 * pcpu_hot.hardirq_stack_ptr from 6.2, which points 8 bytes below the top) and the exception stacks
 * (per-CPU cea_exception_stacks: struct cea_exception_stacks in the cpu_entry_area).
 */
final class StackRanges {
    static final String[] KINDS = {"task", "irq", "exception"};
    final long[] lo = new long[3];
    final long[] hi = new long[3];

    /** Index of the stack holding [sp, sp+8), or -1. */
    int find(long sp) {
        for (int i = 0; i < lo.length; i++) {
            if (lo[i] != 0 && Long.compareUnsigned(sp, lo[i]) >= 0 && Long.compareUnsigned(sp + 8, hi[i]) <= 0) return i;
        }
        return -1;
    }

    static long threadSize(Kernel k) {
        try {
            long s = k.sizeOf("thread_union"); // union thread_union { ... unsigned long stack[THREAD_SIZE/sizeof(long)]; }
            if (s > 0) return s;
        } catch (RuntimeException e) {
            // fall through
        }
        return 16384; // x86_64 THREAD_SIZE without KASAN (PAGE_SIZE << 2)
    }

    static StackRanges of(Kernel k, TaskInfo t) {
        StackRanges r = new StackRanges();
        long size = k.cached(ThreadSize.class, kk -> new ThreadSize(threadSize(kk))).bytes();
        if (t.stack() != 0) {
            r.lo[0] = t.stack();
            r.hi[0] = t.stack() + size;
        }
        int cpu = t.cpu();
        if (cpu >= 0 && cpu < k.nrCpus()) {
            try {
                long irq = k.symbol("hardirq_stack_ptr");
                long off = 0;
                if (irq == 0 && k.symbol("pcpu_hot") != 0 && k.hasMember("pcpu_hot", "hardirq_stack_ptr")) {
                    irq = k.symbol("pcpu_hot");
                    off = k.offsetOf("pcpu_hot", "hardirq_stack_ptr");
                }
                if (irq != 0) {
                    long top = k.readPointer(k.perCpu(irq, cpu) + off);
                    if (top != 0) {
                        r.lo[1] = top + 8 - size; // IRQ_STACK_SIZE == THREAD_SIZE on x86_64
                        r.hi[1] = top + 8;
                    }
                }
            } catch (MemoryFault e) {
                // no IRQ stack known
            }
            try {
                long ces = k.symbol("cea_exception_stacks");
                if (ces != 0) {
                    long p = k.readPointer(k.perCpu(ces, cpu));
                    if (p != 0) {
                        r.lo[2] = p;
                        r.hi[2] = p + k.sizeOf("cea_exception_stacks");
                    }
                }
            } catch (RuntimeException e) {
                // no exception stacks known
            }
        }
        return r;
    }

    record ThreadSize(long bytes) {}
}
