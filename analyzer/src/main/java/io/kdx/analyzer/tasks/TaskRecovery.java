package io.kdx.analyzer.tasks;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.KernelLists;
import io.kdx.analyzer.kernel.LongSet;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.analyzer.kernel.Unreadable;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * The other routes to the tasks the kernel keeps, for when init_task.tasks breaks (issue #12): the
 * init pid namespace's IDR (every task, thread and kernel thread has a struct pid there) and each
 * CPU's runqueue (its current task and the CFS tasks queued on it). Each route is walked by bounded,
 * cycle-checked helpers and reports what it could not read instead of stopping the others.
 */
final class TaskRecovery {
    /** Route names, as {@code found_by} prints them. */
    static final String TASK_LIST = "task_list", PID_IDR = "pid_idr", RUNQUEUE = "runqueue";
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
                    note[0] = Unreadable.of(Unreadable.TASK_LIST, String.format("pid 0x%x .tasks[PIDTYPE_PID]", pid), w,
                            String.format("struct pid 0x%x: tasks %s", pid, w.note()));
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
                note[0] = Unreadable.of(Unreadable.TASK_LIST, String.format("xa_node 0x%x", node),
                        String.format("xa_node 0x%x: deeper than %d levels or reached twice", node, XA_MAX_DEPTH));
            }
            return;
        }
        for (int i = 0; i < XA_CHUNK_SIZE; i++) {
            long e;
            try {
                e = k.readPointer(node + slotsOff + 8L * i);
            } catch (MemoryFault f) {
                if (note[0] == null) {
                    note[0] = Unreadable.of(Unreadable.TASK_LIST, String.format("xa_node 0x%x .slots[%d]", node, i), f,
                            String.format("xa_node 0x%x unreadable: %s", node, f.getMessage()));
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
}
