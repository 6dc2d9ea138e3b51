package io.kdx.analyzer.tasks;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.symbols.Member;
import io.kdx.symbols.Type;

/**
 * Offsets of the task_struct members kdx reads, resolved once per kernel, with the version
 * differences settled here: __state (5.14+) or state; thread_info.cpu (5.16+) or cpu; the thread
 * list signal->thread_head / thread_node (3.14+) or thread_group; mm->rss_stat as struct
 * mm_rss_stat (before 6.2) or an array of percpu_counter (6.2+). Absent members are -1.
 */
public final class TaskLayout {
    public final long tasks, pid, tgid, realParent, comm, state, exitState, cpu, stack, mm, signal;
    public final int stateSize;
    public final long threadNode, threadGroup, signalThreadHead;
    public final long lastArrival, threadSp, onCpu;
    public final long mmTotalVm, mmRssStat;
    /** task_struct.rss_stat.count: per-thread counts not yet folded into the mm (SPLIT_RSS_COUNTING, before 6.2). */
    public final long taskRssCount;
    public final boolean rssPercpuCounter;
    public final long percpuCounterCount, percpuCounterCounters;
    public final long rssCounterStride;
    public final int mmFilePages, mmAnonPages, mmShmemPages;

    public TaskLayout(Kernel k) {
        tasks = k.offsetOf("task_struct", "tasks");
        pid = k.offsetOf("task_struct", "pid");
        tgid = k.offsetOf("task_struct", "tgid");
        realParent = k.offsetOf("task_struct", "real_parent");
        comm = k.offsetOf("task_struct", "comm");
        String st = k.hasMember("task_struct", "__state") ? "__state" : "state"; // renamed in 5.14
        state = k.offsetOf("task_struct", st);
        Member sm = k.types().struct("task_struct").member(st);
        stateSize = sm == null ? 4 : (int) sm.size();
        exitState = opt(k, "task_struct", "exit_state");
        long c = opt(k, "task_struct", "thread_info.cpu"); // moved into thread_info in 5.16
        cpu = c >= 0 ? c : opt(k, "task_struct", "cpu");
        stack = opt(k, "task_struct", "stack");
        mm = k.offsetOf("task_struct", "mm");
        signal = opt(k, "task_struct", "signal");
        threadNode = opt(k, "task_struct", "thread_node");
        threadGroup = opt(k, "task_struct", "thread_group"); // removed in 6.7
        signalThreadHead = opt(k, "signal_struct", "thread_head");
        lastArrival = opt(k, "task_struct", "sched_info.last_arrival");
        threadSp = opt(k, "task_struct", "thread.sp");
        onCpu = opt(k, "task_struct", "on_cpu");
        mmTotalVm = opt(k, "mm_struct", "total_vm");
        mmRssStat = opt(k, "mm_struct", "rss_stat");
        taskRssCount = opt(k, "task_struct", "rss_stat.count");
        Type rt = null;
        if (mmRssStat >= 0) {
            Member m = k.types().struct("mm_struct").member("rss_stat");
            rt = m == null ? null : m.type().resolved();
        }
        rssPercpuCounter = rt != null && rt.kind() == Type.Kind.ARRAY; // 6.2: percpu_counter rss_stat[]
        if (rssPercpuCounter) {
            percpuCounterCount = opt(k, "percpu_counter", "count");
            percpuCounterCounters = opt(k, "percpu_counter", "counters");
            rssCounterStride = k.sizeOf("percpu_counter");
        } else {
            percpuCounterCount = -1;
            percpuCounterCounters = -1;
            rssCounterStride = 8; // mm_rss_stat.count[] of atomic_long_t
        }
        mmFilePages = (int) k.types().enumerator("MM_FILEPAGES").orElse(0);
        mmAnonPages = (int) k.types().enumerator("MM_ANONPAGES").orElse(1);
        mmShmemPages = (int) k.types().enumerator("MM_SHMEMPAGES").orElse(3);
    }

    private static long opt(Kernel k, String struct, String member) {
        return io.kdx.analyzer.kernel.StructOffsets.optional(k, struct, member);
    }
}
