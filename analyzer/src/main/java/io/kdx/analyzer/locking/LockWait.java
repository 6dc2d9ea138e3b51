package io.kdx.analyzer.locking;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.KernelLists;
import io.kdx.analyzer.kernel.MemoryFault;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * The sleeping lock a task waits on, proven from the kernel's own wait queue: the task's waiter
 * (struct mutex_waiter or rwsem_waiter, or the wait_queue_entry of a percpu_rw_semaphore wait, on
 * its own stack, {@code .task} / {@code .private} = the task) is found by a bounded scan of that
 * stack, its list node is followed round the lock's wait list, and the one node of the ring that is
 * not a waiter on a task's stack is the lock's list head, so the lock is that node minus the head's
 * offset. An rt_mutex waiter is named by the task's own {@code pi_blocked_on} and points at its lock;
 * it is proven by finding it in that lock's waiters rbtree. Also lists a lock's waiters the same ways.
 */
public final class LockWait {
    /** More waiters than any lock has; a longer ring is reported as cut. */
    public static final int CAP = 1 << 16;

    public enum Type {
        MUTEX("mutex"), RWSEM_READ("rw_semaphore"), RWSEM_WRITE("rw_semaphore"), RT_MUTEX("rt_mutex"),
        PERCPU_RWSEM("percpu_rw_semaphore");

        public final String cName;

        Type(String cName) {
            this.cName = cName;
        }
    }

    /**
     * @param lock   the lock's address
     * @param waiter the task's mutex_waiter / rwsem_waiter
     * @param note   null, or why the proof is partial
     */
    public record Found(long lock, long waiter, String note) {}

    private LockWait() {}

    /**
     * Finds the lock {@code task} waits on. {@code stackLo} is task->stack; {@code sp} its saved
     * stack pointer (the scan starts there: the waiter is in a frame above it). {@code isTask} says
     * whether an address is a task_struct in the task list, {@code stackOf} gives that task's
     * task->stack. Returns null when no waiter of that task is on its stack.
     */
    public static Found find(Kernel k, LockLayout l, Type type, long task, long stackLo, long sp,
            LongPredicate isTask, java.util.function.LongUnaryOperator stackOf) {
        if (type == Type.RT_MUTEX) return findRt(k, l, task);
        long listOff = listOffset(l, type), taskOff = taskOffset(l, type), headOff = headOffset(l, type);
        if (listOff < 0 || taskOff < 0 || headOff < 0 || stackLo == 0) return null;
        long hi = stackLo + l.threadSize;
        long from = sp != 0 && Long.compareUnsigned(sp, stackLo) >= 0 && Long.compareUnsigned(sp, hi) < 0 ? sp & ~7L : stackLo;
        for (long a = from; Long.compareUnsigned(a + 8, hi) <= 0; a += 8) {
            long w;
            try {
                w = k.readU64(a);
            } catch (MemoryFault f) {
                return null;
            }
            if (w != task) continue;
            long waiter = a - taskOff;
            long node = waiter + listOff;
            long head = headOf(k, node, taskOff - listOff, isTask, stackOf, l.threadSize);
            if (head != 0) return new Found(head - headOff, waiter, null);
        }
        return null;
    }

    /** The waiter's list node in its waiter struct. */
    static long listOffset(LockLayout l, Type type) {
        return switch (type) {
            case MUTEX -> l.mutexWaiterList;
            case RWSEM_READ, RWSEM_WRITE -> l.rwsemWaiterList;
            case PERCPU_RWSEM -> l.wqEntryList;
            case RT_MUTEX -> l.rtWaiterNode;
        };
    }

    /** The waiter's task pointer in its waiter struct. */
    static long taskOffset(LockLayout l, Type type) {
        return switch (type) {
            case MUTEX -> l.mutexWaiterTask;
            case RWSEM_READ, RWSEM_WRITE -> l.rwsemWaiterTask;
            case PERCPU_RWSEM -> l.wqEntryPrivate;
            case RT_MUTEX -> l.rtWaiterTask;
        };
    }

    /** The lock's wait list head (the waiters' rb_root for an rt_mutex) in the lock. */
    public static long headOffset(LockLayout l, Type type) {
        return switch (type) {
            case MUTEX -> l.mutexWaitList;
            case RWSEM_READ, RWSEM_WRITE -> l.rwsemWaitList;
            case PERCPU_RWSEM -> l.pcpuWaitList;
            case RT_MUTEX -> l.rtBase < 0 || l.rtWaiters < 0 ? -1 : l.rtBase + l.rtWaiters;
        };
    }

