package io.kdx.analyzer.audit;

import java.util.List;

/**
 * The audit subsystem's variables as the dump holds them (kernel/audit.c). A value that could not
 * be read is -1 and named in {@code unreadable}; {@code daemonPid} is 0 when no audit daemon is
 * registered. The numbers are the ones an AUDIT_GET request would have returned at that moment:
 * backlog is the length of audit_queue; retry and hold queues are reported beside it.
 *
 * @param enabled              audit_enabled (0 off, 1 on, 2 locked)
 * @param failure              audit_failure (0 silent, 1 printk, 2 panic)
 * @param daemonPid            pid of the registered auditd (auditd_conn->pid from 4.11, audit_pid before)
 * @param daemonPortid         its netlink port id
 * @param backlogLimit         audit_backlog_limit
 * @param backlog              skb_queue_len(&audit_queue) (audit_skb_queue before 4.11)
 * @param retryQueue           skb_queue_len(&audit_retry_queue) (4.11+)
 * @param holdQueue            skb_queue_len(&audit_hold_queue) (audit_skb_hold_queue before 4.11)
 * @param lost                 atomic_read(&audit_lost)
 * @param rateLimit            audit_rate_limit
 * @param backlogWaitTime      audit_backlog_wait_time, in jiffies
 * @param backlogWaitTimeActual atomic_read(&audit_backlog_wait_time_actual) (5.9+), or -1
 */
public record AuditState(
        long enabled,
        long failure,
        long daemonPid,
        long daemonPortid,
        long backlogLimit,
        long backlog,
        long retryQueue,
        long holdQueue,
        long lost,
        long rateLimit,
        long backlogWaitTime,
        long backlogWaitTimeActual,
        List<io.kdx.analyzer.kernel.Unreadable> unreadable) {

    /** The sentences of {@link #unreadable()}. */
    public List<String> problems() {
        return io.kdx.analyzer.kernel.Unreadable.texts(unreadable);
    }

    public boolean isEnabled() {
        return enabled > 0;
    }

    /** The backlog has reached its limit (a limit of 0 means unlimited). */
    public boolean backlogFull() {
        return backlogLimit > 0 && backlog >= backlogLimit;
    }
}
