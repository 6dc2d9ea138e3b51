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
 * synthetic kernel from the version's struct definition (member order and types as the released
 * kernels' BTF/DWARF have them), citing the commit that introduced it: by id where the id was checked
 * against the kernel's history, by title otherwise.
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
        // MUTEX_FLAG_PICKUP (0x4) since e274795ea7b7 "locking/mutex: Fix mutex handoff" (4.11)
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
    static FakeKernel rwsem53(String release) {
        FakeKernel k = new FakeKernel();
        k.release = release;
        k.types.struct("rw_semaphore", 40).structMember("count", 0, 8).structMember("owner", 8, 8).member("osq", 16, 4)
                .member("wait_lock", 20, 4).member("wait_list", 24, 16);
        k.types.struct("rwsem_waiter", 48).member("list", 0, 16).pointer("task", 16).member("type", 24, 4);
        return k;
    }

    @Test
    void rwsemWordsSince53() {
        LockLayout l = new LockLayout(rwsem53("6.1.0-57-cloud-amd64"));
        assertTrue(l.rwsemOwnerWord);
        assertFalse(l.rwsemSplitNonspinnable);
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

    /**
     * 5.3 to 5.10: owner bits 1 and 2 are RWSEM_RD_NONSPINNABLE and RWSEM_WR_NONSPINNABLE
     * (7d43f1ce9dd0, 5.3) until 617f3ef95177 "locking/rwsem: Remove reader optimistic spinning" (5.11);
     * the layout is the same, so the release decides.
     */
    @Test
    void rwsemNonspinnableBitsBy510Or511() {
        assertTrue(new LockLayout(rwsem53("5.4.0-42-generic")).rwsemSplitNonspinnable);
        assertTrue(new LockLayout(rwsem53("5.10.0-32-cloud-amd64")).rwsemSplitNonspinnable);
        assertFalse(new LockLayout(rwsem53("5.11.0")).rwsemSplitNonspinnable);
        assertFalse(new LockLayout(rwsem53(null)).rwsemSplitNonspinnable);
        LockOwner r = LockOwner.rwsemWord(0x200, TASK | 0x7, true); // 2 readers; neither readers nor writers may spin on it
        assertEquals(List.of("RWSEM_READER_OWNED", "RWSEM_RD_NONSPINNABLE", "RWSEM_WR_NONSPINNABLE"), r.flags());
        assertEquals(TASK, r.task());
        assertEquals(2, r.readers());
        assertEquals(List.of("RWSEM_NONSPINNABLE"), LockOwner.rwsemWord(0, TASK | 0x2, false).flags());
    }

    /**
     * RWSEM_OWNER_UNKNOWN (-2L: all bits but bit 0), stored by percpu_rwsem_release() in the rwsem a
     * percpu_rw_semaphore embedded until 7f26482a872c (5.7): the filesystem freezer's write hold between
     * freeze and thaw. Masking the flag bits off would name task 0xff..f8 as the owner; it is a held
     * lock whose writer no task pointer names.
     */
    @Test
    void rwsemOwnerUnknownIsAWriterWithNoTask() {
        LockOwner w = LockOwner.rwsemWord(0x3, -2L, true); // 5.3 to 5.6: writer locked, waiters
        assertEquals(0, w.task());
        assertEquals(Boolean.TRUE, w.held());
        assertFalse(w.readerOwned());
        assertTrue(w.flags().getLast().startsWith("RWSEM_OWNER_UNKNOWN"), w.flags().toString());
        LockOwner p = LockOwner.rwsemPointer(-2L); // 2018 to 5.2, owner a pointer
        assertEquals(0, p.task());
        assertEquals(Boolean.TRUE, p.held());
        assertFalse(p.readerOwned());
        assertTrue(p.flags().getFirst().startsWith("RWSEM_OWNER_UNKNOWN"), p.flags().toString());
    }

    /**
     * 4.8 to 5.2 ("locking/rwsem: Add reader-owned state to the owner field", 4.8): a task pointer,
     * laid out as the released kernels have it (count, wait_list, wait_lock, osq, owner).
     */
    @Test
    void rwsemOwnerPointerBefore53() {
        FakeKernel k = new FakeKernel();
        k.release = "4.19.0-27-amd64";
        k.types.struct("rw_semaphore", 40).structMember("count", 0, 8).member("wait_list", 8, 16).member("wait_lock", 24, 4)
                .member("osq", 28, 4).pointer("owner", 32);
        LockLayout l = new LockLayout(k);
        assertFalse(l.rwsemOwnerWord);
        assertFalse(l.rwsemSplitNonspinnable);
        assertEquals(32, l.rwsemOwner);
        assertEquals(8, l.rwsemWaitList);
        LockOwner readers = LockOwner.rwsemPointer(0x1); // RWSEM_READER_OWNED alone (4.8 to 4.19)
        assertTrue(readers.readerOwned());
        assertEquals(0, readers.task());
        assertNull(readers.held()); // the xadd count is not decoded
        // 4.20 to 5.2 (925b9cd1b89a): the last reader's pointer | READER_OWNED | ANONYMOUSLY_OWNED
        LockOwner last = LockOwner.rwsemPointer(TASK | 0x3);
        assertEquals(TASK, last.task());
        assertTrue(last.readerOwned());
        assertEquals(List.of("RWSEM_READER_OWNED", "RWSEM_ANONYMOUSLY_OWNED"), last.flags());
        LockOwner writer = LockOwner.rwsemPointer(TASK);
        assertEquals(Boolean.TRUE, writer.held());
        assertFalse(writer.readerOwned());
    }
}
