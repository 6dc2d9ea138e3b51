package io.kdx.analyzer.audit;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.analyzer.kernel.Unreadable;
import java.util.ArrayList;
import java.util.List;

/** Reads the audit subsystem's state from the kernel's variables (kernel/audit.c). */
public final class Audit {
    private Audit() {}

    public static AuditState read(Kernel k) {
        List<Unreadable> problems = new ArrayList<>();
        Reader r = new Reader(k, problems);
        long enabled = r.u32("audit_enabled");
        long failure = r.u32("audit_failure");
        long backlogLimit = r.u32("audit_backlog_limit");
        long lost = r.u32("audit_lost"); // atomic_t: its int counter is at offset 0
        long rateLimit = r.u32("audit_rate_limit");
        long waitTime = r.u32("audit_backlog_wait_time");
        long waitActual = k.symbol("audit_backlog_wait_time_actual") != 0 ? r.u32("audit_backlog_wait_time_actual") : -1;
        // 4.11 renamed audit_skb_queue / audit_skb_hold_queue to audit_queue / audit_hold_queue and added the retry queue.
        boolean old = k.symbol("audit_queue") == 0 && k.symbol("audit_skb_queue") != 0;
        long backlog = r.queueLen(old ? "audit_skb_queue" : "audit_queue", true);
        long retry = r.queueLen("audit_retry_queue", false);
        long hold = r.queueLen(old ? "audit_skb_hold_queue" : "audit_hold_queue", false);
        long pid = -1, portid = -1;
        try {
            if (k.symbol("auditd_conn") != 0) { // 4.11+: an RCU pointer to struct auditd_connection
                long conn = k.readPointer(k.symbol("auditd_conn"));
                if (conn == 0) {
                    pid = 0;
                    portid = 0;
                } else {
                    long spid = k.readPointer(conn + k.offsetOf("auditd_connection", "pid"));
                    portid = k.readU32(conn + k.offsetOf("auditd_connection", "portid")) & 0xffffffffL;
                    pid = spid == 0 ? 0 : pidNumber(k, spid);
                }
            } else if (k.symbol("audit_pid") != 0) { // before 4.11: int audit_pid, u32 audit_nlk_portid
                pid = k.readU32(k.symbol("audit_pid"));
                portid = k.symbol("audit_nlk_portid") != 0 ? k.readU32(k.symbol("audit_nlk_portid")) & 0xffffffffL : -1;
            } else {
                problems.add(Unreadable.of(Unreadable.AUDIT, null, "neither auditd_conn nor audit_pid in the symbols: audit daemon unknown"));
            }
        } catch (MemoryFault f) {
            problems.add(Unreadable.of(Unreadable.AUDIT, "auditd_conn", f, "audit daemon connection unreadable: " + f.getMessage()));
        } catch (MissingTypeException e) {
            problems.add(Unreadable.of(Unreadable.AUDIT, "auditd_conn", "audit daemon connection unreadable: " + e.getMessage()));
        }
        return new AuditState(enabled, failure, pid, portid, backlogLimit, backlog, retry, hold, lost, rateLimit,
                waitTime, waitActual, problems);
    }

    /** pid_nr(): the number in the initial pid namespace, pid->numbers[0].nr. */
    static long pidNumber(Kernel k, long pid) {
        return k.readU32(pid + k.offsetOf("pid", "numbers") + k.offsetOf("upid", "nr"));
    }

    private record Reader(Kernel k, List<Unreadable> problems) {
        long u32(String sym) {
            long a = k.symbol(sym);
            if (a == 0) {
                problems.add(Unreadable.of(Unreadable.AUDIT, sym, "no symbol " + sym));
                return -1;
            }
            try {
                return k.readU32(a) & 0xffffffffL;
            } catch (MemoryFault f) {
                problems.add(Unreadable.of(Unreadable.AUDIT, sym, f, sym + " unreadable: " + f.getMessage()));
                return -1;
            }
        }

        long queueLen(String sym, boolean required) {
            long a = k.symbol(sym);
            if (a == 0) {
                if (required) problems.add(Unreadable.of(Unreadable.AUDIT, sym, "no symbol " + sym));
                return -1;
            }
            try {
                return k.readU32(a + k.offsetOf("sk_buff_head", "qlen")) & 0xffffffffL;
            } catch (MemoryFault f) {
                problems.add(Unreadable.of(Unreadable.AUDIT, sym + ".qlen", f, sym + " unreadable: " + f.getMessage()));
                return -1;
            } catch (MissingTypeException e) {
                problems.add(Unreadable.of(Unreadable.AUDIT, sym + ".qlen", sym + " unreadable: " + e.getMessage()));
                return -1;
            }
        }
    }
}
