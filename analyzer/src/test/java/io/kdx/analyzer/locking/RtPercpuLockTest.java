package io.kdx.analyzer.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdx.analyzer.testkit.FakeKernel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * rt_mutex and percpu_rw_semaphore waits and owners in synthetic kernels laid out from each version's
 * struct definitions (as the released kernels' BTF/DWARF have them): the rt_mutex of 5.15+ (struct
 * rt_mutex_base inside, 830e6acc8a1c) with Debian 6.1.192's waiter and its rt_waiter_node (pahole's
 * offsets), and with the plain tree_entry of 5.15 to 6.4; of 4.15 to 5.14 (owner and waiters in struct
 * rt_mutex itself, the waiter's rb_node tree_entry first) and of 3.14 to 4.13 (an rb_root and a
 * separate leftmost pointer, at the same offsets); and the 5.7+ percpu_rw_semaphore (7f26482a872c:
 * wait queue, block, per-CPU read_count). The real 6.1 dump of the locks scenario checks the same
 * against the guest's truth.
 */
class RtPercpuLockTest {
    static final long TASK_SIZE = 128, PI_BLOCKED_ON = 64;

    /** 5.15+ with Debian 6.1.192's rt_waiter_node: rt_mutex { rt_mutex_base rtmutex }, waiter tree.entry @0, task @80, lock @88. */
    static FakeKernel rt515() {
        FakeKernel k = new FakeKernel();
        k.types.struct("rt_mutex", 32).structMember("rtmutex", 0, 32);
        k.types.struct("rt_mutex_base", 32).member("wait_lock", 0, 4).structMember("waiters", 8, 16).pointer("owner", 24);
        k.types.struct("rt_mutex_waiter", 112).structMember("tree", 0, 40).structMember("tree.entry", 0, 24)
                .structMember("pi_tree", 40, 40).pointer("task", 80).pointer("lock", 88);
        k.types.struct("task_struct", TASK_SIZE).pointer("pi_blocked_on", PI_BLOCKED_ON);
        return k;
    }

    /** 5.15 to 6.4: rt_mutex { rt_mutex_base rtmutex }, waiter { tree_entry @0; pi_tree_entry @24; task @48; lock @56 }. */
    static FakeKernel rt515NoWaiterNode() {
        FakeKernel k = new FakeKernel();
        k.types.struct("rt_mutex", 32).structMember("rtmutex", 0, 32);
        k.types.struct("rt_mutex_base", 32).member("wait_lock", 0, 4).structMember("waiters", 8, 16).pointer("owner", 24);
        k.types.struct("rt_mutex_waiter", 96).structMember("tree_entry", 0, 24).structMember("pi_tree_entry", 24, 24)
                .pointer("task", 48).pointer("lock", 56).member("wake_state", 64, 4).member("prio", 68, 4);
        k.types.struct("task_struct", TASK_SIZE).pointer("pi_blocked_on", PI_BLOCKED_ON);
        return k;
    }

    /** 3.14 to 4.13: rt_mutex { wait_lock @0; rb_root waiters @8; waiters_leftmost @16; owner @24 }. */
    static FakeKernel rtBefore415() {
        FakeKernel k = new FakeKernel();
        k.types.struct("rt_mutex", 32).member("wait_lock", 0, 4).structMember("waiters", 8, 8).pointer("waiters_leftmost", 16)
                .pointer("owner", 24);
        k.types.struct("rt_mutex_waiter", 72).structMember("tree_entry", 0, 24).structMember("pi_tree_entry", 24, 24)
                .pointer("task", 48).pointer("lock", 56).member("prio", 64, 4);
        k.types.struct("task_struct", TASK_SIZE).pointer("pi_blocked_on", PI_BLOCKED_ON);
        return k;
    }

    /** 4.15 to 5.14: rt_mutex { wait_lock @0; rb_root_cached waiters @8; owner @24 }, waiter { tree_entry @0; pi_tree_entry @24; task @48; lock @56 }. */
    static FakeKernel rtBefore515() {
        FakeKernel k = new FakeKernel();
        k.types.struct("rt_mutex", 32).member("wait_lock", 0, 4).structMember("waiters", 8, 16).pointer("owner", 24);
        k.types.struct("rt_mutex_waiter", 80).structMember("tree_entry", 0, 24).structMember("pi_tree_entry", 24, 24)
                .pointer("task", 48).pointer("lock", 56);
        k.types.struct("task_struct", TASK_SIZE).pointer("pi_blocked_on", PI_BLOCKED_ON);
        return k;
    }

