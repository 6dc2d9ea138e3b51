package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.Unreadable;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.analyzer.locking.LockLayout;
import io.kdx.analyzer.locking.LockNames;
import io.kdx.analyzer.locking.LockOwner;
import io.kdx.analyzer.locking.LockWait;
import io.kdx.analyzer.stack.Frame;
import io.kdx.analyzer.tasks.TaskInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tasks in D state blocked on a mutex, rw_semaphore, rt_mutex or percpu_rw_semaphore: the lock each
 * waits on (proven from the lock's own wait list or waiters tree, {@link LockWait}), the lock's owner
 * decoded per kernel version ({@link LockOwner}; a percpu_rw_semaphore records none, only its block
 * flag and readers), what the owner does, the chain of owners waiting on further locks followed to
 * its end, and any cycle in it as a deadlock. Tasks the frozen-filesystem finding already explains
 * (its percpu_rw_semaphore waiters on a frozen super_block) are left to it.
 */
final class LockDiagnostic implements Diagnostic {
    /** Where a task waits: the lock and its type. */
    record Wait(long lock, LockWait.Type type) {}

    @Override
    public int rank() {
        return 50;
    }

    /** The lock type of a stack in a sleeping lock's slow path, or null (kernel/locking/mutex.c, rwsem.c). */
    static LockWait.Type lockType(List<Frame> frames) {
        for (Frame f : frames) {
            String n = f.function();
            if (n == null) continue;
            // kernel/locking/rtmutex.c, rtmutex_api.c: rt_mutex_slowlock_block, __rt_mutex_slowlock(_locked), rt_mutex_slowlock
            if (n.contains("rt_mutex_slowlock") || n.startsWith("rt_mutex_lock")) return LockWait.Type.RT_MUTEX;
            // kernel/locking/percpu-rwsem.c (5.7 on, 7f26482a872c): readers and writers alike wait in percpu_rwsem_wait
            if (n.equals("percpu_rwsem_wait")) return LockWait.Type.PERCPU_RWSEM;
            if (n.startsWith("rwsem_down_write_slowpath") || n.equals("down_write") || n.equals("down_write_killable")) return LockWait.Type.RWSEM_WRITE;
            if (n.startsWith("rwsem_down_read_slowpath") || n.equals("down_read") || n.equals("down_read_killable")) return LockWait.Type.RWSEM_READ;
            if ((n.startsWith("__mutex_lock") || n.startsWith("mutex_lock")) && !n.contains("rt_mutex")) return LockWait.Type.MUTEX;
        }
        return null;
    }

    @Override
    public List<Finding> examine(AnalysisContext c) {
        Kernel k = c.kernel();
        Set<Long> explained = new HashSet<>(); // waiters of a frozen filesystem: that finding's
        for (Finding.FrozenFilesystem f : c.found(Finding.FrozenFilesystem.class)) {
            for (BlockedTask b : f.blocked()) explained.add(b.task());
            for (BlockedTask b : f.suspected()) explained.add(b.task());
        }
        List<BlockedTask> candidates = new ArrayList<>();
        for (BlockedTask b : c.stacks().values()) {
            if ("UN".equals(b.state()) && lockType(b.frames()) != null && !explained.contains(b.task())) candidates.add(b);
        }
        if (candidates.isEmpty()) return List.of();
        LockLayout l;
        long threadSp;
        try {
            l = LockLayout.of(k);
            threadSp = k.hasMember("task_struct", "thread.sp") ? k.offsetOf("task_struct", "thread.sp") : -1;
        } catch (MemoryFault | MissingTypeException e) {
            c.unreadable().add(Unreadable.of(Unreadable.LOCK, null, e, candidates.size() + " task(s) wait for a sleeping lock, but the lock structures are unknown: " + e.getMessage()));
            return List.of();
        }
        Map<Long, Wait> waitsOn = new LinkedHashMap<>();
        Map<Long, LockWait.Found> proven = new HashMap<>();
        for (BlockedTask b : candidates) {
            LockWait.Type type = lockType(b.frames());
            TaskInfo t = c.task(b.task());
            if (t == null) continue;
            long sp = 0;
            try {
                if (threadSp >= 0) sp = k.readPointer(t.task() + threadSp);
            } catch (MemoryFault f) {
                // scan the whole stack
            }
            LockWait.Found f = LockWait.find(k, l, type, t.task(), t.stack(), sp, a -> c.task(a) != null,
                    a -> { TaskInfo x = c.task(a); return x == null ? 0 : x.stack(); });
            if (f == null) {
                c.unreadable().add(Unreadable.of(Unreadable.LOCK, Fmt.format("stack of task_struct 0x%x", t.task()), Fmt.format(
                        "%s (pid %d) waits in %s for a %s, but its waiter is not on its stack: the lock is unknown", t.comm(), t.pid(), b.waitingIn(), type.cName)));
                continue;
            }
            waitsOn.put(t.task(), new Wait(f.lock(), type));
            proven.put(t.task(), f);
        }
        Map<Long, LockWait.Type> locks = new LinkedHashMap<>();
        for (Wait w : waitsOn.values()) locks.putIfAbsent(w.lock(), w.type() == LockWait.Type.RWSEM_READ ? LockWait.Type.RWSEM_WRITE : w.type());

        // each waiter's chain, as the frozen-filesystem finding gives it: task -> its waiter -> the lock's wait_list
        Map<Long, String> lockNames = new HashMap<>();
        for (var e : proven.entrySet()) {
            BlockedTask b = c.stacks().get(e.getKey());
            Wait w = waitsOn.get(e.getKey());
            String name = lockNames.computeIfAbsent(w.lock(), x -> LockNames.of(k, x));
            List<String> chain = List.of(
                    Fmt.format("task_struct 0x%x (pid %d, %s)", b.task(), b.pid(), b.comm()),
                    switch (w.type()) {
                        case MUTEX -> Fmt.format("mutex_waiter 0x%x on its stack .task = that task", e.getValue().waiter());
                        case RWSEM_READ, RWSEM_WRITE -> Fmt.format("rwsem_waiter 0x%x on its stack .task = that task", e.getValue().waiter());
                        case PERCPU_RWSEM -> Fmt.format("wait_queue_entry 0x%x on its stack .private = that task", e.getValue().waiter());
                        case RT_MUTEX -> Fmt.format("rt_mutex_waiter 0x%x = its .pi_blocked_on, .task = that task", e.getValue().waiter());
                    },
                    Fmt.format(w.type() == LockWait.Type.RT_MUTEX ? "in the waiters tree at 0x%x of %s 0x%x%s%s"
                            : "queued on 0x%x = %s 0x%x%s%s", w.lock() + LockWait.headOffset(l, w.type()), w.type().cName, w.lock(),
                            name == null ? "" : " (" + name + ")", w.type() == LockWait.Type.PERCPU_RWSEM ? " .waiters" :
                            w.type() == LockWait.Type.RT_MUTEX ? "" : " .wait_list")
                            + (e.getValue().note() == null ? "" : " (" + e.getValue().note() + ")"));
            c.stacks().put(e.getKey(), FrozenFilesystemDiagnostic.withChain(b, chain));
        }
        Map<Long, Long> ownerWords = new HashMap<>();
        Map<Long, LockOwner> owners = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        for (var e : locks.entrySet()) {
            long lock = e.getKey();
            names.put(lock, lockNames.computeIfAbsent(lock, x -> LockNames.of(k, x)));
            try {
                if (e.getValue() == LockWait.Type.RT_MUTEX) {
                    long w = l.rtOwner >= 0 ? k.readU64(lock + l.rtBase + l.rtOwner) : 0;
                    ownerWords.put(lock, w);
                    owners.put(lock, LockOwner.rtMutex(w));
                } else if (e.getValue() == LockWait.Type.PERCPU_RWSEM) {
                    owners.put(lock, LockOwner.percpuRwsem(l.pcpuBlock >= 0 ? k.readU32(lock + l.pcpuBlock) : 0, readers(k, l, lock)));
                    ownerWords.put(lock, 0L);
                } else if (e.getValue() == LockWait.Type.MUTEX) {
                    if (!l.mutexOwnerWord && l.mutexCount < 0) { // neither form (a PREEMPT_RT mutex is an rt_mutex_base)
                        c.unreadable().add(Unreadable.of(Unreadable.LOCK, Fmt.format("mutex 0x%x .owner", lock),
                                Fmt.format("the owner of mutex 0x%x is unknown: struct mutex has neither an owner word nor a count", lock)));
                        continue;
                    }
                    long w = l.mutexOwner >= 0 ? k.readU64(lock + l.mutexOwner) : 0;
                    ownerWords.put(lock, w);
                    owners.put(lock, l.mutexOwnerWord ? LockOwner.mutexWord(w) : LockOwner.mutexCount(k.readU32(lock + l.mutexCount), w));
                } else {
                    long w = l.rwsemOwner >= 0 ? k.readU64(lock + l.rwsemOwner) : 0;
                    ownerWords.put(lock, w);
                    owners.put(lock, l.rwsemOwnerWord ? LockOwner.rwsemWord(k.readU64(lock + l.rwsemCount), w, l.rwsemSplitNonspinnable) : LockOwner.rwsemPointer(w));
                }
            } catch (MemoryFault f) {
                c.unreadable().add(Unreadable.of(Unreadable.LOCK, Fmt.format("%s 0x%x .owner", e.getValue().cName, lock), f,
                        Fmt.format("the owner of %s 0x%x is unreadable: %s", e.getValue().cName, lock, f.getMessage())));
            }
        }

        // cycles: follow task -> lock it waits for -> that lock's owner, until a task waits for nothing or repeats
        List<Finding> deadlocks = new ArrayList<>();
        Set<Long> inCycle = new HashSet<>();
        Set<Long> cycleLocks = new HashSet<>();
        for (long start : waitsOn.keySet()) {
            List<Long> path = new ArrayList<>();
            long t = start;
            while (t != 0 && waitsOn.containsKey(t) && !path.contains(t) && path.size() <= waitsOn.size()) {
                path.add(t);
                LockOwner o = owners.get(waitsOn.get(t).lock());
                t = o == null || o.readerOwned() ? 0 : o.task();
            }
            if (t == 0 || !path.contains(t) || inCycle.contains(t)) continue;
            List<Long> cycle = new ArrayList<>(path.subList(path.indexOf(t), path.size()));
            List<Finding.LockStep> steps = new ArrayList<>();
            List<BlockedTask> tasks = new ArrayList<>();
            for (int i = 0; i < cycle.size(); i++) {
                long task = cycle.get(i);
                long prev = cycle.get((i + cycle.size() - 1) % cycle.size());
                Wait w = waitsOn.get(task), held = waitsOn.get(prev); // task holds the lock prev waits for
                steps.add(step(c, task, w, held.lock(), held.type(), names));
                tasks.add(stack(c, task));
                inCycle.add(task);
                cycleLocks.add(w.lock());
            }
            deadlocks.add(new Finding.Deadlock(List.copyOf(steps), List.copyOf(tasks)));
        }

        List<Finding.LockContention> contention = new ArrayList<>();
        for (var e : locks.entrySet()) {
            long lock = e.getKey();
            LockWait.Type type = e.getValue();
            LockWait.Queue q = LockWait.waiters(k, l, type, lock);
            List<BlockedTask> waiters = new ArrayList<>();
            List<Boolean> writes = new ArrayList<>();
            boolean outside = false;
            for (LockWait.Waiter w : q.waiters()) {
                waiters.add(stack(c, w.task()));
                writes.add(type == LockWait.Type.MUTEX ? null : w.writer());
                outside |= !inCycle.contains(w.task());
            }
            if (cycleLocks.contains(lock) && !outside) continue; // all in the deadlock finding
            LockOwner o = owners.get(lock);
            BlockedTask owner = o == null || o.task() == 0 || c.task(o.task()) == null ? null : stack(c, o.task());
            Wait ow = owner == null ? null : waitsOn.get(owner.task());
            List<Finding.LockStep> chain = new ArrayList<>();
            Set<Long> seen = new HashSet<>();
            long cur = lock;
            LockWait.Type curType = type;
            while (chain.size() <= locks.size()) {
                LockOwner co = owners.get(cur);
                if (co == null || co.task() == 0 || co.readerOwned() || !seen.add(co.task())) break;
                Wait next = waitsOn.get(co.task());
                chain.add(step(c, co.task(), next, cur, curType, names));
                if (next == null) break;
                cur = next.lock();
                curType = next.type();
            }
            String note = q.note();
            if (type == LockWait.Type.PERCPU_RWSEM) {
                note = (note == null ? "" : note + "; ") + percpuNote(c, k, l, lock);
            } else if (o != null && o.task() == 0 && !Boolean.FALSE.equals(o.held())) {
                note = (note == null ? "" : note + "; ") + "no owner task is recorded in the lock";
            }
            contention.add(new Finding.LockContention(lock, type.cName, names.get(lock),
                    names.get(lock) == null ? io.kdx.analyzer.mem.SlabObject.of(k, lock) : null, ownerWords.getOrDefault(lock, 0L), o, owner,
                    ow == null ? 0 : ow.lock(), List.copyOf(waiters), java.util.Collections.unmodifiableList(writes), List.copyOf(chain), note));
        }
        contention.sort(Comparator.comparingInt((Finding.LockContention x) -> -x.waiters().size()));
        List<Finding> out = new ArrayList<>(deadlocks);
        out.addAll(contention);
        return out;
    }

    /** The readers inside a percpu_rw_semaphore: its per-CPU read_count summed over the possible CPUs (as per_cpu_sum). */
    static long readers(Kernel k, LockLayout l, long lock) {
        if (l.pcpuReadCount < 0) return -1;
        long counts = k.readPointer(lock + l.pcpuReadCount);
        int sum = 0; // unsigned int per CPU: a reader may leave on another CPU than it entered, so only the sum means anything
        for (int cpu = 0; cpu < k.nrCpus(); cpu++) sum += k.readU32(k.perCpu(counts, cpu));
        return Integer.toUnsignedLong(sum);
    }

    /** A percpu_rw_semaphore records no owner: say so, and name the writer waiting for readers to leave, if any. */
    static String percpuNote(AnalysisContext c, Kernel k, LockLayout l, long lock) {
        String s = "a percpu_rw_semaphore records no owner task (percpu_down_write does not store one)";
        try {
            long w = l.pcpuWriterTask >= 0 ? k.readPointer(lock + l.pcpuWriterTask) : 0;
            TaskInfo t = w == 0 ? null : c.task(w);
            if (t != null) s += Fmt.format("; writer.task: %s (pid %d) waits for the readers to leave", t.comm(), t.pid());
        } catch (MemoryFault f) {
            s += "; writer.task unreadable: " + f.getMessage();
        }
        return s;
    }

    BlockedTask stack(AnalysisContext c, long task) {
        BlockedTask b = c.stacks().get(task);
        if (b != null) return b;
        TaskInfo t = c.task(task);
        if (t == null) return new BlockedTask(-1, null, task, "??", null, -1, List.of(), "task not in the task list", List.of(), false);
        b = c.blocked(t, List.of(), false);
        return b;
    }

    static Finding.LockStep step(AnalysisContext c, long task, Wait waits, long holds, LockWait.Type holdsType, Map<Long, String> names) {
        TaskInfo t = c.task(task);
        return new Finding.LockStep(t == null ? -1 : t.pid(), t == null ? null : t.comm(), task, t == null ? "??" : t.state(),
                waits == null ? 0 : waits.lock(), waits == null ? null : waits.type().cName, waits == null ? null : names.get(waits.lock()),
                holds, holdsType.cName, names.get(holds));
    }
}
