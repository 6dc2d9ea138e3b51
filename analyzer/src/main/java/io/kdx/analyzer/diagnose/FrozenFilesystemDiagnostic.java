package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.analyzer.kernel.Unreadable;
import io.kdx.analyzer.mount.FreezeLevel;
import io.kdx.analyzer.mount.FreezeWaiters;
import io.kdx.analyzer.mount.MountInfo;
import io.kdx.analyzer.mount.Mounts;
import io.kdx.analyzer.stack.Frame;
import io.kdx.analyzer.tasks.TaskInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Frozen filesystems and who waits for them: every mount whose super_block is frozen, the tasks
 * proven to wait from the super_block's own freeze wait queues ({@link FreezeWaiters}), the D tasks
 * in the freeze path but on none of its queues (suspected), and who may have frozen it.
 */
final class FrozenFilesystemDiagnostic implements Diagnostic {
    /** Functions of the freeze path (fs/super.c, kernel/locking/percpu-rwsem.c, fs/namespace.c; vfs_check_frozen before 3.6). */
    static final Set<String> FREEZE_PATH = Set.of("percpu_rwsem_wait", "__percpu_down_read", "percpu_down_read",
            "__sb_start_write", "sb_start_write", "sb_start_pagefault", "sb_start_intwrite", "mnt_want_write",
            "mnt_want_write_file", "vfs_check_frozen", "__sb_start_write_trylock");
    /** Functions that freeze or thaw (a task inside them is the freezer at work). */
    static final Set<String> FREEZING = Set.of("freeze_super", "thaw_super", "ioctl_fsfreeze", "ioctl_fsthaw",
            "freeze_bdev", "thaw_bdev", "bdev_freeze", "bdev_thaw", "fs_bdev_freeze");
    /** Names of tools and agents that freeze filesystems for snapshots and backups (matched in comm). */
    static final List<String> FREEZER_NAMES = List.of("fsfreeze", "xfs_freeze", "qemu-ga", "qemu-guest-ag", "lvcreate",
            "lvm", "dmsetup", "snapper", "veeam", "vss", "restic", "borg", "bacula", "backup", "snapshot", "commvault",
            "rubrik", "cohesity", "waagent", "google_guest");

    @Override
    public int rank() {
        return 100;
    }

    @Override
    public List<Finding.FrozenFilesystem> examine(AnalysisContext c) {
        Kernel k = c.kernel();
        List<Unreadable> unreadable = c.unreadable();
        Map<Long, BlockedTask> stacks = c.stacks();
        List<Finding.FrozenFilesystem> out = new ArrayList<>();
        AnalysisContext.MountsRead read = c.mounts();
        if (read.fault() != null) {
            RuntimeException e = read.fault();
            unreadable.add(Unreadable.of(Unreadable.MOUNT_LIST, null, e, "mounts unreadable, frozen filesystems unknown: " + e.getMessage()));
            c.notAnalyzed("the mounts could not be read (" + e.getMessage() + ")");
            return out;
        }
        Mounts.Result mr = read.mounts();
        FreezeLevel freeze = read.freeze();
        unreadable.addAll(mr.unreadable());
        if (mr.mounts().isEmpty()) {
            c.notAnalyzed("no mount could be read" + (mr.problems().isEmpty() ? "" : " (" + mr.problems().getFirst() + ")"));
        }
        Map<Long, List<MountInfo>> bySb = new LinkedHashMap<>();
        for (MountInfo m : mr.mounts()) if (m.isFrozen()) bySb.computeIfAbsent(m.superBlock(), x -> new ArrayList<>()).add(m);

        List<String> freezers = freezers(c.tasks(), stacks);
        for (var e : bySb.entrySet()) {
            long sb = e.getKey();
            List<MountInfo> ms = e.getValue();
            MountInfo first = ms.getFirst(); // the shortest mount point; the first of equals
            for (MountInfo m : ms) if (mountpointLength(m) < mountpointLength(first)) first = m;
            Map<Long, FreezeWaiters.Waiter> waiters;
            try {
                waiters = FreezeWaiters.of(k, freeze, sb, unreadable);
            } catch (MemoryFault | MissingTypeException x) {
                waiters = Map.of();
                unreadable.add(Unreadable.of(Unreadable.WAIT_QUEUE, Fmt.format("super_block 0x%x .s_writers", sb), x,
                        Fmt.format("the freeze wait queues of super_block 0x%x are unreadable, so no waiter is proven: %s", sb, x.getMessage())));
            }
            List<BlockedTask> blocked = new ArrayList<>();
            for (FreezeWaiters.Waiter w : waiters.values()) {
                TaskInfo t = c.task(w.task());
                List<String> chain = chain(k, w, sb, first, t);
                BlockedTask b;
                if (t == null) {
                    // not in the (broken) task list: the wait queue's entry names the task_struct; read it there
                    try {
                        TaskInfo found = io.kdx.analyzer.tasks.Tasks.readOne(k, w.task());
                        chain = chain(k, w, sb, first, found);
                        BlockedTask s = c.blocked(found, chain, true);
                        b = new BlockedTask(s.pid(), s.comm(), s.task(), s.state(), s.waitingIn(), s.blockedSeconds(), s.frames(),
                                "found through the freeze wait queue, not the task list" + (s.stackNote() == null ? "" : "; " + s.stackNote()),
                                chain, true);
                    } catch (MemoryFault | MissingTypeException x) {
                        b = new BlockedTask(-1, null, w.task(), "??", null, -1, List.of(),
                                "on the freeze wait queue but not in the task list, and unreadable: " + x.getMessage(), chain, true);
                        unreadable.add(Unreadable.of(Unreadable.TASK, Fmt.format("task_struct 0x%x", w.task()), x, Fmt.format(
                                "task_struct 0x%x, queued on super_block 0x%x .%s (wait_queue_entry 0x%x), is unreadable: %s",
                                w.task(), sb, w.queue(), w.entry(), x.getMessage())));
                    }
                } else {
                    BlockedTask s = stacks.get(t.task());
                    b = s != null ? withChain(s, chain) : c.blocked(t, chain, true);
                    stacks.put(t.task(), b);
                }
                blocked.add(b);
            }
            List<BlockedTask> suspected = new ArrayList<>();
            if (bySb.size() == 1) { // with one frozen filesystem, freeze-path sleepers not on its queues are worth naming
                for (BlockedTask s : stacks.values()) {
                    if (!s.proven() && inFreezePath(s) && !waiters.containsKey(s.task())) suspected.add(s);
                }
            }
            blocked.sort((a, b) -> Integer.compare(a.pid(), b.pid())); // a plain lambda, not Comparator.comparing*: that one is serializable, spun at run time (outside the AOT cache)
            List<Map.Entry<Long, String>> mounts = ms.stream() // a null mount point stays null (unknown), never "null"
                    .<Map.Entry<Long, String>>map(m -> new java.util.AbstractMap.SimpleImmutableEntry<>(m.mount(), m.mountpoint())).toList();
            List<String> remedy = new ArrayList<>();
            remedy.add(first.mountpoint() != null ? "fsfreeze -u " + first.mountpoint()
                    : Fmt.format("fsfreeze -u MOUNTPOINT, for the filesystem of super_block 0x%x (its mount point could not be read from the dump: find it with findmnt on the machine)", sb));
            remedy.add(freezers.isEmpty()
                    ? "find who froze it: no freezing task is visible in the dump (fsfreeze returns once the filesystem is frozen);"
                            + " check backup and snapshot agents (qemu-guest-agent guest-fsfreeze, LVM/VM snapshots, backup jobs) and their logs"
                    : "find who froze it and why it did not thaw: " + String.join("; ", freezers));
            out.add(new Finding.FrozenFilesystem(sb, first.fstype(), first.device(), first.mountpoint(), mounts,
                    first.frozen(), first.frozenName(), "super_block." + freeze.field() + ", " + freeze.width() + " bytes",
                    blocked, suspected, freezers, remedy));
        }
        return out;
    }

