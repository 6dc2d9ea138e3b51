package io.kdx.analyzer.tasks;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.KernelLists;
import io.kdx.analyzer.kernel.LongSet;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.Unreadable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The task list: the idle task of each CPU, then every process on init_task.tasks and every thread
 * of each (signal->thread_head), in kernel list order. Walks are bounded; what could not be read is
 * reported in {@link Result#notes()}.
 */
public final class Tasks {
    private Tasks() {}

    /**
     * The tasks, and what went wrong while walking them. Every note is something not read: a task, a
     * thread list, the process list itself past a point, a CPU's current task or runqueue (its idle
     * task and active mark). {@link #complete()} is false when there is any.
     */
    public record Result(List<TaskInfo> tasks, List<Unreadable> unreadable, java.util.Map<Long, String> foundBy) {
        public Result(List<TaskInfo> tasks, List<Unreadable> unreadable) {
            this(tasks, unreadable, java.util.Map.of());
        }

        /** The sentences of {@link #unreadable()}. */
        public List<String> notes() {
            return Unreadable.texts(unreadable);
        }

        /**
         * The route that found a task: {@code task_list} (init_task.tasks and the thread lists),
         * {@code runqueue} (a CPU's idle or current task, or its CFS queue), or, when the task list
         * broke, {@code pid_idr} (the init pid namespace's IDR) or {@code wait_queue} (a wait queue
         * reachable from a global root: a super_block's freeze queues or s_umount, the audit queues).
         */
        public String foundBy(long task) {
            return foundBy.getOrDefault(task, TaskRecovery.TASK_LIST);
        }

        public boolean complete() {
            return unreadable.isEmpty();
        }

        /** The walk of init_task.tasks stopped early, or read no process at all: the list cannot be trusted. */
        public boolean listBroken() {
            return tasks.isEmpty() || unreadable.stream().anyMatch(u -> INIT_TASKS.equals(u.object())
                    || u.object() != null && (u.object().startsWith("current task of CPU ") || u.object().startsWith("runqueue of CPU ")))
                    || tasks.stream().noneMatch(t -> t.pid() > 0);
        }
    }

    /** The object of the record that says the process list broke. */
    public static final String INIT_TASKS = "init_task.tasks";

    /** A {@code found_by} route as a sentence names it. */
    public static String routeName(String route) {
        return TaskRecovery.routeName(route);
    }

    /** Every process and thread (the idle tasks as pid 0, one per CPU). */
    public static List<TaskInfo> list(Kernel k) {
        return walk(k).tasks();
    }

    public static Result walk(Kernel k) {
        TaskLayout l = k.cached(TaskLayout.class, TaskLayout::new);
        CpuState cpus = CpuState.of(k);
        List<Unreadable> notes = new ArrayList<>(cpus.notes());
        long totalRamPages = totalRamPages(k);
        List<Long> order = new ArrayList<>();
        java.util.Map<Long, String> foundBy = new java.util.HashMap<>();
        LongSet seen = new LongSet();
        long init = k.symbol("init_task");
        if (init == 0) throw new io.kdx.analyzer.kernel.MissingTypeException("no symbol init_task in " + k.symbols().source());
        seen.add(init);
        order.add(init);
        for (int c = 1; c < cpus.idle().length; c++) {
            long idle = cpus.idle()[c];
            if (idle != 0 && seen.add(idle)) {
                order.add(idle);
                foundBy.put(idle, TaskRecovery.RUNQUEUE);
            }
        }
        KernelLists.Walk w = KernelLists.listForEach(k, init + l.tasks, l.tasks, KernelLists.DEFAULT_CAP, leader -> {
            if (seen.add(leader)) order.add(leader);
            KernelLists.Walk tw = threads(k, l, leader, t -> {
                if (seen.add(t)) order.add(t);
                return true;
            });
            if (!tw.complete()) {
                notes.add(Unreadable.of(Unreadable.TASK_LIST, Fmt.format("thread list of task_struct 0x%x", leader), tw,
                        Fmt.format("threads of task 0x%016x: %s", leader, tw.note())));
            }
            return true;
        });
        if (!w.complete()) {
            notes.add(Unreadable.of(Unreadable.TASK_LIST, INIT_TASKS, w, "init_task.tasks: " + w.note()));
            recover(k, cpus, seen, order, foundBy, notes);
        }
        java.util.Map<Long, Long> pending = pendingRss(k, l, order);
        List<TaskInfo> out = new ArrayList<>(order.size());
        for (long t : order) {
            try {
                out.add(read(k, l, cpus, t, totalRamPages, pending));
            } catch (MemoryFault f) {
                notes.add(Unreadable.of(Unreadable.TASK_LIST, Fmt.format("task_struct 0x%x", t), f,
                        Fmt.format("task 0x%016x unreadable: %s", t, f.getMessage())));
            }
        }
        checkCpus(cpus, seen, notes);
        return new Result(Collections.unmodifiableList(out), List.copyOf(notes), java.util.Map.copyOf(foundBy));
    }

    /**
     * The task list broke: the tasks it did not reach are looked for by the other routes the kernel
     * keeps (the pid namespace's IDR, then the runqueues, then the wait queues), each found task marked with its route.
     */
    static void recover(Kernel k, CpuState cpus, LongSet seen, List<Long> order, java.util.Map<Long, String> foundBy,
            List<Unreadable> notes) {
        int before = order.size();
        Unreadable idr = TaskRecovery.byPidIdr(k, t -> {
            if (seen.add(t)) {
                order.add(t);
                foundBy.put(t, TaskRecovery.PID_IDR);
            }
            return true;
        });
        int byIdr = order.size() - before;
        Unreadable rq = TaskRecovery.byRunqueues(k, cpus, t -> {
            if (seen.add(t)) {
                order.add(t);
                foundBy.put(t, TaskRecovery.RUNQUEUE);
            }
            return true;
        });
        int byRq = order.size() - before - byIdr;
        Unreadable wq = TaskRecovery.byWaitQueues(k, t -> {
            if (seen.add(t)) {
                order.add(t);
                foundBy.put(t, TaskRecovery.WAIT_QUEUE);
            }
            return true;
        });
        int byWq = order.size() - before - byIdr - byRq;
        notes.add(Unreadable.of(Unreadable.TASK_LIST, INIT_TASKS, Fmt.format("tasks recovered past the broken task list: %d by the"
                + " init pid namespace's IDR, %d by the runqueues, %d by the wait queues (found_by says which)", byIdr, byRq, byWq)));
        if (idr != null) notes.add(idr.withText("the pid IDR could not be read in full: " + idr.text()));
        if (rq != null) notes.add(rq.withText("the runqueues could not be read in full: " + rq.text()));
        if (wq != null) notes.add(wq.withText("the wait queues could not be read in full: " + wq.text()));
    }

    /**
     * A CPU whose current or idle task is not among the tasks found has lost its idle task or its
     * active mark: say so (issue #12: a damaged dump lost CPU 1's idle task and every active mark silently).
     */
    static void checkCpus(CpuState cpus, LongSet seen, List<Unreadable> notes) {
        if (cpus.notes().stream().anyMatch(u -> u.kind().equals(Unreadable.RUNQUEUE))) return;
        for (int c = 0; c < cpus.current().length; c++) {
            long cur = cpus.current()[c];
            String what = "current task of CPU " + c;
            if (cur == 0) notes.add(Unreadable.of(Unreadable.RUNQUEUE, what, what + " unreadable: the per-CPU current_task is 0"));
            else if (!seen.contains(cur)) notes.add(Unreadable.of(Unreadable.RUNQUEUE, what, Fmt.format("%s unreadable: 0x%x is not a task kdx found", what, cur)));
        }
    }

    /**
     * One task read at its address, for a task found by another route than the task list (a wait
     * queue's entry, a runqueue) when the list is broken.
     */
    public static TaskInfo readOne(Kernel k, long task) {
        TaskLayout l = k.cached(TaskLayout.class, TaskLayout::new);
        return read(k, l, CpuState.of(k), task, totalRamPages(k), java.util.Map.of());
    }

    /** Visits the other threads of a thread group (signal->thread_head, or thread_group before 6.7). */
    static KernelLists.Walk threads(Kernel k, TaskLayout l, long leader, java.util.function.LongPredicate v) {
        if (l.signal >= 0 && l.signalThreadHead >= 0 && l.threadNode >= 0) {
            long sig;
            try {
                sig = k.readPointer(leader + l.signal);
            } catch (MemoryFault f) {
                return new KernelLists.Walk(0, "signal unreadable: " + f.getMessage(), f);
            }
            if (sig == 0) return new KernelLists.Walk(0, null); // exited, signal released
            return KernelLists.listForEach(k, sig + l.signalThreadHead, l.threadNode, KernelLists.DEFAULT_CAP, v);
        }
        if (l.threadGroup >= 0) {
            return KernelLists.listForEach(k, leader + l.threadGroup, l.threadGroup, KernelLists.DEFAULT_CAP, v);
        }
        return new KernelLists.Walk(0, "no thread list in task_struct");
    }

    /**
     * Before 6.2 (SPLIT_RSS_COUNTING) each thread holds up to 64 page-count events not yet added
     * to its mm (task_struct.rss_stat); crash adds them to the mm's counters, and so does kdx. An mm
     * one of whose threads' counts could not be read maps to null: its rss is unknown, not short.
     */
    static java.util.Map<Long, Long> pendingRss(Kernel k, TaskLayout l, List<Long> tasks) {
        java.util.Map<Long, Long> m = new java.util.HashMap<>();
        if (l.taskRssCount < 0) return m;
        for (long t : tasks) {
            long mm;
            try {
                mm = k.readPointer(t + l.mm);
            } catch (MemoryFault f) {
                continue; // the task itself is then unreadable, and said so
            }
            if (mm == 0) continue;
            try {
                long c = taskCount(k, t + l.taskRssCount, l.mmFilePages) + taskCount(k, t + l.taskRssCount, l.mmAnonPages)
                        + taskCount(k, t + l.taskRssCount, l.mmShmemPages);
                if (!m.containsKey(mm) || m.get(mm) != null) m.merge(mm, c, Long::sum);
            } catch (MemoryFault f) {
                m.put(mm, null);
            }
        }
        return m;
    }

    private static long taskCount(Kernel k, long counts, int index) {
        return k.readU32(counts + 4L * index); // int count[NR_MM_COUNTERS]
    }

    static TaskInfo read(Kernel k, TaskLayout l, CpuState cpus, long t, long totalRamPages, java.util.Map<Long, Long> pending) {
        java.util.Map<String, Unreadable> unknown = new java.util.LinkedHashMap<>();
        int pid = k.readU32(t + l.pid);
        int tgid = k.readU32(t + l.tgid);
        long parent = k.readPointer(t + l.realParent);
        int ppid = 0;
        if (pid != 0 && parent != 0 && parent != t) {
            try {
                ppid = k.readU32(parent + l.tgid);
            } catch (MemoryFault f) {
                ppid = -1;
                unknown.put("ppid", Unreadable.of(Unreadable.TASK, Fmt.format("task_struct 0x%x .tgid (real_parent of 0x%x)", parent, t), f,
                        Fmt.format("real_parent 0x%x unreadable: %s", parent, f.getMessage())));
            }
        }
        String comm = k.readCString(t + l.comm, 16);
        long bits = l.stateSize == 8 ? k.readU64(t + l.state) : k.readU32(t + l.state) & 0xffff_ffffL;
        if (l.exitState >= 0) bits |= k.readU32(t + l.exitState) & 0xffff_ffffL;
        int cpu = l.cpu >= 0 ? k.readU32(t + l.cpu) : 0;
        long stack = l.stack >= 0 ? k.readPointer(t + l.stack) : 0;
        long mm = k.readPointer(t + l.mm);
        long kib = k.dump().pageSize() / 1024;
        long rssKiB = 0, vszKiB = 0;
        if (mm != 0) {
            rssKiB = -1;
            vszKiB = -1;
            if (l.mmRssStat < 0) {
                unknown.put("rss", gap("no mm_struct.rss_stat in the symbols"));
            } else if (pending.containsKey(mm) && pending.get(mm) == null) {
                unknown.put("rss", Unreadable.of(Unreadable.TASK, Fmt.format("mm_struct 0x%x .rss_stat", mm),
                        Fmt.format("mm 0x%x: a thread's pending rss_stat counts are unreadable", mm)));
            } else {
                try {
                    Long p = pending.get(mm);
                    rssKiB = Math.max(0, rssPages(k, l, mm) + (p == null ? 0 : p)) * kib;
                } catch (MemoryFault f) {
                    unknown.put("rss", Unreadable.of(Unreadable.TASK, Fmt.format("mm_struct 0x%x .rss_stat", mm), f,
                            Fmt.format("mm 0x%x rss_stat unreadable: %s", mm, f.getMessage())));
                }
            }
            if (l.mmTotalVm < 0) {
                unknown.put("vsz", gap("no mm_struct.total_vm in the symbols"));
            } else {
                try {
                    vszKiB = k.readU64(mm + l.mmTotalVm) * kib;
                } catch (MemoryFault f) {
                    unknown.put("vsz", Unreadable.of(Unreadable.TASK, Fmt.format("mm_struct 0x%x .total_vm", mm), f,
                            Fmt.format("mm 0x%x total_vm unreadable: %s", mm, f.getMessage())));
                }
            }
        }
        long last = -1, since = -1;
        if (l.lastArrival >= 0) {
            last = k.readU64(t + l.lastArrival);
            long clock = cpu >= 0 && cpu < cpus.clock().length ? cpus.clock()[cpu] : -1;
            if (clock > 0 && last > 0 && Long.compareUnsigned(clock, last) >= 0) since = clock - last;
            else unknown.put("since_run_ns", gap(clock <= 0 ? "runqueue clock of CPU " + cpu + " unknown"
                    : last == 0 ? "never ran (sched_info.last_arrival 0)" : "sched_info.last_arrival after the runqueue clock"));
        } else {
            unknown.put("last_arrival_ns", gap("no sched_info.last_arrival in the symbols (CONFIG_SCHED_INFO off)"));
            unknown.put("since_run_ns", gap("no sched_info.last_arrival in the symbols (CONFIG_SCHED_INFO off)"));
        }
        boolean active = cpu >= 0 && cpu < cpus.current().length && cpus.current()[cpu] == t;
        if (!active) {
            for (long cur : cpus.current()) if (cur == t) active = true;
        }
        boolean panic = cpus.panicTask() == t;
        double pct;
        if (rssKiB < 0) {
            pct = Double.NaN;
            unknown.put("mem_percent", unknown.getOrDefault("rss", gap("rss unknown")).withText("rss unknown"));
        } else if (totalRamPages <= 0) {
            pct = Double.NaN;
            unknown.put("mem_percent", Unreadable.of(Unreadable.MEMORY, "_totalram_pages", "totalram_pages unreadable"));
        } else {
            pct = 100.0 * (rssKiB / kib) / totalRamPages;
        }
        return new TaskInfo(t, pid, tgid, ppid, comm, TaskStates.crashName(bits), bits, cpu,
                rssKiB, vszKiB, pct, last, since, active, panic, stack, mm, java.util.Collections.unmodifiableMap(unknown));
    }

    /** A field unknown for a reason that is no unreadable address (a member this kernel lacks, a task that never ran). */
    private static Unreadable gap(String why) {
        return Unreadable.of(Unreadable.TASK, null, why);
    }

    /** get_mm_rss(): file + anon + shmem pages (include/linux/mm.h); clamped at 0 like the kernel. */
    static long rssPages(Kernel k, TaskLayout l, long mm) {
        if (l.mmRssStat < 0) return 0;
        long base = mm + l.mmRssStat;
        long sum = counter(k, l, base, l.mmFilePages) + counter(k, l, base, l.mmAnonPages)
                + counter(k, l, base, l.mmShmemPages);
        return Math.max(0, sum);
    }

    private static long counter(Kernel k, TaskLayout l, long base, int index) {
        long c = base + l.rssCounterStride * index;
        if (!l.rssPercpuCounter) return Math.max(0, k.readU64(c));
        long v = k.readU64(c + l.percpuCounterCount);
        long pcp = k.readPointer(c + l.percpuCounterCounters);
        if (pcp != 0) {
            for (int cpu = 0; cpu < k.nrCpus(); cpu++) v += k.readU32(k.perCpu(pcp, cpu)); // s32 per CPU
        }
        return Math.max(0, v);
    }

    /** totalram_pages: _totalram_pages (atomic_long_t, 5.0+) or the older unsigned long variable. */
    static long totalRamPages(Kernel k) {
        try {
            long a = k.symbol("_totalram_pages");
            if (a != 0) return k.readU64(a);
            // before 5.0 a variable; from 5.0 an inline function with no symbol (a text symbol is not it)
            a = k.symbol("totalram_pages");
            long text = k.symbol("_stext"), etext = k.symbol("_etext");
            boolean inText = text != 0 && Long.compareUnsigned(a, text) >= 0 && Long.compareUnsigned(a, etext) < 0;
            if (a != 0 && !inText) return k.readU64(a);
        } catch (MemoryFault f) {
            return 0;
        }
        return 0;
    }
}
