package io.kdx.analyzer.tasks;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.KernelLists;
import io.kdx.analyzer.kernel.LongSet;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.analyzer.kernel.Unreadable;
import io.kdx.analyzer.locking.LockLayout;
import io.kdx.analyzer.locking.LockWait;
import io.kdx.analyzer.mount.FreezeLevel;
import io.kdx.analyzer.mount.FreezeWaiters;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * The other routes to the tasks the kernel keeps, for when init_task.tasks breaks (issue #12): the
 * init pid namespace's IDR (every task, thread and kernel thread has a struct pid there), each
 * CPU's runqueue (its current task and the CFS tasks queued on it), and the wait queues kdx can reach
 * from global roots (every super_block's freeze queues and s_umount, the audit queues), where a
 * sleeping task is queued however it was left off the others. Each route is walked by bounded,
 * cycle-checked helpers and reports what it could not read instead of stopping the others.
 */
final class TaskRecovery {
    /** Route names, as {@code found_by} prints them. */
    static final String TASK_LIST = "task_list", PID_IDR = "pid_idr", RUNQUEUE = "runqueue", WAIT_QUEUE = "wait_queue";
    /** XA_CHUNK_SHIFT 6 (include/linux/xarray.h, CONFIG_BASE_SMALL off): 64 slots per xa_node. */
    static final int XA_CHUNK_SIZE = 64;
    /** A 64-bit index needs at most 11 levels of 6 bits. */
    static final int XA_MAX_DEPTH = 11;
    static final int CAP = 1 << 22;

    private TaskRecovery() {}

    static String routeName(String route) {
        return switch (route) {
            case PID_IDR -> "the init pid namespace's IDR";
            case RUNQUEUE -> "its CPU's runqueue";
            case WAIT_QUEUE -> "a wait queue it sleeps on";
            default -> route;
        };
    }

    /**
     * Visits the task of every struct pid in init_pid_ns.idr (idr_rt, an xarray since 4.20; a radix
     * tree of the same node layout before): pid->tasks[PIDTYPE_PID] holds the task through its
     * task_struct.pid_links[PIDTYPE_PID]. Returns the first thing that could not be read, or null.
     */
    static Unreadable byPidIdr(Kernel k, LongPredicate visit) {
        long ns = k.symbol("init_pid_ns");
        if (ns == 0) return Unreadable.of(Unreadable.TASK_LIST, "init_pid_ns.idr", "no init_pid_ns symbol");
        try {
            long head = k.readPointer(ns + k.offsetOf("pid_namespace", "idr") + k.offsetOf("idr", "idr_rt")
                    + k.offsetOf("xarray", "xa_head"));
            long tasksOff = k.offsetOf("pid", "tasks"); // tasks[PIDTYPE_PID = 0]
            long linkOff = k.offsetOf("task_struct", "pid_links"); // pid_links[PIDTYPE_PID = 0]
            long slotsOff = k.offsetOf("xa_node", "slots");
            Unreadable[] note = {null};
            int[] budget = {CAP};
            xaEntry(k, head, 0, slotsOff, new LongSet(), budget, note, pid -> {
                KernelLists.Walk w = KernelLists.hlistForEach(k, pid + tasksOff, linkOff, 16, visit);
                if (!w.complete() && note[0] == null) {
                    note[0] = Unreadable.of(Unreadable.TASK_LIST, Fmt.format("pid 0x%x .tasks[PIDTYPE_PID]", pid), w,
                            Fmt.format("struct pid 0x%x: tasks %s", pid, w.note()));
                }
                return true;
            });
            return note[0];
        } catch (MemoryFault f) {
            return Unreadable.of(Unreadable.TASK_LIST, "init_pid_ns.idr", f, "init_pid_ns.idr unreadable: " + f.getMessage());
        } catch (MissingTypeException e) {
            return Unreadable.of(Unreadable.TASK_LIST, "init_pid_ns.idr", "init_pid_ns.idr unreadable: " + e.getMessage());
        }
    }

    /** One xarray entry: a node (internal entry above 4096, xa_to_node = entry - 2), a pointer, or nothing. */
    private static void xaEntry(Kernel k, long entry, int depth, long slotsOff, LongSet seen, int[] budget, Unreadable[] note,
            LongPredicate leaf) {
        if (entry == 0 || budget[0]-- <= 0) return;
        boolean internal = (entry & 3) == 2;
        if (!internal) {
            if ((entry & 1) == 0) leaf.test(entry); // (entry & 1) is a value entry: no pid
            return;
        }
        if (Long.compareUnsigned(entry, 4096) <= 0) return; // sibling or retry entry
        long node = entry - 2;
        if (depth >= XA_MAX_DEPTH || !seen.add(node)) {
            if (note[0] == null) {
                note[0] = Unreadable.of(Unreadable.TASK_LIST, Fmt.format("xa_node 0x%x", node),
                        Fmt.format("xa_node 0x%x: deeper than %d levels or reached twice", node, XA_MAX_DEPTH));
            }
            return;
        }
        for (int i = 0; i < XA_CHUNK_SIZE; i++) {
            long e;
            try {
                e = k.readPointer(node + slotsOff + 8L * i);
            } catch (MemoryFault f) {
                if (note[0] == null) {
                    note[0] = Unreadable.of(Unreadable.TASK_LIST, Fmt.format("xa_node 0x%x .slots[%d]", node, i), f,
                            Fmt.format("xa_node 0x%x unreadable: %s", node, f.getMessage()));
                }
                return;
            }
            xaEntry(k, e, depth + 1, slotsOff, seen, budget, note, leaf);
        }
    }

    /**
     * Visits each CPU's current task and the tasks queued on its CFS runqueue (rq.cfs.tasks_timeline,
     * an rb_root_cached of sched_entity.run_node; a group entity's own cfs_rq, se.my_q, is walked in
     * turn). The running task is not in the tree (it is rq->curr). RT and deadline queues are not read.
     */
    static Unreadable byRunqueues(Kernel k, CpuState cpus, LongPredicate visit) {
        for (long cur : cpus.current()) if (cur != 0) visit.test(cur);
        long rq = k.symbol("runqueues");
        if (rq == 0) return Unreadable.of(Unreadable.RUNQUEUE, "runqueues", "no runqueues symbol");
        try {
            long cfs = k.offsetOf("rq", "cfs");
            long timeline = k.offsetOf("cfs_rq", "tasks_timeline") + k.offsetOf("rb_root_cached", "rb_root")
                    + k.offsetOf("rb_root", "rb_node");
            long runNode = k.offsetOf("sched_entity", "run_node");
            long myQ = k.hasMember("sched_entity", "my_q") ? k.offsetOf("sched_entity", "my_q") : -1;
            long se = k.offsetOf("task_struct", "se");
            Unreadable note = null;
            for (int c = 0; c < cpus.current().length; c++) {
                List<Long> queues = new java.util.ArrayList<>(List.of(k.perCpu(rq, c) + cfs));
                LongSet seen = new LongSet();
                for (int q = 0; q < queues.size() && q < 4096; q++) {
                    if (!seen.add(queues.get(q))) continue;
                    KernelLists.Walk w = KernelLists.rbForEach(k, queues.get(q) + timeline, runNode, CAP, ent -> {
                        long group = 0;
                        try {
                            group = myQ >= 0 ? k.readPointer(ent + myQ) : 0;
                        } catch (MemoryFault f) {
                            return true; // an unreadable entity: neither task nor group known
                        }
                        if (group != 0) queues.add(group);
                        else visit.test(ent - se);
                        return true;
                    });
                    if (!w.complete() && note == null) {
                        note = Unreadable.of(Unreadable.RUNQUEUE, "CFS runqueue of CPU " + c, w, "CFS runqueue of CPU " + c + ": " + w.note());
                    }
                }
            }
            return note;
        } catch (MemoryFault f) {
            return Unreadable.of(Unreadable.RUNQUEUE, "runqueues", f, "runqueues unreadable: " + f.getMessage());
        } catch (MissingTypeException e) {
            return Unreadable.of(Unreadable.RUNQUEUE, "runqueues", "runqueues unreadable: " + e.getMessage());
        }
    }
    /**
     * Global wait-queue heads whose sleepers are tasks (kernel/audit.c: audit_log_start() waits on
     * audit_backlog_wait when the backlog is full; kauditd_thread on kauditd_wait).
     */
    static final List<String> WAIT_QUEUE_ROOTS = List.of("audit_backlog_wait", "kauditd_wait");
    /**
     * Wake functions whose wait_queue_entry.private is the sleeping task (kernel/sched/wait.c,
     * kernel/sched/core.c, kernel/locking/percpu-rwsem.c); an entry with another (poll, epoll, a
     * wait_var_entry) keeps something else there and is not taken for a task.
     */
    static final List<String> TASK_WAKE_FUNCTIONS = List.of("default_wake_function", "autoremove_wake_function",
            "woken_wake_function", "percpu_rwsem_wake_function");
    static final int MAX_SUPER_BLOCKS = 1 << 16;

    /**
     * Visits the tasks asleep on the wait queues reachable without the task list: for every
     * super_block on {@code super_blocks} (s_list), the sleepers on its freeze queues
     * ({@link FreezeWaiters}: s_writers.rw_sem[i].waiters from 5.8; 6.1 and 6.12 share that layout),
     * the task its percpu_down_write waits in (s_writers.rw_sem[i].writer, an rcuwait) and the
     * waiters on its s_umount rw_semaphore ({@link LockWait}); then the audit wait queues. Returns the
     * first thing that could not be read, or null.
     */
    static Unreadable byWaitQueues(Kernel k, LongPredicate found) {
        List<Unreadable> problems = new java.util.ArrayList<>();
        LongPredicate visit = t -> !isTask(k, t) || found.test(t);
        long sbs = k.symbol("super_blocks");
        if (sbs == 0) {
            problems.add(Unreadable.of(Unreadable.WAIT_QUEUE, "super_blocks", "no super_blocks symbol"));
        } else {
            try {
                FreezeLevel freeze = FreezeLevel.of(k);
                long rwSem = k.hasMember("super_block", "s_writers.rw_sem") ? k.offsetOf("super_block", "s_writers.rw_sem") : -1;
                long writer = rwSem >= 0 && k.hasMember("percpu_rw_semaphore", "writer.task")
                        ? k.offsetOf("percpu_rw_semaphore", "writer.task") : -1;
                long semSize = rwSem >= 0 ? k.sizeOf("percpu_rw_semaphore") : 0;
                long umount = k.hasMember("super_block", "s_umount") ? k.offsetOf("super_block", "s_umount") : -1;
                LockLayout locks = umount >= 0 ? LockLayout.of(k) : null;
                long sList = k.offsetOf("super_block", "s_list");
                KernelLists.Walk w = KernelLists.listForEach(k, sbs, sList, MAX_SUPER_BLOCKS, sb -> {
                    if (!k.isReadable(sb + sList)) return true; // its own link unreadable: the walk ends there and says so
                    for (long t : FreezeWaiters.of(k, freeze, sb, problems).keySet()) visit.test(t);
                    for (int i = 0; writer >= 0 && i < 3; i++) { // SB_FREEZE_LEVELS
                        long a = sb + rwSem + i * semSize + writer;
                        try {
                            long t = k.readPointer(a);
                            if (t != 0) visit.test(t);
                        } catch (MemoryFault f) {
                            problems.add(Unreadable.of(Unreadable.WAIT_QUEUE, Fmt.format("super_block 0x%x .s_writers.rw_sem[%d].writer", sb, i), f,
                                    Fmt.format("super_block 0x%x: s_writers.rw_sem[%d].writer unreadable: %s", sb, i, f.getMessage())));
                        }
                    }
                    if (locks != null) {
                        LockWait.Queue q = LockWait.waiters(k, locks, LockWait.Type.RWSEM_READ, sb + umount);
                        for (LockWait.Waiter x : q.waiters()) if (x.task() != 0) visit.test(x.task());
                        if (q.note() != null) {
                            problems.add(Unreadable.of(Unreadable.LOCK, Fmt.format("super_block 0x%x .s_umount", sb),
                                    Fmt.format("super_block 0x%x: s_umount waiters: %s", sb, q.note())));
                        }
                    }
                    return true;
                });
                if (!w.complete()) problems.add(Unreadable.of(Unreadable.WAIT_QUEUE, "super_blocks", w, "super_blocks: " + w.note()));
            } catch (MemoryFault f) {
                problems.add(Unreadable.of(Unreadable.WAIT_QUEUE, "super_blocks", f, "super_blocks unreadable: " + f.getMessage()));
            } catch (MissingTypeException e) {
                problems.add(Unreadable.of(Unreadable.WAIT_QUEUE, "super_blocks", "super_blocks unreadable: " + e.getMessage()));
            }
        }
        java.util.Set<Long> wakers = new java.util.HashSet<>();
        for (String f : TASK_WAKE_FUNCTIONS) if (k.symbol(f) != 0) wakers.add(k.symbol(f));
        long func = k.hasMember("wait_queue_entry", "func") ? k.offsetOf("wait_queue_entry", "func") : -1;
        for (String root : WAIT_QUEUE_ROOTS) {
            long head = k.symbol(root);
            if (head == 0) continue; // no audit in this kernel
            try {
                KernelLists.Walk w = KernelLists.waitQueueForEach(k, head, CAP, (entry, task) -> {
                    if (task != 0 && (func < 0 || wakers.isEmpty() || wakers.contains(k.readPointer(entry + func)))) visit.test(task);
                    return true;
                });
                if (!w.complete()) problems.add(Unreadable.of(Unreadable.WAIT_QUEUE, root, w, root + ": " + w.note()));
            } catch (MemoryFault f) {
                problems.add(Unreadable.of(Unreadable.WAIT_QUEUE, root, f, root + " unreadable: " + f.getMessage()));
            } catch (MissingTypeException e) {
                problems.add(Unreadable.of(Unreadable.WAIT_QUEUE, root, root + " unreadable: " + e.getMessage()));
            }
        }
        return problems.isEmpty() ? null : problems.getFirst();
    }
    /**
     * A wait queue's {@code private} is taken for a task only when the task_struct there names
     * itself: its thread_pid (4.19+) is a struct pid whose number in the initial namespace
     * (numbers[0].nr) is the task's own pid. Without thread_pid in the types, any readable pointer passes.
     */
    static boolean isTask(Kernel k, long t) {
        try {
            if (!k.hasMember("task_struct", "thread_pid")) return k.isReadable(t);
            long pid = k.readPointer(t + k.offsetOf("task_struct", "thread_pid"));
            if (pid == 0) return false;
            int nr = k.readU32(pid + k.offsetOf("pid", "numbers") + k.offsetOf("upid", "nr"));
            return nr == k.readU32(t + k.offsetOf("task_struct", "pid"));
        } catch (MemoryFault | MissingTypeException e) {
            return false;
        }
    }
}
