package io.kdx.analyzer.locking;

import java.util.ArrayList;
import java.util.List;

/**
 * Who holds a sleeping lock, decoded from its owner and count words as the dumped kernel's version
 * writes them (see {@link LockLayout} for the commits).
 *
 * @param held        whether the lock is held (null when the dump cannot say)
 * @param task        the owning task_struct (the writer, or for a reader-owned rwsem the last reader
 *                    to take it, which may have released it since), 0 when none is recorded
 * @param readerOwned an rwsem held by readers (RWSEM_READER_OWNED)
 * @param readers     readers holding an rwsem (count >> RWSEM_READER_SHIFT, 5.3+), -1 when unknown
 * @param flags       the flag bits set, by the kernel's names
 */
public record LockOwner(Boolean held, long task, boolean readerOwned, long readers, List<String> flags) {
    /**
     * include/linux/mutex.h / kernel/locking/mutex.c, 4.10+: the low bits of mutex.owner. WAITERS and
     * HANDOFF came with the owner word (3ca0ff571b09, 4.10); PICKUP with e274795ea7b7 "locking/mutex:
     * Fix mutex handoff" (4.11); task_structs are aligned, so masking 0x7 is right for both.
     */
    static final long MUTEX_FLAG_WAITERS = 0x01, MUTEX_FLAG_HANDOFF = 0x02, MUTEX_FLAG_PICKUP = 0x04, MUTEX_FLAGS = 0x07;
    /**
     * kernel/locking/rwsem.c, 5.3+: owner bits. Bit 0 RWSEM_READER_OWNED; bits 1 and 2 were
     * RWSEM_RD_NONSPINNABLE and RWSEM_WR_NONSPINNABLE from "locking/rwsem: Enable time-based spinning
     * on reader-owned rwsem" (7d43f1ce9dd0, 5.3) until "locking/rwsem: Remove reader optimistic
     * spinning" (617f3ef95177, 5.11) left bit 1 alone as RWSEM_NONSPINNABLE.
     */
    static final long RWSEM_READER_OWNED = 0x1, RWSEM_OWNER_FLAGS = 0x7;
    /**
     * RWSEM_OWNER_UNKNOWN, (-2L): every bit but bit 0, stored by percpu_rwsem_release() when a
     * percpu_rw_semaphore's writer hands its embedded rwsem over (the filesystem freezer does, between
     * freeze and thaw), from "locking/percpu-rwsem: Annotate rwsem ownership transfer by setting
     * RWSEM_OWNER_UNKNOWN" (2018) until 7f26482a872c "locking/percpu-rwsem: Remove the embedded
     * rwsem" (5.7) removed it. Written-locked by a writer no task pointer names; masking it would give
     * a bogus owner address.
     */
    static final long RWSEM_OWNER_UNKNOWN = -2L;
    /** 4.18 to 5.2: bit 1 of the owner pointer, RWSEM_ANONYMOUSLY_OWNED (set with RWSEM_READER_OWNED by readers from 4.20). */
    static final long RWSEM_ANONYMOUSLY_OWNED = 0x2;
    /** count bits, 5.3+. */
    static final long RWSEM_WRITER_LOCKED = 0x1, RWSEM_FLAG_WAITERS = 0x2, RWSEM_FLAG_HANDOFF = 0x4;
    static final int RWSEM_READER_SHIFT = 8;
    /** bit 63 of count: RWSEM_FLAG_READFAIL (5.3+), so readers are bits 8..62. */
    static final long RWSEM_READER_MASK = ~((1L << RWSEM_READER_SHIFT) - 1) & ~(1L << 63);

    /** A mutex from 4.10 on: owner = task_struct pointer | MUTEX_FLAG_WAITERS | HANDOFF | PICKUP. */
    public static LockOwner mutexWord(long owner) {
        List<String> f = new ArrayList<>();
        if ((owner & MUTEX_FLAG_WAITERS) != 0) f.add("MUTEX_FLAG_WAITERS");
        if ((owner & MUTEX_FLAG_HANDOFF) != 0) f.add("MUTEX_FLAG_HANDOFF");
        if ((owner & MUTEX_FLAG_PICKUP) != 0) f.add("MUTEX_FLAG_PICKUP");
        long task = owner & ~MUTEX_FLAGS;
        return new LockOwner(task != 0, task, false, -1, List.copyOf(f));
    }

    /**
     * A mutex before 4.10: count 1 free, 0 locked, negative locked with (possible) waiters; owner a
     * task pointer when the kernel kept one (0 when it has no owner member).
     */
    public static LockOwner mutexCount(int count, long ownerPointer) {
        List<String> f = new ArrayList<>();
        if (count < 0) f.add("count < 0: waiters");
        long task = ownerPointer;
        return new LockOwner(count <= 0, count <= 0 ? task : 0, false, -1, List.copyOf(f));
    }

    /** An rw_semaphore from 5.11 on (see {@link #rwsemWord(long, long, boolean)}). */
    public static LockOwner rwsemWord(long count, long owner) {
        return rwsemWord(count, owner, false);
    }

