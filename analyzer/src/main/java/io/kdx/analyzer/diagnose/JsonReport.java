package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.audit.AuditState;
import io.kdx.analyzer.log.LogMatch;
import io.kdx.analyzer.log.LogRecord;
import io.kdx.analyzer.stack.Frame;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The diagnosis as one JSON object (field by field documented in the README, "kdx analyze --json"). */
public final class JsonReport {
    private JsonReport() {}

    public static Map<String, Object> of(Diagnosis d) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("verdict", d.verdict());
        o.put("dump", d.dump());
        o.put("release", d.release());
        o.put("tasks", d.tasks());
        o.put("blocked_tasks", d.blockedTasks());
        List<Object> fs = new ArrayList<>();
        List<String> remedy = new ArrayList<>();
        for (Finding f : d.findings()) {
            fs.add(finding(f));
            if (f instanceof Finding.FrozenFilesystem ff) remedy.addAll(ff.remedy());
        }
        o.put("findings", fs);
        o.put("remedy", remedy);
        o.put("audit", audit(d.audit()));
        o.put("unreadable", d.unreadable());
        o.put("analyzed", d.analyzed());
        o.put("not_analyzed", d.notAnalyzed());
        o.put("unreadable_records", d.unreadableRecords());
        o.put("seconds", Math.round(d.seconds() * 1000) / 1000.0);
        return o;
    }

    static Map<String, Object> finding(Finding f) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("kind", f.kind());
        switch (f) {
            case Finding.FrozenFilesystem ff -> {
                o.put("mountpoint", ff.mountpoint());
                o.put("device", ff.device());
                o.put("fstype", ff.fstype());
                o.put("super_block", hex(ff.superBlock()));
                o.put("level", ff.level());
                o.put("level_name", ff.levelName());
                o.put("field", ff.field());
                List<Object> ms = new ArrayList<>();
                for (var m : ff.mounts()) {
                    Map<String, Object> mo = new LinkedHashMap<>();
                    mo.put("mount", hex(m.getKey()));
                    mo.put("mountpoint", m.getValue());
                    if (m.getValue() == null) mo.put("unknown", Map.of("mountpoint", "the mount's dentries could not be read"));
                    ms.add(mo);
                }
                o.put("mounts", ms);
                o.put("blocked", ff.blocked().stream().map(JsonReport::task).toList());
                o.put("suspected", ff.suspected().stream().map(JsonReport::task).toList());
                o.put("freezers", ff.freezers());
                o.put("remedy", ff.remedy());
            }
            case Finding.AuditBacklog a -> {
                o.put("reasons", a.reasons());
                o.put("daemon_pid", known(a.state().daemonPid()));
                o.put("daemon_state", a.daemonState());
                o.put("daemon", a.daemon() == null ? null : task(a.daemon()));
                o.put("backlog", known(a.state().backlog()));
                o.put("backlog_limit", known(a.state().backlogLimit()));
                o.put("lost", known(a.state().lost()));
                Map<String, Object> log = new LinkedHashMap<>();
                log.put("backlog_limit_exceeded", match(a.log().limitExceeded()));
                log.put("backlog_over_limit", match(a.log().backlogOverLimit()));
                log.put("lost_summary", match(a.log().lostSummary()));
                log.put("hold_queue_overflow", match(a.log().holdOverflow()));
                o.put("log", log);
                o.put("waiting_for_backlog", a.waitingForBacklog().stream().map(JsonReport::task).toList());
            }
            case Finding.HungTasks h -> {
                o.put("count", h.count());
                o.put("longest_seconds", seconds(h.longestSeconds()));
                List<Object> groups = new ArrayList<>();
                for (var e : h.byWaitChannel().entrySet()) {
                    Map<String, Object> g = new LinkedHashMap<>();
                    g.put("waiting_in", e.getKey());
                    g.put("count", e.getValue().size());
                    g.put("longest_seconds", seconds(e.getValue().stream().mapToDouble(BlockedTask::blockedSeconds).max().orElse(-1)));
                    g.put("tasks", e.getValue().stream().map(b -> {
                        Map<String, Object> t = new LinkedHashMap<>();
                        t.put("pid", b.pid() < 0 ? null : b.pid());
                        t.put("comm", b.comm());
                        t.put("blocked_seconds", seconds(b.blockedSeconds()));
                        return t;
                    }).toList());
                    groups.add(g);
                }
                o.put("by_waiting_in", groups);
                o.put("watchdog", h.watchdog().stream().map(JsonReport::record).toList());
            }
            case Finding.LockContention lc -> LockJson.contention(o, lc);
            case Finding.OomKill oom -> CrashJson.oom(o, oom);
            case Finding.Lockup lu -> {
                o.put("cpu", lu.cpu());
                o.put("pid", lu.pid() < 0 ? null : lu.pid());
                o.put("comm", lu.comm());
                o.put("function", lu.function());
                o.put("log_pid", lu.logPid() < 0 ? null : lu.logPid());
                o.put("log_comm", lu.logComm());
                o.put("stuck_seconds", lu.stuckSeconds() < 0 ? null : lu.stuckSeconds());
                o.put("still_running", lu.stillRunning());
                o.put("stack", lu.stack());
                o.put("reports", lu.reports().stream().map(JsonReport::record).toList());
            }
            case Finding.Deadlock dl -> LockJson.deadlock(o, dl);
            case Finding.Panic p -> {
                o.put("message", p.message());
                o.put("pid", p.pid() < 0 ? null : p.pid());
                o.put("comm", p.comm());
                o.put("cpu", p.cpu() < 0 ? null : p.cpu());
                if (p.pid() < 0) o.put("unknown", Map.of("pid", "the panic task is not in the task list kdx read"));
                o.put("stack", p.frames());
                CrashJson.details(o, p.details());
            }
            case Finding.Oops p -> {
                o.put("message", p.message());
                o.put("pid", p.pid() < 0 ? null : p.pid());
                o.put("comm", p.comm());
                o.put("cpu", p.cpu() < 0 ? null : p.cpu());
                o.put("stack", p.frames());
                CrashJson.details(o, p.details());
            }
        }
        return o;
    }

    static Map<String, Object> task(BlockedTask b) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("pid", b.pid() < 0 ? null : b.pid());
        t.put("comm", b.comm());
        t.put("task", hex(b.task()));
        t.put("state", b.state());
        t.put("waiting_in", b.waitingIn());
        t.put("blocked_seconds", seconds(b.blockedSeconds()));
        t.put("proven", b.proven());
        t.put("chain", b.chain());
        List<String> st = new ArrayList<>();
        for (Frame f : b.frames()) st.add((f.reliable() ? "" : "? ") + f.symbolic());
        t.put("stack", st);
        if (b.stackNote() != null) t.put("stack_note", b.stackNote());
        Map<String, String> unknown = new LinkedHashMap<>();
        String why = b.pid() < 0 ? (b.stackNote() != null ? b.stackNote() : "task not in the task list")
                + Fmt.format(": task_struct 0x%x was not read", b.task()) : null;
        if (b.pid() < 0) unknown.put("pid", why);
        if (b.comm() == null) unknown.put("comm", why != null ? why : "task_struct.comm unreadable");
        if (b.blockedSeconds() < 0) unknown.put("blocked_seconds", "sched_info.last_arrival or the runqueue clock unreadable or not recorded");
        if (!unknown.isEmpty()) t.put("unknown", unknown);
        return t;
    }

    /**
     * The audit variables; one that could not be read is null, and {@code unknown} says why beside it
     * (issue #12: never -1 for unknown).
     */
    static Map<String, Object> audit(AuditState a) {
        Map<String, Object> o = new LinkedHashMap<>();
        Map<String, String> unknown = new LinkedHashMap<>();
        auditField(o, unknown, a, "enabled", a.enabled(), "audit_enabled");
        auditField(o, unknown, a, "failure", a.failure(), "audit_failure");
        auditField(o, unknown, a, "daemon_pid", a.daemonPid(), "audit daemon");
        auditField(o, unknown, a, "daemon_portid", a.daemonPortid(), "audit daemon");
        auditField(o, unknown, a, "backlog_limit", a.backlogLimit(), "audit_backlog_limit");
        auditField(o, unknown, a, "backlog", a.backlog(), "audit_queue", "audit_skb_queue");
        auditField(o, unknown, a, "retry_queue", a.retryQueue(), "audit_retry_queue");
        auditField(o, unknown, a, "hold_queue", a.holdQueue(), "audit_hold_queue", "audit_skb_hold_queue");
        auditField(o, unknown, a, "lost", a.lost(), "audit_lost");
        auditField(o, unknown, a, "rate_limit", a.rateLimit(), "audit_rate_limit");
        auditField(o, unknown, a, "backlog_wait_time_jiffies", a.backlogWaitTime(), "audit_backlog_wait_time ");
        auditField(o, unknown, a, "backlog_wait_time_actual", a.backlogWaitTimeActual(), "audit_backlog_wait_time_actual");
        o.put("unknown", unknown);
        return o;
    }

    private static void auditField(Map<String, Object> o, Map<String, String> unknown, AuditState a, String key, long value,
            String... symbols) {
        if (value >= 0) {
            o.put(key, value);
            return;
        }
        o.put(key, null);
        String why = null;
        for (String p : a.problems()) {
            for (String sym : symbols) {
                if ((p + " ").contains(sym.endsWith(" ") ? sym : sym + " ") || p.contains(sym + ":")) {
                    why = p;
                    break;
                }
            }
            if (why != null) break;
        }
        if (why == null && key.equals("backlog_wait_time_actual")) why = "no audit_backlog_wait_time_actual in this kernel (5.9 added it)";
        if (why == null && key.equals("retry_queue")) why = "no audit_retry_queue in this kernel (4.11 added it)";
        unknown.put(key, why != null ? why : "unreadable");
    }

    /** A count that is -1 when unknown: null instead. */
    static Object known(long v) {
        return v < 0 ? null : v;
    }

    static Map<String, Object> match(LogMatch m) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("count", m.count());
        o.put("first", m.first() == null ? null : record(m.first()));
        o.put("last", m.last() == null ? null : record(m.last()));
        return o;
    }

    static Map<String, Object> record(LogRecord r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("seconds", r.tsNsec() < 0 ? null : r.tsNsec() / 1e9);
        o.put("text", r.message());
        return o;
    }

    static Object seconds(double s) {
        return s < 0 ? null : Math.round(s * 1000) / 1000.0;
    }

    static String hex(long a) {
        return Fmt.format("0x%016x", a);
    }
}