    /** Two tasks blocked on one rt_mutex held by a third; returns {lock, owner, a, b, waiterA, waiterB}. */
    static long[] rtScene(FakeKernel k, long nodeOff, long taskOff, long lockOff) {
        long lock = k.alloc(32), owner = k.alloc(TASK_SIZE), a = k.alloc(TASK_SIZE), b = k.alloc(TASK_SIZE);
        long wa = k.alloc(128), wb = k.alloc(128);
        k.putU64(lock + 24, owner | 1); // RT_MUTEX_HAS_WAITERS
        for (long[] tw : new long[][] {{a, wa}, {b, wb}}) {
            k.putU64(tw[0] + PI_BLOCKED_ON, tw[1]);
            k.putU64(tw[1] + taskOff, tw[0]);
            k.putU64(tw[1] + lockOff, lock); // rt_mutex_base at offset 0 of the rt_mutex
        }
        // the waiters tree: wa at the root, wb its right child (later in priority order)
        k.putU64(lock + 8, wa + nodeOff);
        k.putU64(wa + nodeOff + 8, wb + nodeOff);
        return new long[] {lock, owner, a, b, wa, wb};
    }

    void checkRt(FakeKernel k, long nodeOff, long taskOff, long lockOff) {
        LockLayout l = new LockLayout(k);
        assertEquals(0, l.rtBase); // the rt_mutex_base at 0 of struct rt_mutex, or (no rtmutex member) the members its own
        assertEquals(nodeOff, l.rtWaiterNode);
        assertEquals(8, LockWait.headOffset(l, LockWait.Type.RT_MUTEX));
        long[] s = rtScene(k, nodeOff, taskOff, lockOff);
        for (int i : new int[] {2, 3}) {
            LockWait.Found f = LockWait.find(k, l, LockWait.Type.RT_MUTEX, s[i], 0, 0, t -> true, t -> 0);
            assertNotNull(f);
            assertEquals(s[0], f.lock());
            assertEquals(s[i + 2], f.waiter());
            assertNull(f.note());
        }
        LockWait.Queue q = LockWait.waiters(k, l, LockWait.Type.RT_MUTEX, s[0]);
        assertEquals(List.of(s[2], s[3]), q.waiters().stream().map(LockWait.Waiter::task).toList());
        LockOwner o = LockOwner.rtMutex(k.readU64(s[0] + l.rtBase + l.rtOwner));
        assertEquals(s[1], o.task());
        assertEquals(List.of("RT_MUTEX_HAS_WAITERS"), o.flags());
        // a task whose pi_blocked_on names a waiter of another task is not proven to wait
        k.putU64(s[1] + PI_BLOCKED_ON, s[4]);
        assertNull(LockWait.find(k, l, LockWait.Type.RT_MUTEX, s[1], 0, 0, t -> true, t -> 0));
    }

    @Test
    void rtMutexSince515WithRtWaiterNode() {
        checkRt(rt515(), 0, 80, 88);
    }

    @Test
    void rtMutexBefore515() {
        checkRt(rtBefore515(), 0, 48, 56);
    }

    @Test
    void rtMutexSince515WithoutRtWaiterNode() {
        checkRt(rt515NoWaiterNode(), 0, 48, 56);
    }

    @Test
    void rtMutexBefore415() {
        checkRt(rtBefore415(), 0, 48, 56);
    }

    @Test
    void aWaiterMissingFromTheTreeIsNoted() {
        FakeKernel k = rt515();
        LockLayout l = new LockLayout(k);
        long[] s = rtScene(k, 0, 80, 88);
        k.putU64(s[4] + 8, 0); // wb unlinked from the tree
        LockWait.Found f = LockWait.find(k, l, LockWait.Type.RT_MUTEX, s[3], 0, 0, t -> true, t -> 0);
        assertEquals(s[0], f.lock());
        assertTrue(f.note().contains("not in the lock's waiters tree"), f.note());
    }

