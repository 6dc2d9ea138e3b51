package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.audit.AuditState;
import java.util.ArrayList;
import java.util.List;

/** The verdict: a few plain sentences, each backed by a finding. */
final class Verdict {
    private Verdict() {}

    static String of(List<Finding> findings, AuditState audit) {
        return of(findings, audit, List.of(), List.of());
    }

    /**
     * Never a clean verdict from nothing (issue #12): when the task list, the mounts or the log could
     * not be read, the verdict opens by saying kdx could not analyze the dump and why, and what it
     * did find follows as "what it could read"; a damaged dump is said to be damaged first.
     */
    static String of(List<Finding> findings, AuditState audit, List<String> notAnalyzed, List<String> damage) {
        String found = found(findings, audit);
        List<String> head = new ArrayList<>();
        if (!damage.isEmpty()) {
            head.add("The dump is damaged (" + damage.size() + (damage.size() == 1 ? " fault" : " faults")
                    + " in its own structure, listed below): what kdx read from it may be wrong.");
        }
        if (!notAnalyzed.isEmpty()) {
            head.add("kdx could not analyze this dump: " + String.join("; ", notAnalyzed) + ".");
            if (found == null) {
                head.add("Nothing is known to be wrong or right with the machine: it was not read.");
            } else {
                head.add("What it could read: " + found);
            }
            return String.join(" ", head);
        }
        if (found == null) found = "No frozen filesystem, no panic, no task in uninterruptible sleep, and no audit trouble: kdx finds nothing wrong in this dump.";
        head.add(found);
        return String.join(" ", head);
    }

    /** The sentences the findings back, or null when there is none. */
    private static String found(List<Finding> findings, AuditState audit) {
        List<String> s = new ArrayList<>();
        Finding.AuditBacklog auditF = null;
        Finding.HungTasks hung = null;
        List<Finding.FrozenFilesystem> frozen = new ArrayList<>();
        int locks = 0;
        for (Finding f : findings) {
            switch (f) {
                case Finding.Panic p -> s.add("The kernel panicked: \"" + p.message() + "\""
                        + (p.pid() >= 0 ? " in " + p.comm() + " (pid " + p.pid() + ") on CPU " + p.cpu() : "") + ".");
                case Finding.Oops p -> s.add(CrashText.verdict(p));
                case Finding.Lockup lu -> s.add(CrashText.verdict(lu));
                case Finding.OomKill oom -> s.add(CrashText.verdict(oom));
                case Finding.FrozenFilesystem ff -> frozen.add(ff);
                case Finding.AuditBacklog a -> auditF = a;
                case Finding.HungTasks h -> hung = h;
                case Finding.Deadlock dl -> s.add(LockText.verdict(dl));
                case Finding.LockContention lc -> {
                    if (LockText.inAnotherChain(lc, findings)) continue; // told as part of that chain
                    if (++locks <= 3) s.add(LockText.verdict(lc));
                    else if (locks == 4) s.add("More locks have waiters (see the lock-contention findings).");
                }
            }
        }
        for (Finding.FrozenFilesystem f : frozen) {
            StringBuilder b = new StringBuilder();
            // what could not be read is said, never printed as "null"
            b.append("The filesystem ").append(f.mountpoint() != null ? f.mountpoint()
                            : Fmt.format("of super_block 0x%x (mount point unreadable)", f.superBlock()))
                    .append(" (").append(f.fstype() != null ? f.fstype() : "type unknown").append(" on ")
                    .append(f.device() != null ? f.device() : "an unknown device")
                    .append(") is frozen (").append(f.levelName() != null ? f.levelName() : "level " + f.level()).append(")");
            if (f.blocked().isEmpty()) {
                b.append("; no task is queued waiting for it.");
            } else {
                b.append("; ").append(f.blocked().size()).append(f.blocked().size() == 1 ? " task is" : " tasks are")
                        .append(" blocked waiting for it to thaw: ").append(names(f.blocked(), 5)).append('.');
            }
            s.add(b.toString());
        }
        if (auditF != null) {
            boolean losing = audit.lost() > 0 || auditF.log().limitExceeded().count() > 0 || auditF.log().holdOverflow().count() > 0;
            StringBuilder b = new StringBuilder(losing ? "Audit is losing records" : "Audit is under pressure (no record lost yet)");
            if (auditF.daemon() != null && "UN".equals(auditF.daemonState())) {
                String on = "";
                for (Finding.FrozenFilesystem f : frozen) {
                    for (BlockedTask t : f.blocked()) if (t.task() == auditF.daemon().task()) on = " on the frozen " + f.mountpoint();
                }
                b.append(": its daemon ").append(auditF.daemon().comm()).append(" (pid ").append(auditF.daemon().pid())
                        .append(") is blocked").append(on);
            }
            List<String> parts = new ArrayList<>();
            if (audit.lost() > 0) parts.add(audit.lost() + " records lost (audit_lost)");
            if (audit.backlogLimit() >= 0 && audit.backlog() >= 0) parts.add("backlog " + audit.backlog() + " of limit " + audit.backlogLimit());
            if (auditF.log().limitExceeded().count() > 0) parts.add("\"backlog limit exceeded\" logged " + auditF.log().limitExceeded().count() + " times");
            if (!parts.isEmpty()) b.append("; ").append(String.join(", ", parts));
            b.append('.');
            s.add(b.toString());
        }
        if (frozen.isEmpty() && hung != null) {
            var top = hung.byWaitChannel().entrySet().iterator().next();
            s.add(hung.count() + (hung.count() == 1 ? " task is" : " tasks are") + " in uninterruptible sleep (D), "
                    + top.getValue().size() + " of them in " + top.getKey() + "; no frozen filesystem.");
        }
        if (s.isEmpty()) return null;
        if (frozen.isEmpty() && hung == null && findings.stream().noneMatch(f -> f instanceof Finding.Panic || f instanceof Finding.Oops
                || f instanceof Finding.Deadlock || f instanceof Finding.LockContention || f instanceof Finding.Lockup || f instanceof Finding.OomKill)) s.add("No frozen filesystem.");
        return String.join(" ", s);
    }

    static String names(List<BlockedTask> ts, int max) {
        List<String> n = new ArrayList<>();
        for (int i = 0; i < ts.size() && i < max; i++) {
            BlockedTask t = ts.get(i);
            // a waiter found on the queue whose task_struct could not be read: its address, never "null (pid -1)"
            n.add(t.pid() < 0 || t.comm() == null ? Fmt.format("task_struct 0x%x (not in the task list kdx read)", t.task())
                    : t.comm() + " (pid " + t.pid() + ")");
        }
        if (ts.size() > max) n.add("and " + (ts.size() - max) + " more");
        return String.join(", ", n);
    }
}
