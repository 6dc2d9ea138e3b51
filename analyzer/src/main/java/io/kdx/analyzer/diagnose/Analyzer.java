package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.audit.Audit;
import io.kdx.analyzer.audit.AuditLog;
import io.kdx.analyzer.audit.AuditState;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.analyzer.log.KernelLog;
import io.kdx.analyzer.log.KernelLogs;
import io.kdx.analyzer.log.LogMatch;
import io.kdx.analyzer.mount.FreezeLevel;
import io.kdx.analyzer.mount.MountInfo;
import io.kdx.analyzer.mount.Mounts;
import io.kdx.analyzer.stack.Backtrace;
import io.kdx.analyzer.stack.Frame;
import io.kdx.analyzer.stack.Unwinder;
import io.kdx.analyzer.sys.Sys;
import io.kdx.analyzer.tasks.CpuState;
import io.kdx.analyzer.tasks.TaskInfo;
import io.kdx.analyzer.tasks.Tasks;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code kdx analyze}: reads the log, mounts, tasks, stacks and audit state of a dump and puts
 * together what an analyst would: frozen filesystems and who waits for them (proven from the
 * super_block's own wait queues), the audit backlog, hung tasks in general, a panic. Each claim
 * carries its evidence; what could not be read is listed, never filled in.
 */
public final class Analyzer {
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
    static final Pattern WATCHDOG = Pattern.compile("INFO: task .+:\\d+ blocked for more than \\d+ seconds");

    private Analyzer() {}

    public static Diagnosis analyze(Kernel k) {
        long t0 = System.nanoTime();
        List<String> unreadable = new ArrayList<>(k.notes());
        List<String> notAnalyzed = new ArrayList<>(); // what the verdict cannot stand on (issue #12)
        describeDump(k, unreadable);

        KernelLog log = KernelLogs.read(k);
        unreadable.addAll(log.problems());
        if (log.records().isEmpty()) {
            notAnalyzed.add("the kernel log could not be read" + (log.problems().isEmpty() ? "" : " (" + log.problems().getFirst() + ")"));
        }

        Tasks.Result tr;
        try {
            tr = Tasks.walk(k);
        } catch (MemoryFault | MissingTypeException e) {
            tr = new Tasks.Result(List.of(), List.of());
            unreadable.add("the task list is unreadable, so no task, stack or waiter is known: " + e.getMessage());
            notAnalyzed.add("the task list could not be read (" + e.getMessage() + ")");
        }
        unreadable.addAll(tr.notes());
        if (notAnalyzed.stream().noneMatch(n -> n.startsWith("the task list")) && tr.listBroken()) {
            String why = tr.notes().stream().filter(n -> n.startsWith("init_task.tasks: ")).findFirst()
                    .orElse(tr.notes().isEmpty() ? "no process on init_task.tasks" : tr.notes().getFirst());
            notAnalyzed.add("the task list could not be read in full (" + why + "; " + tr.tasks().size() + " tasks read)");
        }
        Map<Long, TaskInfo> byAddr = new HashMap<>();
        Map<Integer, TaskInfo> byPid = new HashMap<>();
        for (TaskInfo t : tr.tasks()) {
            byAddr.put(t.task(), t);
            byPid.putIfAbsent(t.pid(), t);
        }

        WaitChannel wchan = new WaitChannel(k);
        Map<Long, BlockedTask> stacks = new LinkedHashMap<>();
        List<TaskInfo> dState = tr.tasks().stream().filter(t -> "UN".equals(t.state())).toList();
        for (TaskInfo t : dState) stacks.put(t.task(), blocked(k, wchan, t, List.of(), false));

        List<Finding> findings = new ArrayList<>();
        List<Finding.FrozenFilesystem> frozen = frozen(k, tr.tasks(), byAddr, stacks, wchan, unreadable, notAnalyzed);
        findings.addAll(frozen);

        AuditState audit = Audit.read(k);
        unreadable.addAll(audit.problems());
        try {
            Finding.AuditBacklog auditFinding = audit(k, audit, log, byPid, stacks, wchan, frozen);
            if (auditFinding != null) findings.add(auditFinding);
        } catch (MemoryFault | MissingTypeException e) {
            unreadable.add("the audit daemon could not be examined: " + e.getMessage());
        }

        if (!dState.isEmpty()) findings.add(hung(stacks, frozen, log));

        Finding.Panic panic = panic(k, log, tr.tasks(), wchan);
        if (panic != null) findings.add(0, panic);

        String verdict = Verdict.of(findings, audit, notAnalyzed, k.dump().metadata().damage());
        return new Diagnosis(verdict, findings, audit, tr.tasks().size(), dState.size(), k.release(),
                k.dump().path().toString(), unreadable, (System.nanoTime() - t0) / 1e9, List.copyOf(notAnalyzed));
    }

    static BlockedTask blocked(Kernel k, WaitChannel wchan, TaskInfo t, List<String> chain, boolean proven) {
        List<Frame> frames = List.of();
        String note = null;
        try {
            Backtrace bt = Unwinder.trace(k, t);
            frames = bt.frames();
            note = bt.note();
        } catch (MemoryFault | MissingTypeException e) {
            note = "stack unreadable: " + e.getMessage();
        }
        double secs = t.sinceRunNs() < 0 ? -1 : t.sinceRunNs() / 1e9;
        return new BlockedTask(t.pid(), t.comm(), t.task(), t.state(), wchan.of(frames), secs, frames, note, chain, proven);
    }

    static boolean inFreezePath(BlockedTask b) {
        for (Frame f : b.frames()) if (f.function() != null && FREEZE_PATH.contains(f.function())) return true;
        return false;
    }

    static List<Finding.FrozenFilesystem> frozen(Kernel k, List<TaskInfo> tasks, Map<Long, TaskInfo> byAddr,
            Map<Long, BlockedTask> stacks, WaitChannel wchan, List<String> unreadable, List<String> notAnalyzed) {
        List<Finding.FrozenFilesystem> out = new ArrayList<>();
        Mounts.Result mr;
        FreezeLevel freeze;
        try {
            freeze = FreezeLevel.of(k);
            mr = Mounts.list(k);
        } catch (MemoryFault | MissingTypeException e) {
            unreadable.add("mounts unreadable, frozen filesystems unknown: " + e.getMessage());
            notAnalyzed.add("the mounts could not be read (" + e.getMessage() + ")");
            return out;
        }
        unreadable.addAll(mr.problems());
        if (mr.mounts().isEmpty()) {
            notAnalyzed.add("no mount could be read" + (mr.problems().isEmpty() ? "" : " (" + mr.problems().getFirst() + ")"));
        }
        Map<Long, List<MountInfo>> bySb = new LinkedHashMap<>();
        for (MountInfo m : mr.mounts()) if (m.isFrozen()) bySb.computeIfAbsent(m.superBlock(), x -> new ArrayList<>()).add(m);

        List<String> freezers = freezers(k, tasks, stacks, wchan);
        for (var e : bySb.entrySet()) {
            long sb = e.getKey();
            List<MountInfo> ms = e.getValue();
            MountInfo first = ms.stream().min(Comparator.comparingInt(m -> m.mountpoint() == null ? 1 << 20 : m.mountpoint().length()))
                    .orElse(ms.getFirst());
            Map<Long, FreezeWaiters.Waiter> waiters;
            try {
                waiters = FreezeWaiters.of(k, freeze, sb, unreadable);
            } catch (MemoryFault | MissingTypeException x) {
                waiters = Map.of();
                unreadable.add(String.format("the freeze wait queues of super_block 0x%x are unreadable, so no waiter is proven: %s", sb, x.getMessage()));
            }
            List<BlockedTask> blocked = new ArrayList<>();
            for (FreezeWaiters.Waiter w : waiters.values()) {
                TaskInfo t = byAddr.get(w.task());
                List<String> chain = chain(k, w, sb, first, t);
                BlockedTask b;
                if (t == null) {
                    // not in the (broken) task list: the wait queue's entry names the task_struct; read it there
                    try {
                        TaskInfo found = Tasks.readOne(k, w.task());
                        chain = chain(k, w, sb, first, found);
                        BlockedTask s = blocked(k, wchan, found, chain, true);
                        b = new BlockedTask(s.pid(), s.comm(), s.task(), s.state(), s.waitingIn(), s.blockedSeconds(), s.frames(),
                                "found through the freeze wait queue, not the task list" + (s.stackNote() == null ? "" : "; " + s.stackNote()),
                                chain, true);
                    } catch (MemoryFault | MissingTypeException x) {
                        b = new BlockedTask(-1, null, w.task(), "??", null, -1, List.of(),
                                "on the freeze wait queue but not in the task list, and unreadable: " + x.getMessage(), chain, true);
                    }
                } else {
                    BlockedTask s = stacks.get(t.task());
                    b = s != null ? withChain(s, chain) : blocked(k, wchan, t, chain, true);
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
            blocked.sort(Comparator.comparingInt(BlockedTask::pid));
            List<Map.Entry<Long, String>> mounts = ms.stream() // a null mount point stays null (unknown), never "null"
                    .<Map.Entry<Long, String>>map(m -> new java.util.AbstractMap.SimpleImmutableEntry<>(m.mount(), m.mountpoint())).toList();
            List<String> remedy = new ArrayList<>();
            remedy.add(first.mountpoint() != null ? "fsfreeze -u " + first.mountpoint()
                    : String.format("fsfreeze -u MOUNTPOINT, for the filesystem of super_block 0x%x (its mount point could not be read from the dump: find it with findmnt on the machine)", sb));
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

    static BlockedTask withChain(BlockedTask s, List<String> chain) {
        return new BlockedTask(s.pid(), s.comm(), s.task(), s.state(), s.waitingIn(), s.blockedSeconds(), s.frames(),
                s.stackNote(), chain, true);
    }

    /** The chain as addresses an analyst can retype into crash. */
    static List<String> chain(Kernel k, FreezeWaiters.Waiter w, long sb, MountInfo m, TaskInfo t) {
        List<String> c = new ArrayList<>();
        c.add(String.format("task_struct 0x%x%s", w.task(), t == null ? "" : " (pid " + t.pid() + ", " + t.comm() + ")"));
        c.add(String.format("%s 0x%x .private = that task", w.queue().endsWith("wait_list") ? "rwsem_waiter" : "wait_queue_entry", w.entry()));
        if (w.semaphore() != 0) {
            c.add(String.format("queued on 0x%x = super_block 0x%x .%s (percpu_rw_semaphore 0x%x, level %d)",
                    w.queueAddress(), sb, w.queue(), w.semaphore(), w.level()));
        } else {
            c.add(String.format("queued on 0x%x = super_block 0x%x .%s", w.queueAddress(), sb, w.queue()));
        }
        c.add(String.format("super_block 0x%x: %s on %s, mounted at %s (mount 0x%x)", sb, m.fstype(), m.device(), m.mountpoint(), m.mount()));
        for (String f : OpenFiles.on(k, w.task(), sb)) c.add("open on it: " + f);
        return c;
    }

    static List<String> freezers(Kernel k, List<TaskInfo> tasks, Map<Long, BlockedTask> stacks, WaitChannel wchan) {
        List<String> out = new ArrayList<>();
        for (BlockedTask b : stacks.values()) {
            for (Frame f : b.frames()) {
                if (f.function() != null && FREEZING.contains(f.function())) {
                    out.add(String.format("%s (pid %d) is inside %s", b.comm(), b.pid(), f.function()));
                    break;
                }
            }
        }
        for (TaskInfo t : tasks) {
            String c = t.comm() == null ? "" : t.comm().toLowerCase(Locale.ROOT);
            for (String n : FREEZER_NAMES) {
                if (c.contains(n)) {
                    out.add(String.format("%s (pid %d, state %s) is a freeze/snapshot/backup tool by its name", t.comm(), t.pid(), t.state()));
                    break;
                }
            }
        }
        return out;
    }

    static Finding.AuditBacklog audit(Kernel k, AuditState a, KernelLog log, Map<Integer, TaskInfo> byPid,
            Map<Long, BlockedTask> stacks, WaitChannel wchan, List<Finding.FrozenFilesystem> frozen) {
        AuditLog.Evidence ev = AuditLog.scan(log);
        List<String> reasons = new ArrayList<>();
        BlockedTask daemon = null;
        String daemonState = null;
        if (a.daemonPid() > 0) {
            TaskInfo t = byPid.get((int) a.daemonPid());
            if (t != null) {
                daemonState = t.state();
                daemon = stacks.get(t.task());
                if (daemon == null) daemon = blocked(k, wchan, t, List.of(), false);
                if ("UN".equals(t.state())) {
                    String on = "";
                    for (Finding.FrozenFilesystem f : frozen) {
                        for (BlockedTask b : f.blocked()) if (b.task() == t.task()) on = ", blocked on the frozen " + f.mountpoint();
                    }
                    reasons.add(String.format("the audit daemon %s (pid %d) is in D state, waiting in %s%s: it cannot drain the audit queue",
                            t.comm(), t.pid(), daemon.waitingIn(), on));
                }
            } else {
                reasons.add("the registered audit daemon pid " + a.daemonPid() + " is not in the task list");
            }
        }
        if (a.lost() > 0) reasons.add("audit_lost = " + a.lost() + ": that many audit records were dropped");
        if (a.backlogFull()) reasons.add("the backlog is full: " + a.backlog() + " queued, limit " + a.backlogLimit());
        if (ev.limitExceeded().count() > 0) {
            reasons.add(String.format("the log says \"backlog limit exceeded\" %d times, from %.6f s to %.6f s after boot",
                    ev.limitExceeded().count(), ev.limitExceeded().first().seconds(), ev.limitExceeded().last().seconds()));
        }
        if (ev.holdOverflow().count() > 0) reasons.add("the log says \"kauditd hold queue overflow\" " + ev.holdOverflow().count() + " times");
        List<BlockedTask> waiting = new ArrayList<>();
        for (BlockedTask b : stacks.values()) if ("audit_log_start".equals(b.waitingIn())) waiting.add(b);
        if (!waiting.isEmpty()) reasons.add(waiting.size() + " task(s) wait in audit_log_start for room in the backlog");
        if (reasons.isEmpty()) return null;
        return new Finding.AuditBacklog(a, ev, daemon, daemonState, waiting, reasons);
    }

    static Finding.HungTasks hung(Map<Long, BlockedTask> stacks, List<Finding.FrozenFilesystem> frozen, KernelLog log) {
        Map<String, List<BlockedTask>> groups = new LinkedHashMap<>();
        double longest = -1;
        List<BlockedTask> d = stacks.values().stream().filter(b -> "UN".equals(b.state())).toList();
        for (BlockedTask b : d) {
            groups.computeIfAbsent(b.waitingIn() == null ? "(unknown)" : b.waitingIn(), x -> new ArrayList<>()).add(b);
            longest = Math.max(longest, b.blockedSeconds());
        }
        Map<String, List<BlockedTask>> sorted = new LinkedHashMap<>();
        groups.entrySet().stream().sorted((x, y) -> y.getValue().size() - x.getValue().size())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return new Finding.HungTasks(sorted, longest, LogMatch.all(log, WATCHDOG, 1000));
    }

    static Finding.Panic panic(Kernel k, KernelLog log, List<TaskInfo> tasks, WaitChannel wchan) {
        String msg = Sys.panicMessage(k, log);
        CpuState cs;
        try {
            cs = CpuState.of(k);
        } catch (MemoryFault | MissingTypeException e) {
            cs = null;
        }
        boolean panicked = cs != null && cs.panicCpu() >= 0;
        if (!panicked && msg.isEmpty()) return null;
        TaskInfo p = null;
        for (TaskInfo t : tasks) if (t.panicTask()) p = t;
        List<String> frames = new ArrayList<>();
        if (p != null) {
            try {
                for (Frame f : Unwinder.trace(k, p).frames()) frames.add((f.reliable() ? "" : "? ") + f.symbolic());
            } catch (MemoryFault | MissingTypeException e) {
                frames.add("stack unreadable: " + e.getMessage());
            }
        }
        return new Finding.Panic(msg, p == null ? -1 : p.pid(), p == null ? null : p.comm(),
                p == null ? (cs == null ? -1 : cs.panicCpu()) : p.cpu(), frames);
    }

    /** What the dump's own header says it lacks. */
    static void describeDump(Kernel k, List<String> unreadable) {
        var md = k.dump().metadata();
        if (md.dumpLevel() > 0) {
            List<String> what = new ArrayList<>();
            int d = md.dumpLevel();
            if ((d & 1) != 0) what.add("zero pages");
            if ((d & 2) != 0) what.add("non-private page cache");
            if ((d & 4) != 0) what.add("private page cache");
            if ((d & 8) != 0) what.add("user-space pages");
            if ((d & 16) != 0) what.add("free pages");
            unreadable.add("the dump is filtered (makedumpfile -d " + d + "): " + String.join(", ", what)
                    + " are not in it");
        }
        try { // RAM the kernel has (node_present_pages) against the pages the dump holds
            long ram = Sys.presentPages(k), held = k.dump().presentPages();
            if (held > 0 && held < ram) {
                unreadable.add(String.format("the dump holds %d of the %d pages of RAM (%.0f%%); objects on the other %d cannot be read",
                        held, ram, 100.0 * held / ram, ram - held));
            }
        } catch (MemoryFault | MissingTypeException e) {
            unreadable.add("the amount of RAM is unknown (node_present_pages unreadable): " + e.getMessage());
        }
        if (md.incomplete()) unreadable.add("the dump is marked incomplete by its writer: some pages are missing");
        if (md.truncated()) unreadable.add("the dump file is truncated: pages past its end are missing");
        unreadable.addAll(md.damage());
    }
}
