package io.kdx.analyzer.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kdx.analyzer.testkit.FakeKernel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The lock a task waits on, found from its mutex_waiter on its own stack and the lock's wait_list
 * (6.1 layouts), in a synthetic kernel: two waiters queued on one mutex, a stale waiter left on a
 * stack, and a task whose waiter is not on its stack.
 */
class LockWaitTest {
    final FakeKernel k = LockOwnerTest.mutex410();
    final Map<Long, Long> stacks = new HashMap<>(); // task -> task->stack

    long task() {
        long t = k.alloc(64);
        stacks.put(t, k.alloc(16384));
        return t;
    }

    /** A mutex_waiter for {@code task} at {@code off} into its stack, queued last on {@code head}. */
    long waiter(long task, long off, long head) {
        long w = stacks.get(task) + off;
        k.putU64(w + 16, task);
        long tail = k.readU64(head + 8);
        k.putU64(tail, w);
        k.putU64(w + 8, tail);
        k.putU64(w, head);
        k.putU64(head + 8, w);
        return w;
    }

    @Test
    void findsTheMutexFromEitherWaiterAndListsThemInOrder() {
        LockLayout l = new LockLayout(k);
        long mutex = k.alloc(32), owner = task(), a = task(), b = task();
        k.putU64(mutex, owner | 1);
        long head = mutex + 16;
        k.putU64(head, head);
        k.putU64(head + 8, head);
        long wa = waiter(a, 0x3e00, head), wb = waiter(b, 0x3d80, head);
        // a stale copy of b's pointer lower on b's stack, in a dead frame: its links lead nowhere valid
        k.putU64(stacks.get(b) + 0x100 + 16, b);
        k.putU64(stacks.get(b) + 0x100, mutex + 1000);
        for (long[] tw : new long[][] {{a, wa}, {b, wb}}) {
            LockWait.Found f = LockWait.find(k, l, LockWait.Type.MUTEX, tw[0], stacks.get(tw[0]), 0,
                    stacks::containsKey, t -> stacks.getOrDefault(t, 0L));
            assertEquals(mutex, f.lock());
            assertEquals(tw[1], f.waiter());
        }
        LockWait.Queue q = LockWait.waiters(k, l, LockWait.Type.MUTEX, mutex);
        assertEquals(List.of(a, b), q.waiters().stream().map(LockWait.Waiter::task).toList());
        assertNull(q.note());
        assertEquals(owner, LockOwner.mutexWord(k.readU64(mutex + l.mutexOwner)).task());
        // the owner has no waiter on its stack
        assertNull(LockWait.find(k, l, LockWait.Type.MUTEX, owner, stacks.get(owner), 0, stacks::containsKey,
                t -> stacks.getOrDefault(t, 0L)));
    }

    @Test
    void aCorruptRingIsCutNotFollowedForever() {
        LockLayout l = new LockLayout(k);
        long mutex = k.alloc(32), a = task();
        long head = mutex + 16;
        k.putU64(head, head);
        k.putU64(head + 8, head);
        long wa = waiter(a, 0x3e00, head);
        k.putU64(wa, wa); // next points to itself: a cycle that never returns to the head
        LockWait.Queue q = LockWait.waiters(k, l, LockWait.Type.MUTEX, mutex);
        assertEquals(1, q.waiters().size());
        assertEquals(true, q.note() != null && q.note().startsWith("cycle"), String.valueOf(q.note()));
    }
}