    /**
     * An rt_mutex wait: task->pi_blocked_on is the task's rt_mutex_waiter, whose .task must be the
     * task and whose .lock (an rt_mutex_base) must hold it in its waiters tree.
     */
    static Found findRt(Kernel k, LockLayout l, long task) {
        if (l.taskPiBlockedOn < 0 || l.rtWaiterTask < 0 || l.rtWaiterLock < 0 || headOffset(l, Type.RT_MUTEX) < 0) return null;
        try {
            long w = k.readPointer(task + l.taskPiBlockedOn);
            if (w == 0 || k.readPointer(w + l.rtWaiterTask) != task) return null;
            long lock = k.readPointer(w + l.rtWaiterLock) - l.rtBase;
            boolean[] queued = {false};
            KernelLists.Walk walk = KernelLists.rbForEach(k, lock + headOffset(l, Type.RT_MUTEX), l.rtWaiterNode, CAP, e -> {
                queued[0] = e == w;
                return !queued[0];
            });
            if (queued[0]) return new Found(lock, w, null);
            return new Found(lock, w, "its rt_mutex_waiter is not in the lock's waiters tree" + (walk.note() == null ? "" : " (" + walk.note() + ")"));
        } catch (MemoryFault f) {
            return null;
        }
    }

    /**
     * The wait_list head of the ring holding {@code node}: the first node that is not a waiter
     * (whose task word does not name a task on whose stack the node lies). 0 when the ring is not
     * a valid list (node.next.prev != node) or has no such node.
     */
    static long headOf(Kernel k, long node, long taskFromNode, LongPredicate isTask,
            java.util.function.LongUnaryOperator stackOf, long threadSize) {
        try {
            long next = k.readPointer(node);
            if (next == 0 || k.readPointer(next + 8) != node) return 0;
        } catch (MemoryFault f) {
            return 0;
        }
        long[] head = {0};
        KernelLists.listForEach(k, node, 0, CAP, n -> {
            if (!isWaiter(k, n, taskFromNode, isTask, stackOf, threadSize)) {
                head[0] = n;
                return false;
            }
            return true;
        });
        return head[0];
    }

    static boolean isWaiter(Kernel k, long node, long taskFromNode, LongPredicate isTask,
            java.util.function.LongUnaryOperator stackOf, long threadSize) {
        long t;
        try {
            t = k.readPointer(node + taskFromNode);
        } catch (MemoryFault f) {
            return false;
        }
        if (t == 0 || !isTask.test(t)) return false;
        long lo = stackOf.applyAsLong(t);
        return lo != 0 && Long.compareUnsigned(node, lo) >= 0 && Long.compareUnsigned(node, lo + threadSize) < 0;
    }

    /** A waiter queued on a lock: its task and, for an rwsem, whether it wants to write. */
    public record Waiter(long waiter, long task, Boolean writer) {}

    /** The waiters queued on a lock's wait_list, in queue order, with a note when the walk was cut. */
    public record Queue(List<Waiter> waiters, String note) {}

    /** include/linux/wait.h: an exclusive waiter (a percpu_rw_semaphore writer; readers are exclusive too, with {@link LockLayout#wqFlagCustom}). */
    static final int WQ_FLAG_EXCLUSIVE = 0x01;

    public static Queue waiters(Kernel k, LockLayout l, Type type, long lock) {
        long listOff = listOffset(l, type), taskOff = taskOffset(l, type), headOff = headOffset(l, type);
        if (listOff < 0 || taskOff < 0 || headOff < 0) return new Queue(List.of(), "the " + type.cName + "'s waiter layout is unknown");
        long head = lock + headOff;
        List<Waiter> out = new ArrayList<>();
        String[] fault = {null};
        java.util.function.LongPredicate visit = e -> {
            try {
                Boolean writer = switch (type) {
                    // enum rwsem_waiter_type { RWSEM_WAITING_FOR_WRITE, RWSEM_WAITING_FOR_READ }
                    case RWSEM_READ, RWSEM_WRITE -> l.rwsemWaiterType >= 0 ? Boolean.valueOf(k.readU32(e + l.rwsemWaiterType) == 0) : null;
                    case PERCPU_RWSEM -> {
                        int f = k.readU32(e); // wait_queue_entry.flags is its first member
                        yield (f & WQ_FLAG_EXCLUSIVE) != 0 && (f & l.wqFlagCustom) == 0;
                    }
                    default -> null;
                };
                out.add(new Waiter(e, k.readPointer(e + taskOff), writer));
                return true;
            } catch (MemoryFault f) {
                fault[0] = "a waiter is unreadable: " + f.getMessage();
                return false;
            }
        };
        KernelLists.Walk w = type == Type.RT_MUTEX ? KernelLists.rbForEach(k, head, listOff, CAP, visit)
                : KernelLists.listForEach(k, head, listOff, CAP, visit);
        return new Queue(List.copyOf(out), fault[0] != null ? fault[0] : w.note());
    }
}
