package io.kdx.analyzer.locking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdx.analyzer.testkit.FakeKernel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Owner decoding for the lock layouts of kernels no fixture boots, each laid out by hand in a
 * synthetic kernel from the version's struct definition, citing the commit that introduced it.
 */
class LockOwnerTest {
    static final long TASK = 0xffff888003a4c000L;

    /** 4.10+ (3ca0ff571b09 "locking/mutex: Rework mutex::owner"): atomic_long_t owner @0, no count. */
    static FakeKernel mutex410() {
        FakeKernel k = new FakeKernel();
        k.types.struct("mutex", 32).structMember("owner", 0, 8).member("wait_lock", 8, 4).member("wait_list", 16, 16);
        k.types.struct("mutex_waiter", 32).member("list", 0, 16).pointer("task", 16).pointer("ww_ctx", 24);
        return k;
    }

    /** Before 4.10: atomic_t count @0, wait_list @8, task_struct *owner @24 (CONFIG_MUTEX_SPIN_ON_OWNER). */
    static FakeKernel mutexCount() {
        FakeKernel k = new FakeKernel();
        k.types.struct("mutex", 40).member("count", 0, 4).member("wait_lock", 4, 4).member("wait_list", 8, 16).pointer("owner", 24);
        k.types.struct("mutex_waiter", 24).member("list", 0, 16).pointer("task", 16);
        return k;
    }

    @Test
    void mutexOwnerWordSince410() {
        FakeKernel k = mutex410();
        LockLayout l = new LockLayout(k);
        assertTrue(l.mutexOwnerWord);
        assertEquals(0, l.mutexOwner);
        assertEquals(16, l.mutexWaitList);
        LockOwner o = LockOwner.mutexWord(TASK | 0x1);
        assertEquals(TASK, o.task());
        assertEquals(Boolean.TRUE, o.held());
        assertEquals(List.of("MUTEX_FLAG_WAITERS"), o.flags());
        LockOwner h = LockOwner.mutexWord(TASK | 0x3);
        assertEquals(TASK, h.task());
        assertEquals(List.of("MUTEX_FLAG_WAITERS", "MUTEX_FLAG_HANDOFF"), h.flags());
        // handed off but not yet picked up: flags only, no owner
        LockOwner p = LockOwner.mutexWord(0x4);
        assertEquals(0, p.task());
        assertEquals(Boolean.FALSE, p.held());
    }

    @Test
    void mutexCountBefore410() {
        FakeKernel k = mutexCount();
        LockLayout l = new LockLayout(k);
        assertFalse(l.mutexOwnerWord);
        assertEquals(0, l.mutexCount);
        assertEquals(24, l.mutexOwner);
        LockOwner locked = LockOwner.mutexCount(-1, TASK);
        assertEquals(Boolean.TRUE, locked.held());
        assertEquals(TASK, locked.task());
        assertEquals(List.of("count < 0: waiters"), locked.flags());
        LockOwner free = LockOwner.mutexCount(1, TASK); // a stale owner pointer of a free mutex is not an owner
        assertEquals(Boolean.FALSE, free.held());
        assertEquals(0, free.task());
    }

    /** 5.3+ (94a9717b3c40: owner atomic_long_t; 64489e78004c: readers above bit 8 of count). */
    @Test
    void rwsemWordsSince53() {
        FakeKernel k = new FakeKernel();
        k.types.struct("rw_semaphore", 40).structMember("count", 0, 8).structMember("owner", 8, 8).member("wait_list", 24, 16);
        k.types.struct("rwsem_waiter", 48).member("list", 0, 16).pointer("task", 16).member("type", 24, 4);
        LockLayout l = new LockLayout(k);
        assertTrue(l.rwsemOwnerWord);
        assertEquals(24, l.rwsemWaitList);
        LockOwner w = LockOwner.rwsemWord(0x3, TASK); // writer locked, waiters
        assertEquals(TASK, w.task());
        assertFalse(w.readerOwned());
        assertEquals(0, w.readers());
        assertEquals(List.of("RWSEM_WRITER_LOCKED", "RWSEM_FLAG_WAITERS"), w.flags());
        LockOwner r = LockOwner.rwsemWord(0x302, TASK | 0x1); // 3 readers, waiters; owner: last reader | READER_OWNED
        assertEquals(3, r.readers());
        assertTrue(r.readerOwned());
        assertEquals(Boolean.TRUE, r.held());
        assertEquals(TASK, r.task());
        LockOwner n = LockOwner.rwsemWord(0x100 | (1L << 63), TASK | 0x3); // READFAIL (bit 63) is not a reader
        assertEquals(1, n.readers());
        assertTrue(n.flags().contains("RWSEM_FLAG_READFAIL"));
        assertTrue(n.flags().contains("RWSEM_NONSPINNABLE"));
        assertEquals(Boolean.FALSE, LockOwner.rwsemWord(0, 0).held());
    }

    /** 4.8 to 5.2 (19c5d690e416 "locking/rwsem: Add reader-owned state to the owner field"): a task pointer. */
    @Test
    void rwsemOwnerPointerBefore53() {
        FakeKernel k = new FakeKernel();
        k.types.struct("rw_semaphore", 40).structMember("count", 0, 8).member("wait_list", 8, 16).pointer("owner", 32);
        LockLayout l = new LockLayout(k);
        assertFalse(l.rwsemOwnerWord);
        assertEquals(32, l.rwsemOwner);
        LockOwner readers = LockOwner.rwsemPointer(0x1); // RWSEM_READER_OWNED alone (4.8 to 5.0)
        assertTrue(readers.readerOwned());
        assertEquals(0, readers.task());
        assertNull(readers.held()); // the xadd count is not decoded
        LockOwner last = LockOwner.rwsemPointer(TASK | 0x1); // 5.1: the last reader's pointer | READER_OWNED
        assertEquals(TASK, last.task());
        LockOwner writer = LockOwner.rwsemPointer(TASK);
        assertEquals(Boolean.TRUE, writer.held());
        assertFalse(writer.readerOwned());
    }
}
