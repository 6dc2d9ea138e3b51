package io.kdx.analyzer.tasks;

import io.kdx.analyzer.kernel.SyntheticKernel;

/**
 * Tasks in a {@link SyntheticKernel}, with a task_struct layout of made-up offsets (so nothing
 * depends on one kernel build): init_task and the per-CPU current_task / runqueues of 2 CPUs.
 */
public final class SyntheticTasks {
    public static final int TASKS = 0, PID = 16, TGID = 20, REAL_PARENT = 24, COMM = 32, STATE = 48, EXIT_STATE = 52,
            CPU = 56, STACK = 64, MM = 72, SIGNAL = 80, THREAD_NODE = 88, LAST_ARRIVAL = 104, THREAD_SP = 112,
            RSS_COUNT = 124, SIZE = 192;
    public static final long THREAD_SIZE = 16384;

    public final SyntheticKernel s = new SyntheticKernel();
    public final long initTask;
    public final long[] rq = new long[2];
    final long currentTask = 0x100, runqueues = 0x200;
    final long[] perCpu = new long[2];

    public SyntheticTasks() {
        s.syms.struct("task_struct", SIZE).member("tasks", TASKS, 16).member("pid", PID, 4).member("tgid", TGID, 4)
                .member("real_parent", REAL_PARENT, 8).member("comm", COMM, 16).member("__state", STATE, 4)
                .member("exit_state", EXIT_STATE, 4).member("thread_info.cpu", CPU, 4).member("stack", STACK, 8)
                .member("mm", MM, 8).member("signal", SIGNAL, 8).member("thread_node", THREAD_NODE, 16)
                .member("sched_info.last_arrival", LAST_ARRIVAL, 8).member("thread.sp", THREAD_SP, 8)
                .member("rss_stat.count", RSS_COUNT, 16);
        s.syms.struct("signal_struct", 64).member("thread_head", 0, 16);
        s.syms.struct("mm_struct", 64).member("total_vm", 0, 8).member("rss_stat", 8, 32);
        s.syms.struct("rq", 64).member("curr", 0, 8).member("idle", 8, 8).member("clock", 16, 8);
        s.syms.struct("inactive_task_frame", 56).member("bp", 40, 8).member("ret_addr", 48, 8);
        s.syms.enumerator("MM_FILEPAGES", 0).enumerator("MM_ANONPAGES", 1).enumerator("MM_SHMEMPAGES", 3);
        s.syms.symbol("__per_cpu_start", 0).symbol("__per_cpu_end", 0x1000)
                .symbol("current_task", currentTask).symbol("runqueues", runqueues);
        long nr = s.variable("nr_cpu_ids", 4);
        s.put32(nr, 2);
        long pco = s.variable("__per_cpu_offset", 16);
        for (int c = 0; c < 2; c++) {
            perCpu[c] = s.object(4096); // a per-CPU area: variables at their (small) offsets inside
            s.put64(pco + 8L * c, perCpu[c]); // __per_cpu_offset[c]
            rq[c] = perCpu[c] + runqueues;
        }
        initTask = s.variable("init_task", SIZE);
        init(initTask, 0, 0, 0, "swapper/0", 0, 0);
        s.put64(initTask + TASKS, initTask + TASKS);
        s.put64(rq[0] + 8, initTask);
    }

    private void init(long t, int pid, int tgid, long parent, String comm, int state, int cpu) {
        s.put32(t + PID, pid);
        s.put32(t + TGID, tgid);
        s.put64(t + REAL_PARENT, parent == 0 ? t : parent);
        s.putString(t + COMM, comm);
        s.put32(t + STATE, state);
        s.put32(t + CPU, cpu);
    }

    /** A task with a 16 KiB stack, not yet on any list. */
    public long task(int pid, int tgid, long parent, String comm, int state, int cpu) {
        long t = s.object(SIZE);
        init(t, pid, tgid, parent, comm, state, cpu);
        long stack = s.mem.allocAligned(4, THREAD_SIZE);
        s.put64(t + STACK, SyntheticKernel.DIRECT_MAP + stack);
        return t;
    }

    /** Appends processes to init_task.tasks, each with a signal_struct listing its threads (leader first). */
    public void processes(long[]... groups) {
        long prev = initTask + TASKS;
        for (long[] g : groups) {
            long leader = g[0];
            s.put64(prev, leader + TASKS);
            prev = leader + TASKS;
            long sig = s.object(64);
            long tprev = sig;
            for (long t : g) {
                s.put64(t + SIGNAL, sig);
                s.put64(tprev, t + THREAD_NODE);
                tprev = t + THREAD_NODE;
            }
            s.put64(tprev, sig);
        }
        s.put64(prev, initTask + TASKS);
    }

    public void current(int cpu, long task) {
        s.put64(perCpu[cpu] + currentTask, task);
        s.put64(rq[cpu], task);
    }

    public void idle(int cpu, long task) {
        s.put64(rq[cpu] + 8, task);
    }
}
