package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
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
 * Tasks in D state blocked on a mutex or rw_semaphore: the lock each waits on (proven from the
 * lock's own wait_list, {@link LockWait}), the lock's owner decoded per kernel version
 * ({@link LockOwner}), what the owner does, the chain of owners waiting on further locks followed to
 * its end, and any cycle in it as a deadlock. percpu_rw_semaphore waits (frozen filesystems) are the
 * frozen-filesystem diagnosis's; rt_mutex waits are not examined yet.
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
            if (n.startsWith("rwsem_down_write_slowpath") || n.equals("down_write") || n.equals("down_write_killable")) return LockWait.Type.RWSEM_WRITE;
            if (n.startsWith("rwsem_down_read_slowpath") || n.equals("down_read") || n.equals("down_read_killable")) return LockWait.Type.RWSEM_READ;
            if ((n.startsWith("__mutex_lock") || n.startsWith("mutex_lock")) && !n.contains("rt_mutex")) return LockWait.Type.MUTEX;
        }
        return null;
    }

    @Override
    public List<Finding> examine(AnalysisContext c) {
        Kernel k = c.kernel();
        List<BlockedTask> candidates = new ArrayList<>();
        for (BlockedTask b : c.stacks().values()) if ("UN".equals(b.state()) && lockType(b.frames()) != null) candidates.add(b);
        if (candidates.isEmpty()) return List.of();
        LockLayout l;
        long threadSp;
        try {
            l = LockLayout.of(k);
            threadSp = k.hasMember("task_struct", "thread.sp") ? k.offsetOf("task_struct", "thread.sp") : -1;
        } catch (MemoryFault | MissingTypeException e) {
            c.unreadable().add(candidates.size() + " task(s) wait for a sleeping lock, but the lock structures are unknown: " + e.getMessage());
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
                c.unreadable().add(String.format("%s (pid %d) waits in %s for a %s, but its waiter is not on its stack: the lock is unknown",
                        t.comm(), t.pid(), b.waitingIn(), type.cName));
                continue;
            }
            waitsOn.put(t.task(), new Wait(f.lock(), type));
            proven.put(t.task(), f);
        }
        Map<Long, LockWait.Type> locks = new LinkedHashMap<>();
        for (Wait w : waitsOn.values()) locks.putIfAbsent(w.lock(), w.type() == LockWait.Type.MUTEX ? LockWait.Type.MUTEX : LockWait.Type.RWSEM_WRITE);

        // each waiter's chain, as the frozen-filesystem finding gives it: task -> its waiter -> the lock's wait_list
        Map<Long, String> lockNames = new HashMap<>();
        for (var e : proven.entrySet()) {
            BlockedTask b = c.stacks().get(e.getKey());
            Wait w = waitsOn.get(e.getKey());
            String name = lockNames.computeIfAbsent(w.lock(), x -> LockNames.of(k, x));
            List<String> chain = List.of(
                    String.format("task_struct 0x%x (pid %d, %s)", b.task(), b.pid(), b.comm()),
                    String.format("%s 0x%x on its stack .task = that task", w.type() == LockWait.Type.MUTEX ? "mutex_waiter" : "rwsem_waiter",
                            e.getValue().waiter()),
                    String.format("queued on 0x%x = %s 0x%x%s .wait_list", w.lock() + (w.type() == LockWait.Type.MUTEX ? l.mutexWaitList : l.rwsemWaitList),
                            w.type().cName, w.lock(), name == null ? "" : " (" + name + ")"));
            c.stacks().put(e.getKey(), FrozenFilesystemDiagnostic.withChain(b, chain));
        }
        Map<Long, Long> ownerWords = new HashMap<>();
        Map<Long, LockOwner> owners = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        for (var e : locks.entrySet()) {
            long lock = e.getKey();
            names.put(lock, lockNames.computeIfAbsent(lock, x -> LockNames.of(k, x)));
            try {
                if (e.getValue() == LockWait.Type.MUTEX) {
                    long w = l.mutexOwner >= 0 ? k.readU64(lock + l.mutexOwner) : 0;
                    ownerWords.put(lock, w);
                    owners.put(lock, l.mutexOwnerWord ? LockOwner.mutexWord(w) : LockOwner.mutexCount(k.readU32(lock + l.mutexCount), w));
                } else {
                    long w = l.rwsemOwner >= 0 ? k.readU64(lock + l.rwsemOwner) : 0;
                    ownerWords.put(lock, w);
                    owners.put(lock, l.rwsemOwnerWord ? LockOwner.rwsemWord(k.readU64(lock + l.rwsemCount), w) : LockOwner.rwsemPointer(w));
                }
            } catch (MemoryFault f) {
                c.unreadable().add(String.format("the owner of %s 0x%x is unreadable: %s", e.getValue().cName, lock, f.getMessage()));
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
            if (o != null && o.task() == 0 && !Boolean.FALSE.equals(o.held())) {
                note = (note == null ? "" : note + "; ") + "no owner task is recorded in the lock";
            }
            contention.add(new Finding.LockContention(lock, type.cName, names.get(lock), ownerWords.getOrDefault(lock, 0L), o, owner,
                    ow == null ? 0 : ow.lock(), List.copyOf(waiters), java.util.Collections.unmodifiableList(writes), List.copyOf(chain), note));
        }
        contention.sort(Comparator.comparingInt((Finding.LockContention x) -> -x.waiters().size()));
        List<Finding> out = new ArrayList<>(deadlocks);
        out.addAll(contention);
        return out;
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
