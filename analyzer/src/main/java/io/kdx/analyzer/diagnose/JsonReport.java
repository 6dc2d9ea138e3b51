package io.kdx.analyzer.diagnose;

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
                o.put("daemon_pid", a.state().daemonPid());
                o.put("daemon_state", a.daemonState());
                o.put("daemon", a.daemon() == null ? null : task(a.daemon()));
                o.put("backlog", a.state().backlog());
                o.put("backlog_limit", a.state().backlogLimit());
                o.put("lost", a.state().lost());
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
                        t.put("pid", b.pid());
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
                o.put("pid", p.pid());
                o.put("comm", p.comm());
                o.put("cpu", p.cpu());
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
        t.put("pid", b.pid());
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
        return t;
    }

    static Map<String, Object> audit(AuditState a) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("enabled", a.enabled());
        o.put("failure", a.failure());
        o.put("daemon_pid", a.daemonPid());
        o.put("daemon_portid", a.daemonPortid());
        o.put("backlog_limit", a.backlogLimit());
        o.put("backlog", a.backlog());
        o.put("retry_queue", a.retryQueue());
        o.put("hold_queue", a.holdQueue());
        o.put("lost", a.lost());
        o.put("rate_limit", a.rateLimit());
        o.put("backlog_wait_time_jiffies", a.backlogWaitTime());
        o.put("backlog_wait_time_actual", a.backlogWaitTimeActual());
        return o;
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
        return String.format("0x%016x", a);
    }
}
