package io.kdx.analyzer.locking;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.StructOffsets;
import io.kdx.symbols.Member;
import io.kdx.symbols.Type;

/**
 * Offsets of the sleeping locks' members kdx reads, resolved once per kernel ({@link #of}), with the
 * version differences settled here. Absent members are -1. Commit ids are cited only where checked
 * against the kernel's history (see the issue #14 report); the others by title.
 *
 * <ul>
 * <li>struct mutex: {@code owner} is an atomic_long_t holding the owner's task_struct pointer with
 *     flag bits in its low 3 bits since 4.10 (3ca0ff571b09 "locking/mutex: Rework mutex::owner",
 *     which also removed {@code count}); before, {@code atomic_t count} (1 free, 0 locked, negative:
 *     locked with waiters) said whether it was held and {@code owner} was a plain task pointer kept
 *     only with CONFIG_MUTEX_SPIN_ON_OWNER or CONFIG_DEBUG_MUTEXES. A PREEMPT_RT kernel's mutex
 *     (5.15+) is an rt_mutex_base and has neither.</li>
 * <li>struct rw_semaphore: {@code owner} is an atomic_long_t since 5.3 (94a9717b3c40 "locking/rwsem:
 *     Make rwsem->owner an atomic_long_t"), a task_struct pointer before (kept only with
 *     CONFIG_RWSEM_SPIN_ON_OWNER until 5.3); its flag bits per version are in {@link LockOwner}.
 *     {@code count} holds the reader count above bit 8 and RWSEM_WRITER_LOCKED in bit 0 since 5.3
 *     (64489e78004c "locking/rwsem: Implement a new locking scheme", the same series); before, it was
 *     the xadd bias scheme. The member offsets of both forms are those of the released kernels'
 *     layouts (count, wait_list, wait_lock, osq, owner up to 5.2; count, owner, osq, wait_lock,
 *     wait_list from 5.3).</li>
 * <li>struct mutex_waiter and struct rwsem_waiter: a list_head queued on the lock's wait_list and
 *     the waiting task; both live on the waiter's own stack (__mutex_lock_common,
 *     rwsem_down_read_slowpath / rwsem_down_write_slowpath, rwsem_down_*_failed before 5.3).</li>
 * <li>struct rt_mutex: since 5.15 a {@code struct rt_mutex_base rtmutex} holds wait_lock, the
 *     waiters' rb_root_cached and {@code owner} (830e6acc8a1c "locking/rtmutex: Split out the inner
 *     parts of 'struct rtmutex'", in the PREEMPT_RT locking merge); before, those were struct
 *     rt_mutex's own members at the same offsets (the waiters an rb_root and a separate leftmost
 *     pointer until 4.13, an rb_root_cached by 4.15). The owner is a task pointer with
 *     RT_MUTEX_HAS_WAITERS in bit 0. A waiter (struct rt_mutex_waiter, on its task's stack) is queued
 *     in the waiters tree (an rbtree since "rtmutex: Turn the plist into an rb-tree", 2013; a plist
 *     before, not read) by {@code tree_entry}, an rb_node that moved into {@code struct rt_waiter_node
 *     tree} by 6.5 ("locking/rtmutex: Fix task->pi_waiters integrity", 2023: the waiter's own copy of
 *     the sort keys; Debian's 6.1.192 has it backported), and points back at its task and lock; the
 *     blocked task's {@code pi_blocked_on} points at it.</li>
 * <li>struct percpu_rw_semaphore: since 5.7 (7f26482a872c "locking/percpu-rwsem: Remove the embedded
 *     rwsem", 2020) readers and writers block on the {@code waiters} wait queue (entries with
 *     {@code .private} = the task, on its stack; a reader's marked WQ_FLAG_CUSTOM, which that commit
 *     added), {@code block} is set while a writer holds or takes it, and the per-CPU
 *     {@code read_count} sums to the readers inside; no owner task is recorded (the writer waiting for
 *     readers to leave is {@code writer.task}). Before, it embedded a {@code struct rw_semaphore
 *     rw_sem} on which readers blocked as on any rwsem, and whose owner a writer that handed it over
 *     set to RWSEM_OWNER_UNKNOWN (2018 on).</li>
 * </ul>
 */
public final class LockLayout {
    public final long mutexOwner, mutexCount, mutexWaitList;
    /** 4.10+: owner is a word of task pointer | MUTEX_FLAG_* bits (no count member). */
    public final boolean mutexOwnerWord;
    public final long mutexWaiterList, mutexWaiterTask;
    public final long rwsemCount, rwsemOwner, rwsemWaitList;
    /** 5.3+: owner is an atomic_long_t and count holds the reader count above RWSEM_READER_SHIFT. */
    public final boolean rwsemOwnerWord;
    /** 5.3 to 5.10: owner bits 1 and 2 are RWSEM_RD_NONSPINNABLE and RWSEM_WR_NONSPINNABLE (one bit from 5.11); by release. */
    public final boolean rwsemSplitNonspinnable;
    public final long rwsemWaiterList, rwsemWaiterTask, rwsemWaiterType;
    /** rt_mutex: offset of the rt_mutex_base in struct rt_mutex (0 before 5.15), and the base's members. */
    public final long rtBase, rtWaiters, rtOwner;
    /** rt_mutex_waiter: its rb_node in the lock's waiters tree, task, lock (an rt_mutex_base); task_struct.pi_blocked_on. */
    public final long rtWaiterNode, rtWaiterTask, rtWaiterLock, taskPiBlockedOn;
    /** percpu_rw_semaphore (the 2020 wait-queue form): read_count (per-CPU pointer), writer.task, waiters.head, block; -1 before. */
    public final long pcpuReadCount, pcpuWriterTask, pcpuWaitList, pcpuBlock;
    /** the embedded rw_semaphore of a percpu_rw_semaphore before 2020, -1 after. */
    public final long pcpuRwSem;
    /** wait_queue_entry: private (the task) and entry (its list_head). */
    public final long wqEntryPrivate, wqEntryList;
    /**
     * WQ_FLAG_CUSTOM, a percpu_rw_semaphore reader's mark in its wait_queue_entry.flags (include/linux/wait.h):
     * 0x08 while WQ_FLAG_BOOKMARK (0x04) existed, 0x04 once Matthew Wilcox's removal of the wait bookmarks
     * renumbered the flags (after 6.1; 6.12's headers have it), told by __wake_up_locked_key_bookmark,
     * which that removal deleted.
     */
    public final int wqFlagCustom;
    /** THREAD_SIZE: sizeof(union thread_union), 16 KiB on x86_64 without KASAN. */
    public final long threadSize;

