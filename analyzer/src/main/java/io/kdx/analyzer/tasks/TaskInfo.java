package io.kdx.analyzer.tasks;

/**
 * One task (process or thread) as the kernel recorded it.
 *
 * @param task          address of the task_struct
 * @param pid           task_struct.pid (the global pid; the thread id for threads)
 * @param tgid          task_struct.tgid (the process id)
 * @param ppid          real_parent's tgid, as /proc/PID/status PPid (0 for the idle tasks, init and kthreadd)
 * @param comm          task_struct.comm
 * @param state         the state as crash prints it: RU IN UN ST TR ZO DE PA ID WA NE, or "??"
 * @param stateBits     __state (state before 5.14) | exit_state, as read
 * @param cpu           the CPU it last ran on (thread_info.cpu, task_struct.cpu before 5.16)
 * @param ppid          real_parent's tgid, as /proc/PID/status PPid (0 for the idle tasks, init and kthreadd); -1
 *                      when unknown (the reason in {@code unknown})
 * @param rssKiB        resident set of its mm in KiB (file + anon + shmem counters, as /proc VmRSS); 0 for kernel
 *                      threads; -1 when unknown (the mm or its counters unreadable: the reason in {@code unknown})
 * @param vszKiB        mm->total_vm in KiB; 0 for kernel threads; -1 when unknown
 * @param memPercent    rss as a percentage of totalram_pages; NaN when unknown
 * @param lastArrivalNs sched_info.last_arrival (runqueue clock, ns), or -1 when not recorded
 * @param sinceRunNs    the task's runqueue clock minus last_arrival (how long ago it last ran), or -1
 * @param active        the current task of its CPU when the dump was taken
 * @param panicTask     the task that called panic() (the active task of panic_cpu)
 * @param stack         task_struct.stack: the base of its kernel stack
 * @param mm            task_struct.mm (0 for kernel threads)
 * @param gaps          field name ({@code ppid}, {@code rss}, {@code vsz}, {@code mem_percent},
 *                      {@code last_arrival_ns}, {@code since_run_ns}) to why it is unknown, as a record
 *                      (its text the reason; the address and page state of the fault, if one read failed):
 *                      printed as unknown / JSON null with this reason, never as 0 (issue #12)
 */
public record TaskInfo(
        long task,
        int pid,
        int tgid,
        int ppid,
        String comm,
        String state,
        long stateBits,
        int cpu,
        long rssKiB,
        long vszKiB,
        double memPercent,
        long lastArrivalNs,
        long sinceRunNs,
        boolean active,
        boolean panicTask,
        long stack,
        long mm,
        java.util.Map<String, io.kdx.analyzer.kernel.Unreadable> gaps) {

    /** A field's value is known (not in {@link #gaps()}). */
    public boolean known(String field) {
        return !gaps.containsKey(field);
    }

    /** Field name to why it is unknown (the reasons of {@link #gaps()}), in field order. */
    public java.util.Map<String, String> unknown() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        gaps.forEach((f, u) -> m.put(f, u.text()));
        return java.util.Collections.unmodifiableMap(m);
    }

    public boolean isThreadGroupLeader() {
        return pid == tgid;
    }

    public boolean isKernelThread() {
        return mm == 0;
    }

    /** The state letter /proc/PID/status and ps use (R S D T t X Z P I), or '?'. */
    public char procLetter() {
        return TaskStates.procLetter(state);
    }
}