    /**
     * An rw_semaphore from 5.3 on: count (writer bit, waiters, handoff, readers above bit 8) and owner
     * word; {@code splitNonspinnable} for 5.3 to 5.10, whose owner bits 1 and 2 are the readers' and
     * the writers' NONSPINNABLE.
     */
    public static LockOwner rwsemWord(long count, long owner, boolean splitNonspinnable) {
        List<String> f = new ArrayList<>();
        if ((count & RWSEM_WRITER_LOCKED) != 0) f.add("RWSEM_WRITER_LOCKED");
        if ((count & RWSEM_FLAG_WAITERS) != 0) f.add("RWSEM_FLAG_WAITERS");
        if ((count & RWSEM_FLAG_HANDOFF) != 0) f.add("RWSEM_FLAG_HANDOFF");
        if (count < 0) f.add("RWSEM_FLAG_READFAIL");
        long readers = (count & RWSEM_READER_MASK) >>> RWSEM_READER_SHIFT;
        boolean writer = (count & RWSEM_WRITER_LOCKED) != 0;
        if (owner == RWSEM_OWNER_UNKNOWN) {
            f.add("RWSEM_OWNER_UNKNOWN (a percpu_rw_semaphore's writer handed it over: no task is recorded)");
            return new LockOwner(writer || readers > 0, 0, false, readers, List.copyOf(f));
        }
        boolean readerOwned = (owner & RWSEM_READER_OWNED) != 0;
        if (readerOwned) f.add("RWSEM_READER_OWNED");
        if (splitNonspinnable) {
            if ((owner & 0x2) != 0) f.add("RWSEM_RD_NONSPINNABLE");
            if ((owner & 0x4) != 0) f.add("RWSEM_WR_NONSPINNABLE");
        } else if ((owner & 0x2) != 0) {
            f.add("RWSEM_NONSPINNABLE");
        }
        long task = owner & ~RWSEM_OWNER_FLAGS;
        return new LockOwner(writer || readers > 0, writer || readerOwned ? task : 0, readerOwned && !writer, readers, List.copyOf(f));
    }

    /**
     * An rw_semaphore from 4.8 to 5.2 (the owner a task pointer, kept only with
     * CONFIG_RWSEM_SPIN_ON_OWNER): RWSEM_READER_OWNED (1) alone while readers hold it (from "locking/rwsem:
     * Add reader-owned state to the owner field", 4.8, to 4.19); from 925b9cd1b89a "locking/rwsem: Make
     * owner store task pointer of last owning reader" (4.20) to 5.2 the last reader's pointer with
     * RWSEM_READER_OWNED and RWSEM_ANONYMOUSLY_OWNED set; RWSEM_OWNER_UNKNOWN for a writer handed over
     * by a percpu_rw_semaphore. Whether it is held at all is in the xadd count, which kdx does not
     * decode, so held is null unless the owner says.
     */
    public static LockOwner rwsemPointer(long owner) {
        List<String> f = new ArrayList<>();
        if (owner == RWSEM_OWNER_UNKNOWN) {
            f.add("RWSEM_OWNER_UNKNOWN (a percpu_rw_semaphore's writer handed it over: no task is recorded)");
            return new LockOwner(Boolean.TRUE, 0, false, -1, List.copyOf(f));
        }
        boolean readerOwned = (owner & RWSEM_READER_OWNED) != 0;
        if (readerOwned) f.add("RWSEM_READER_OWNED");
        if ((owner & RWSEM_ANONYMOUSLY_OWNED) != 0) f.add("RWSEM_ANONYMOUSLY_OWNED");
        long task = owner & ~0x3L;
        Boolean held = owner != 0 && !readerOwned ? Boolean.TRUE : null;
        return new LockOwner(held, task, readerOwned, -1, List.copyOf(f));
    }

    /** include/linux/rtmutex.h / kernel/locking/rtmutex.c: bit 0 of rt_mutex.owner. */
    static final long RT_MUTEX_HAS_WAITERS = 0x1;

    /** An rt_mutex: owner = task_struct pointer | RT_MUTEX_HAS_WAITERS (bit 1 is masked too: task_structs are aligned). */
    public static LockOwner rtMutex(long owner) {
        List<String> f = new ArrayList<>();
        if ((owner & RT_MUTEX_HAS_WAITERS) != 0) f.add("RT_MUTEX_HAS_WAITERS");
        long task = owner & ~0x3L;
        return new LockOwner(task != 0, task, false, -1, List.copyOf(f));
    }

    /**
     * A percpu_rw_semaphore (5.7 on, 7f26482a872c): {@code block} set while a writer holds it or is taking it,
     * {@code readers} the sum of the per-CPU read_count (the readers inside); no owner task is recorded.
     */
    public static LockOwner percpuRwsem(int block, long readers) {
        List<String> f = new ArrayList<>();
        if (block != 0) f.add("block (a writer holds it or is taking it)");
        return new LockOwner(block != 0 || readers > 0, 0, block == 0 && readers > 0, readers, List.copyOf(f));
    }
}
