package io.kdx.analyzer.mount;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.KernelLists;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.Unreadable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tasks queued on a super_block's freeze wait queues: the proof that a task waits for that
 * filesystem to thaw, read from the kernel's own queues rather than guessed from a stack.
 * <ul>
 * <li>5.8+: each of {@code s_writers.rw_sem[SB_FREEZE_LEVELS]} (struct percpu_rw_semaphore) keeps its
 *     sleeping readers on {@code waiters}, a wait queue whose entries have {@code private} = the task
 *     (percpu_rwsem_wait());</li>
 * <li>4.3 to 5.7: the same semaphores embed a {@code struct rw_semaphore rw_sem} whose
 *     {@code wait_list} holds {@code struct rwsem_waiter} {list, task};</li>
 * <li>3.6 to 4.2: writers wait on {@code s_writers.wait_unfrozen}; up to 3.5 on {@code s_wait_unfrozen}.</li>
 * </ul>
 * Read by the frozen-filesystem diagnosis (the proof) and by task recovery (a route to the tasks
 * that does not need the task list).
 */
public final class FreezeWaiters {
    static final int MAX_WAITERS = 100_000;

    /** One task found on a queue: which queue (its kernel expression and address) and its entry. */
    public record Waiter(long task, String queue, long queueAddress, long semaphore, int level, long entry) {}

    private FreezeWaiters() {}

    /** task_struct address -> where it waits, for one super_block; what could not be read joins {@code problems}. */
    public static Map<Long, Waiter> of(Kernel k, FreezeLevel freeze, long sb, List<Unreadable> problems) {
        Map<Long, Waiter> out = new LinkedHashMap<>();
        if (freeze.sbWriters() && k.hasMember("super_block", "s_writers.rw_sem")) {
            long base = sb + k.offsetOf("super_block", "s_writers.rw_sem");
            long size = k.sizeOf("percpu_rw_semaphore");
            for (int i = 0; i < 3; i++) { // SB_FREEZE_LEVELS = SB_FREEZE_COMPLETE - 1
                long sem = base + i * size;
                String name = "s_writers.rw_sem[" + i + "]";
                try {
                    if (k.hasMember("percpu_rw_semaphore", "waiters")) {
                        long head = sem + k.offsetOf("percpu_rw_semaphore", "waiters");
                        cut(sb, name + ".waiters", head, waitQueue(k, head, name + ".waiters", sem, i + 1, out), problems);
                    } else if (k.hasMember("percpu_rw_semaphore", "rw_sem")) {
                        long head = sem + k.offsetOf("percpu_rw_semaphore", "rw_sem") + k.offsetOf("rw_semaphore", "wait_list");
                        cut(sb, name + ".rw_sem.wait_list", head, rwsemWaitList(k, head, name + ".rw_sem.wait_list", sem, i + 1, out), problems);
                    }
                } catch (MemoryFault f) {
                    problems.add(Unreadable.of(Unreadable.WAIT_QUEUE, Fmt.format("super_block 0x%x .%s", sb, name), f,
                            Fmt.format("super_block 0x%x: %s unreadable: %s", sb, name, f.getMessage())));
                }
            }
        }
        for (String q : new String[] {"s_writers.wait_unfrozen", "s_wait_unfrozen"}) {
            if (!k.hasMember("super_block", q)) continue;
            long head = sb + k.offsetOf("super_block", q);
            try {
                cut(sb, q, head, waitQueue(k, head, q, 0, -1, out), problems);
            } catch (MemoryFault f) {
                problems.add(Unreadable.of(Unreadable.WAIT_QUEUE, Fmt.format("super_block 0x%x .%s", sb, q), f,
                        Fmt.format("super_block 0x%x: %s unreadable: %s", sb, q, f.getMessage())));
            }
        }
        return out;
    }

    /** The tasks on one wait queue (each entry's private), walked by {@link KernelLists#waitQueueForEach}. */
    static KernelLists.Walk waitQueue(Kernel k, long wqHead, String name, long sem, int level, Map<Long, Waiter> out) {
        return KernelLists.waitQueueForEach(k, wqHead, MAX_WAITERS, (entry, task) -> {
            if (task != 0) out.putIfAbsent(task, new Waiter(task, name, wqHead, sem, level, entry));
            return true;
        });
    }

    /** A wait list walked only in part is said with the fault that cut it (its waiters up to there are kept). */
    private static void cut(long sb, String queue, long head, KernelLists.Walk w, List<Unreadable> problems) {
        if (w.complete()) return;
        problems.add(Unreadable.of(Unreadable.WAIT_QUEUE, Fmt.format("super_block 0x%x .%s", sb, queue), w,
                Fmt.format("super_block 0x%x: %s unreadable: 0x%016x: wait list walked in part (%d entries): %s", sb, queue, head,
                        w.visited(), w.note())));
    }

    /** rw_semaphore.wait_list of struct rwsem_waiter {list; task} (4.3 to 5.7 percpu rwsems). */
    static KernelLists.Walk rwsemWaitList(Kernel k, long head, String name, long sem, int level, Map<Long, Waiter> out) {
        long linkOff = k.offsetOf("rwsem_waiter", "list");
        long taskOff = k.offsetOf("rwsem_waiter", "task");
        return KernelLists.listForEach(k, head, linkOff, MAX_WAITERS, w -> {
            long task = k.readPointer(w + taskOff);
            if (task != 0) out.putIfAbsent(task, new Waiter(task, name, head, sem, level, w));
            return true;
        });
    }
}
