package io.kdx.analyzer.locking;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.KernelLists;
import io.kdx.analyzer.kernel.MemoryFault;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * The sleeping lock a task waits on, proven from the kernel's own wait queue: the task's waiter
 * (struct mutex_waiter or rwsem_waiter, on its own stack, {@code .task} = the task) is found by a
 * bounded scan of that stack, its {@code list} is followed round the lock's wait_list, and the one
 * node of the ring that is not a waiter on a task's stack is the lock's {@code wait_list} head, so
 * the lock is that node minus the offset of wait_list. Also lists a lock's waiters the same way.
 */
public final class LockWait {
    /** More waiters than any lock has; a longer ring is reported as cut. */
    public static final int CAP = 1 << 16;

    public enum Type {
        MUTEX("mutex"), RWSEM_READ("rw_semaphore"), RWSEM_WRITE("rw_semaphore");

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
        long listOff = type == Type.MUTEX ? l.mutexWaiterList : l.rwsemWaiterList;
        long taskOff = type == Type.MUTEX ? l.mutexWaiterTask : l.rwsemWaiterTask;
        long headOff = type == Type.MUTEX ? l.mutexWaitList : l.rwsemWaitList;
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

    public static Queue waiters(Kernel k, LockLayout l, Type type, long lock) {
        boolean mutex = type == Type.MUTEX;
        long listOff = mutex ? l.mutexWaiterList : l.rwsemWaiterList;
        long taskOff = mutex ? l.mutexWaiterTask : l.rwsemWaiterTask;
        long head = lock + (mutex ? l.mutexWaitList : l.rwsemWaitList);
        List<Waiter> out = new ArrayList<>();
        String[] fault = {null};
        KernelLists.Walk w = KernelLists.listForEach(k, head, listOff, CAP, e -> {
            try {
                Boolean writer = null;
                // enum rwsem_waiter_type { RWSEM_WAITING_FOR_WRITE, RWSEM_WAITING_FOR_READ }
                if (!mutex && l.rwsemWaiterType >= 0) writer = k.readU32(e + l.rwsemWaiterType) == 0;
                out.add(new Waiter(e, k.readPointer(e + taskOff), writer));
                return true;
            } catch (MemoryFault f) {
                fault[0] = "a waiter is unreadable: " + f.getMessage();
                return false;
            }
        });
        return new Queue(List.copyOf(out), fault[0] != null ? fault[0] : w.note());
    }
}
