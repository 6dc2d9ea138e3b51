package io.kdx.analyzer.tasks;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.Unreadable;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-CPU facts about tasks: the current task (per-CPU current_task, pcpu_hot.current_task from
 * 6.2), the idle task and clock of each runqueue (struct rq: idle, clock), and the panic task (the
 * current task of panic_cpu, which panic() sets; -1 when nobody panicked).
 */
public record CpuState(long[] current, long[] idle, long[] clock, int panicCpu, long panicTask, List<Unreadable> notes) {

    public static CpuState of(Kernel k) {
        return k.cached(CpuState.class, CpuState::read);
    }

    private static CpuState read(Kernel k) {
        int n = k.nrCpus();
        long[] current = new long[n], idle = new long[n], clock = new long[n];
        List<Unreadable> notes = new ArrayList<>();
        long cur = k.symbol("current_task");
        long curOff = 0;
        if (cur == 0 && k.symbol("pcpu_hot") != 0) { // 6.2+: struct pcpu_hot
            cur = k.symbol("pcpu_hot");
            curOff = k.offsetOf("pcpu_hot", "current_task");
        }
        long rq = k.symbol("runqueues");
        long rqIdle = rq != 0 && k.hasMember("rq", "idle") ? k.offsetOf("rq", "idle") : -1;
        long rqClock = rq != 0 && k.hasMember("rq", "clock") ? k.offsetOf("rq", "clock") : -1;
        long rqCurr = rq != 0 && k.hasMember("rq", "curr") ? k.offsetOf("rq", "curr") : -1;
        for (int c = 0; c < n; c++) {
            try {
                if (cur != 0) current[c] = k.readPointer(k.perCpu(cur, c) + curOff);
                else if (rqCurr >= 0) current[c] = k.readPointer(k.perCpu(rq, c) + rqCurr);
            } catch (MemoryFault f) {
                notes.add(Unreadable.of(Unreadable.RUNQUEUE, "current task of CPU " + c, f, "current task of CPU " + c + " unreadable: " + f.getMessage()));
            }
            try {
                if (rqIdle >= 0) idle[c] = k.readPointer(k.perCpu(rq, c) + rqIdle);
                if (rqClock >= 0) clock[c] = k.readU64(k.perCpu(rq, c) + rqClock);
            } catch (MemoryFault f) {
                notes.add(Unreadable.of(Unreadable.RUNQUEUE, "runqueue of CPU " + c, f, "runqueue of CPU " + c + " unreadable: " + f.getMessage()));
            }
        }
        int panicCpu = -1;
        long pc = k.symbol("panic_cpu");
        if (pc != 0) {
            try {
                panicCpu = k.readU32(pc); // atomic_t, PANIC_CPU_INVALID = -1
            } catch (MemoryFault f) {
                notes.add(Unreadable.of(Unreadable.KERNEL, "panic_cpu", f, "panic_cpu unreadable: " + f.getMessage()));
            }
        }
        long panicTask = panicCpu >= 0 && panicCpu < n ? current[panicCpu] : 0;
        return new CpuState(current, idle, clock, panicCpu, panicTask, List.copyOf(notes));
    }
}