    public LockLayout(Kernel k) {
        mutexOwner = opt(k, "mutex", "owner");
        mutexCount = opt(k, "mutex", "count");
        mutexWaitList = opt(k, "mutex", "wait_list");
        mutexOwnerWord = mutexOwner >= 0 && mutexCount < 0 && !isPointer(k, "mutex", "owner");
        mutexWaiterList = opt(k, "mutex_waiter", "list");
        mutexWaiterTask = opt(k, "mutex_waiter", "task");
        rwsemCount = opt(k, "rw_semaphore", "count");
        rwsemOwner = opt(k, "rw_semaphore", "owner");
        rwsemWaitList = opt(k, "rw_semaphore", "wait_list");
        rwsemOwnerWord = rwsemOwner >= 0 && !isPointer(k, "rw_semaphore", "owner");
        // no layout tells 5.3..5.10 from 5.11+: the owner word's meaning changed, not its type
        int[] v = version(k.release());
        rwsemSplitNonspinnable = rwsemOwnerWord && v[0] == 5 && v[1] >= 3 && v[1] <= 10;
        rwsemWaiterList = opt(k, "rwsem_waiter", "list");
        rwsemWaiterTask = opt(k, "rwsem_waiter", "task");
        rwsemWaiterType = opt(k, "rwsem_waiter", "type");
        long base = opt(k, "rt_mutex", "rtmutex");
        String rs = base >= 0 ? "rt_mutex_base" : "rt_mutex";
        rtWaiters = opt(k, rs, "waiters");
        rtOwner = opt(k, rs, "owner");
        rtBase = base >= 0 ? base : rtWaiters >= 0 ? 0 : -1; // before 5.15 the members are struct rt_mutex's own
        long node = opt(k, "rt_mutex_waiter", "tree.entry");
        rtWaiterNode = node >= 0 ? node : opt(k, "rt_mutex_waiter", "tree_entry");
        rtWaiterTask = opt(k, "rt_mutex_waiter", "task");
        rtWaiterLock = opt(k, "rt_mutex_waiter", "lock");
        taskPiBlockedOn = opt(k, "task_struct", "pi_blocked_on");
        pcpuReadCount = opt(k, "percpu_rw_semaphore", "read_count");
        pcpuWriterTask = opt(k, "percpu_rw_semaphore", "writer.task");
        long wq = opt(k, "percpu_rw_semaphore", "waiters");
        long head = opt(k, "wait_queue_head", "head");
        pcpuWaitList = wq >= 0 && head >= 0 ? wq + head : -1;
        pcpuBlock = opt(k, "percpu_rw_semaphore", "block");
        pcpuRwSem = opt(k, "percpu_rw_semaphore", "rw_sem");
        wqEntryPrivate = opt(k, "wait_queue_entry", "private");
        wqEntryList = opt(k, "wait_queue_entry", "entry");
        int[] rv = version(k.release());
        boolean bookmarks = k.symbol("__wake_up_locked_key_bookmark") != 0 || rv[0] > 0 && (rv[0] < 6 || rv[0] == 6 && rv[1] <= 1);
        wqFlagCustom = bookmarks ? 0x08 : 0x04;
        long ts = 16384;
        try {
            long s = k.sizeOf("thread_union");
            if (s > 0) ts = s;
        } catch (RuntimeException e) {
            // x86_64 THREAD_SIZE without KASAN (PAGE_SIZE << 2)
        }
        threadSize = ts;
    }

    public static LockLayout of(Kernel k) {
        return k.cached(LockLayout.class, LockLayout::new);
    }

    /** {major, minor} of a release string ("6.1.0-57-cloud-amd64"), {0, 0} when unknown. */
    static int[] version(String release) {
        if (release == null) return new int[] {0, 0};
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release);
        return m.find() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : new int[] {0, 0};
    }

    static long opt(Kernel k, String struct, String member) {
        return StructOffsets.optional(k, struct, member);
    }

    static boolean isPointer(Kernel k, String struct, String member) {
        try {
            Type t = k.types().struct(struct);
            Member m = t == null ? null : t.member(member);
            if (m == null || m.type() == null) return false;
            Type r = m.type().resolved();
            return r != null && r.kind() == Type.Kind.POINTER;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
