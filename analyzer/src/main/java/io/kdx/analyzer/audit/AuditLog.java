package io.kdx.analyzer.audit;

import io.kdx.analyzer.log.KernelLog;
import io.kdx.analyzer.log.LogMatch;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The audit subsystem's complaints in the kernel log (kernel/audit.c): audit_log_start's
 * "audit: backlog limit exceeded" (via audit_log_lost) and its "audit_backlog=N >
 * audit_backlog_limit=M", audit_log_lost's rate-limited summary "audit_lost=... audit_backlog_limit=...",
 * and kauditd's "kauditd hold queue overflow".
 */
public final class AuditLog {
    public static final Pattern LIMIT_EXCEEDED = Pattern.compile("audit: backlog limit exceeded");
    public static final Pattern BACKLOG_OVER = Pattern.compile("audit_backlog=(\\d+) > audit_backlog_limit=(\\d+)");
    public static final Pattern LOST_SUMMARY = Pattern.compile("audit_lost=(\\d+) audit_rate_limit=(\\d+) audit_backlog_limit=(\\d+)");
    public static final Pattern HOLD_OVERFLOW = Pattern.compile("kauditd hold queue overflow");

    private AuditLog() {}

    public record Evidence(LogMatch limitExceeded, LogMatch backlogOverLimit, LogMatch lostSummary, LogMatch holdOverflow) {
        public boolean any() {
            return limitExceeded.count() + backlogOverLimit.count() + lostSummary.count() + holdOverflow.count() > 0;
        }

        public List<LogMatch> all() {
            return List.of(limitExceeded, backlogOverLimit, lostSummary, holdOverflow);
        }
    }

    public static Evidence scan(KernelLog log) {
        return new Evidence(LogMatch.find(log, LIMIT_EXCEEDED), LogMatch.find(log, BACKLOG_OVER),
                LogMatch.find(log, LOST_SUMMARY), LogMatch.find(log, HOLD_OVERFLOW));
    }
}
