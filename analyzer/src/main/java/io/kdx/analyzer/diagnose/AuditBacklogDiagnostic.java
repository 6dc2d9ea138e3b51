package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.audit.AuditLog;
import io.kdx.analyzer.audit.AuditState;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.Unreadable;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.analyzer.tasks.TaskInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit subsystem under pressure: records lost (audit_lost), the backlog full, the log
 * complaining, the daemon in D state, or tasks waiting in audit_log_start for backlog room. Runs
 * after {@link FrozenFilesystemDiagnostic} to say when the daemon waits on a frozen filesystem.
 */
final class AuditBacklogDiagnostic implements Diagnostic {
    @Override
    public int rank() {
        return 200;
    }

    @Override
    public List<Finding.AuditBacklog> examine(AnalysisContext c) {
        AuditState a = c.audit();
        try {
            Finding.AuditBacklog f = audit(c, a, c.found(Finding.FrozenFilesystem.class));
            return f == null ? List.of() : List.of(f);
        } catch (MemoryFault | MissingTypeException e) {
            c.unreadable().add(Unreadable.of(Unreadable.AUDIT, "auditd_conn", e, "the audit daemon could not be examined: " + e.getMessage()));
            return List.of();
        }
    }

    static Finding.AuditBacklog audit(AnalysisContext c, AuditState a, List<Finding.FrozenFilesystem> frozen) {
        AuditLog.Evidence ev = AuditLog.scan(c.log());
        List<String> reasons = new ArrayList<>();
        BlockedTask daemon = null;
        String daemonState = null;
        if (a.daemonPid() > 0) {
            TaskInfo t = c.pid((int) a.daemonPid());
            if (t != null) {
                daemonState = t.state();
                daemon = c.stacks().get(t.task());
                if (daemon == null) daemon = c.blocked(t, List.of(), false);
                if ("UN".equals(t.state())) {
                    String on = "";
                    for (Finding.FrozenFilesystem f : frozen) {
                        for (BlockedTask b : f.blocked()) if (b.task() == t.task()) on = ", blocked on the frozen " + f.mountpoint();
                    }
                    reasons.add(Fmt.format("the audit daemon %s (pid %d) is in D state, waiting in %s%s: it cannot drain the audit queue",
                            t.comm(), t.pid(), daemon.waitingIn(), on));
                }
            } else {
                reasons.add("the registered audit daemon pid " + a.daemonPid() + " is not in the task list");
            }
        }
        if (a.lost() > 0) reasons.add("audit_lost = " + a.lost() + ": that many audit records were dropped");
        if (a.backlogFull()) reasons.add("the backlog is full: " + a.backlog() + " queued, limit " + a.backlogLimit());
        if (ev.limitExceeded().count() > 0) {
            reasons.add(Fmt.format("the log says \"backlog limit exceeded\" %d times, from %.6f s to %.6f s after boot",
                    ev.limitExceeded().count(), ev.limitExceeded().first().seconds(), ev.limitExceeded().last().seconds()));
        }
        if (ev.holdOverflow().count() > 0) reasons.add("the log says \"kauditd hold queue overflow\" " + ev.holdOverflow().count() + " times");
        List<BlockedTask> waiting = new ArrayList<>();
        for (BlockedTask b : c.stacks().values()) if ("audit_log_start".equals(b.waitingIn())) waiting.add(b);
        if (!waiting.isEmpty()) reasons.add(waiting.size() + " task(s) wait in audit_log_start for room in the backlog");
        if (reasons.isEmpty()) return null;
        return new Finding.AuditBacklog(a, ev, daemon, daemonState, waiting, reasons);
    }
}