    static boolean inFreezePath(BlockedTask b) {
        for (Frame f : b.frames()) if (f.function() != null && FREEZE_PATH.contains(f.function())) return true;
        return false;
    }

    static BlockedTask withChain(BlockedTask s, List<String> chain) {
        return new BlockedTask(s.pid(), s.comm(), s.task(), s.state(), s.waitingIn(), s.blockedSeconds(), s.frames(),
                s.stackNote(), chain, true);
    }

    /** The chain as addresses an analyst can retype into crash. */
    static List<String> chain(Kernel k, FreezeWaiters.Waiter w, long sb, MountInfo m, TaskInfo t) {
        List<String> c = new ArrayList<>();
        c.add(Fmt.format("task_struct 0x%x%s", w.task(), t == null ? "" : " (pid " + t.pid() + ", " + t.comm() + ")"));
        c.add(Fmt.format("%s 0x%x .private = that task", w.queue().endsWith("wait_list") ? "rwsem_waiter" : "wait_queue_entry", w.entry()));
        if (w.semaphore() != 0) {
            c.add(Fmt.format("queued on 0x%x = super_block 0x%x .%s (percpu_rw_semaphore 0x%x, level %d)",
                    w.queueAddress(), sb, w.queue(), w.semaphore(), w.level()));
        } else {
            c.add(Fmt.format("queued on 0x%x = super_block 0x%x .%s", w.queueAddress(), sb, w.queue()));
        }
        c.add(Fmt.format("super_block 0x%x: %s on %s, mounted at %s (mount 0x%x)", sb, m.fstype(), m.device(), m.mountpoint(), m.mount()));
        for (String f : OpenFiles.on(k, w.task(), sb)) c.add("open on it: " + f);
        return c;
    }

    static List<String> freezers(List<TaskInfo> tasks, Map<Long, BlockedTask> stacks) {
        List<String> out = new ArrayList<>();
        for (BlockedTask b : stacks.values()) {
            for (Frame f : b.frames()) {
                if (f.function() != null && FREEZING.contains(f.function())) {
                    out.add(Fmt.format("%s (pid %d) is inside %s", b.comm(), b.pid(), f.function()));
                    break;
                }
            }
        }
        for (TaskInfo t : tasks) {
            String c = t.comm() == null ? "" : t.comm().toLowerCase(Locale.ROOT);
            for (String n : FREEZER_NAMES) {
                if (c.contains(n)) {
                    out.add(Fmt.format("%s (pid %d, state %s) is a freeze/snapshot/backup tool by its name", t.comm(), t.pid(), t.state()));
                    break;
                }
            }
        }
        return out;
    }

    private static int mountpointLength(MountInfo m) {
        return m.mountpoint() == null ? 1 << 20 : m.mountpoint().length();
    }
}