    /** 5.7 on (7f26482a872c): percpu_rw_semaphore { rss @0 (48); read_count @48; writer.task @56; waiters @64 (head @72); block @88 }. */
    @Test
    void percpuRwsemWaitersBlockAndReaders() {
        FakeKernel k = new FakeKernel(); // 6.1: WQ_FLAG_BOOKMARK 0x04 still there, so WQ_FLAG_CUSTOM is 0x08
        k.symbol("__wake_up_locked_key_bookmark", 0xffffffff81100000L);
        percpuScene(k, 0x08);
    }

    /** 6.12: the wait bookmarks removed, WQ_FLAG_CUSTOM is 0x04 (a reader read as 0x08 would be called a writer). */
    @Test
    void percpuRwsemReaderMarkAfterTheBookmarksWent() {
        FakeKernel k = new FakeKernel();
        k.release = "6.12.118+deb12-cloud-amd64";
        assertEquals(0x04, new LockLayout(k).wqFlagCustom);
        percpuScene(k, 0x04);
        FakeKernel old = new FakeKernel(); // 6.1 whose symbols lack it: by release
        assertEquals(0x08, new LockLayout(old).wqFlagCustom);
    }

    void percpuScene(FakeKernel k, int custom) {
        k.types.struct("percpu_rw_semaphore", 96).structMember("rss", 0, 48).pointer("read_count", 48)
                .structMember("writer", 56, 8).pointer("writer.task", 56).structMember("waiters", 64, 24).member("block", 88, 4);
        k.types.struct("wait_queue_head", 24).member("lock", 0, 4).structMember("head", 8, 16);
        k.types.struct("wait_queue_entry", 40).member("flags", 0, 4).pointer("private", 8).pointer("func", 16).structMember("entry", 24, 16);
        k.nrCpus = 2;
        k.perCpuOffsets = new long[] {0, 0x100};
        LockLayout l = new LockLayout(k);
        assertEquals(72, l.pcpuWaitList);
        long sem = k.alloc(96), counts = k.alloc(0x200);
        k.putU64(sem + 48, counts);
        k.putU32(counts, 3);
        k.putU32(counts + 0x100, -1); // a reader that entered on CPU 0 left on CPU 1
        k.putU32(sem + 88, 1);
        long head = sem + 72;
        k.putU64(head, head);
        k.putU64(head + 8, head);
        long reader = k.alloc(TASK_SIZE), writer = k.alloc(TASK_SIZE);
        long stackR = k.alloc(16384), stackW = k.alloc(16384);
        long er = stackR + 0x3e00, ew = stackW + 0x3e00;
        k.putU32(er, 0x01 | custom); // a reader: WQ_FLAG_EXCLUSIVE | WQ_FLAG_CUSTOM
        k.putU32(ew, 0x01); // a writer: exclusive only
        for (long[] e : new long[][] {{er, reader}, {ew, writer}}) {
            k.putU64(e[0] + 8, e[1]);
            long node = e[0] + 24, tail = k.readU64(head + 8);
            k.putU64(tail, node);
            k.putU64(node + 8, tail);
            k.putU64(node, head);
            k.putU64(head + 8, node);
        }
        java.util.Map<Long, Long> stacks = java.util.Map.of(reader, stackR, writer, stackW);
        LockWait.Found f = LockWait.find(k, l, LockWait.Type.PERCPU_RWSEM, reader, stackR, 0, stacks::containsKey, stacks::get);
        assertEquals(sem, f.lock());
        assertEquals(er, f.waiter());
        LockWait.Queue q = LockWait.waiters(k, l, LockWait.Type.PERCPU_RWSEM, sem);
        assertEquals(List.of(reader, writer), q.waiters().stream().map(LockWait.Waiter::task).toList());
        assertEquals(List.of(false, true), q.waiters().stream().map(LockWait.Waiter::writer).toList());
        long sum = 0;
        for (int cpu = 0; cpu < 2; cpu++) sum += k.readU32(k.perCpu(counts, cpu));
        LockOwner o = LockOwner.percpuRwsem(k.readU32(sem + 88), Integer.toUnsignedLong((int) sum));
        assertEquals(2, o.readers());
        assertEquals(0, o.task());
        assertEquals(Boolean.TRUE, o.held());
        assertFalse(o.readerOwned()); // block is set: a writer holds it or is taking it
    }
}
