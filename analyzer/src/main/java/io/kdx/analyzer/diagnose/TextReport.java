package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.audit.AuditState;
import io.kdx.analyzer.log.DmesgFormat;
import io.kdx.analyzer.log.LogMatch;
import io.kdx.analyzer.log.LogRecord;
import io.kdx.analyzer.stack.Frame;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The diagnosis for a person under pressure: verdict and remedy first, a one-screen summary, then
 * the evidence. Addresses appear only where an analyst would retype them into crash.
 */
public final class TextReport {
    private TextReport() {}

    public static String of(Diagnosis d, boolean stacks) {
        StringBuilder o = new StringBuilder();
        o.append(Fmt.format("kdx analyze: %s (Linux %s), %d tasks, analysed in %.1f s%n%n", d.dump(), d.release(), d.tasks(), d.seconds()));
        o.append("VERDICT\n");
        wrap(o, d.verdict(), "  ", 100);
        List<String> remedy = new ArrayList<>();
        for (Finding f : d.findings()) if (f instanceof Finding.FrozenFilesystem ff) remedy.addAll(ff.remedy());
        if (!remedy.isEmpty()) {
            o.append("\nREMEDY\n");
            o.append("  ").append(remedy.getFirst()).append('\n');
            for (String r : remedy.subList(1, remedy.size())) wrap(o, "then " + r, "  ", 100);
        }
        summary(o, d);
        o.append("\nDETAILS\n");
        for (Finding f : d.findings()) {
            switch (f) {
                case Finding.FrozenFilesystem ff -> frozen(o, ff, stacks);
                case Finding.AuditBacklog a -> audit(o, a, stacks);
                case Finding.HungTasks h -> hung(o, h);
                case Finding.Panic p -> {
                    panic(o, p);
                    CrashText.details(o, p.details());
                }
                case Finding.Oops p -> CrashText.oops(o, p);
                case Finding.Lockup lu -> CrashText.lockup(o, lu);
                case Finding.OomKill oom -> CrashText.oom(o, oom);
                case Finding.LockContention lc -> LockText.contention(o, lc, stacks);
                case Finding.Deadlock dl -> LockText.deadlock(o, dl, stacks);
            }
        }
        if (d.findings().stream().noneMatch(f -> f instanceof Finding.AuditBacklog)) auditState(o, d.audit());
        o.append("\nWhat kdx could not read\n");
        if (d.unreadable().isEmpty()) o.append("  nothing: every object the analysis needed was readable\n");
        for (String u : d.unreadable()) wrap(o, "- " + u, "  ", 100);
        return o.toString();
    }

    static void summary(StringBuilder o, Diagnosis d) {
        o.append("\nSUMMARY\n");
        List<Finding.FrozenFilesystem> frozen = new ArrayList<>();
        Finding.HungTasks hung = null;
        Finding.Panic panic = null;
        for (Finding f : d.findings()) {
            if (f instanceof Finding.FrozenFilesystem ff) frozen.add(ff);
            if (f instanceof Finding.HungTasks h) hung = h;
            if (f instanceof Finding.Panic p) panic = p;
        }
        o.append(Fmt.format("  %-20s %d", "frozen filesystems", frozen.size()));
        for (int i = 0; i < frozen.size(); i++) {
            Finding.FrozenFilesystem f = frozen.get(i);
            double longest = f.blocked().stream().mapToDouble(BlockedTask::blockedSeconds).max().orElse(-1);
            if (i > 0) o.append(Fmt.format("%n  %-20s  ", ""));
            o.append(Fmt.format("  %s  %s on %s  %s; %d blocked%s", f.mountpoint(), f.fstype(), f.device(),
                    f.levelName(), f.blocked().size(), longest >= 0 ? Fmt.format(", longest %.1f s", longest) : ""));
        }
        o.append('\n');
        AuditState a = d.audit();
        o.append(Fmt.format("  %-20s %s%n", "audit", auditLine(a)));
        if (hung == null) {
            o.append(Fmt.format("  %-20s 0%n", "D-state tasks"));
        } else {
            List<String> g = new ArrayList<>();
            for (var e : hung.byWaitChannel().entrySet()) g.add(e.getKey() + " " + e.getValue().size());
            o.append(Fmt.format("  %-20s %d  (%s)%s%n", "D-state tasks", hung.count(), String.join(", ", g),
                    hung.longestSeconds() >= 0 ? Fmt.format(", longest %.1f s", hung.longestSeconds()) : ""));
        }
        o.append(Fmt.format("  %-20s %s%n", "panic", panic == null ? "none" : "\"" + panic.message() + "\""));
        LockText.summary(o, d.findings());
        for (Finding f : d.findings()) if (f instanceof Finding.Oops x) o.append(Fmt.format("  %-20s \"%s\"%n", "oops", x.message()));
        o.append(Fmt.format("  %-20s %s%n", "could not read", d.unreadable().isEmpty() ? "nothing" : d.unreadable().size() + (d.unreadable().size() == 1 ? " item" : " items") + ", listed at the end"));
    }

    static String auditLine(AuditState a) {
        if (a.enabled() < 0) return "unknown (audit_enabled unreadable)";
        if (a.enabled() == 0) return "disabled";
        return Fmt.format("enabled; daemon pid %s; backlog %s of limit %s; lost %s", a.daemonPid() == 0 ? "none" : n(a.daemonPid()),
                n(a.backlog()), n(a.backlogLimit()), n(a.lost()));
    }

    static void frozen(StringBuilder o, Finding.FrozenFilesystem f, boolean stacks) {
        o.append(Fmt.format("%nFrozen filesystem %s%n", f.mountpoint() != null ? f.mountpoint() : Fmt.format("of super_block 0x%x (mount point unreadable)", f.superBlock())));
        o.append(Fmt.format("  super_block 0x%x  %s on %s  level %d %s  (%s)%n", f.superBlock(), f.fstype(), f.device(),
                f.level(), f.levelName(), f.field()));
        for (var m : f.mounts()) {
            o.append(Fmt.format("  mounted at %s (mount 0x%x)%n", m.getValue() != null ? m.getValue() : "(mount point unreadable)", m.getKey()));
        }
        if (f.blocked().isEmpty()) {
            o.append("  no task is queued on its freeze wait queues\n");
        } else {
            o.append("  blocked, as the super_block's own wait queues show:\n");
            o.append(Fmt.format("    %7s  %-16s %-24s %9s  %s%n", "PID", "COMM", "WAITING IN", "BLOCKED", "QUEUED ON"));
            java.util.Set<String> queues = new java.util.LinkedHashSet<>();
            for (BlockedTask b : f.blocked()) {
                String q = b.chain().size() > 2 ? b.chain().get(2) : "";
                queues.add(q);
                int dot = q.indexOf(" ."), paren = q.indexOf(" (", Math.max(dot, 0));
                String name = dot < 0 ? "?" : q.substring(dot + 2, paren < 0 ? q.length() : paren);
                o.append(Fmt.format("    %7s  %-16s %-24s %9s  %s%n", pid(b), comm(b), b.waitingIn() == null ? "?" : b.waitingIn(),
                        b.blockedSeconds() < 0 ? "?" : Fmt.format("%.1f s", b.blockedSeconds()), name));
                for (String c : b.chain()) {
                    if (!c.startsWith("open on it: ")) continue;
                    // the file's path; its object chain (file -> f_mapping -> host -> i_sb) with --stacks and in JSON
                    int cut = c.indexOf(": file 0x");
                    o.append("             ").append(stacks || cut < 0 ? c : c.substring(0, cut)).append('\n');
                }
                stack(o, b, stacks);
            }
            for (String q : queues) {
                if (!q.startsWith("queued on 0x")) continue;
                o.append("  ").append(q.replaceFirst("^queued on ", "queue ")).append('\n');
                o.append("    check in crash: waitq ").append(q, 10, q.indexOf(' ', 10)).append('\n');
            }
        }
        if (!f.suspected().isEmpty()) {
            o.append("  in the freeze path by their stacks, but on none of its queues (not proven to wait for it):\n");
            for (BlockedTask b : f.suspected()) task(o, b);
        }
        o.append("  who froze it: ").append(f.freezers().isEmpty() ? "no freezing task is visible in the dump" : String.join("; ", f.freezers())).append('\n');
    }

    static void task(StringBuilder o, BlockedTask b) {
        o.append(Fmt.format("    %7s  %-16s %-24s %9s%n", pid(b), comm(b), b.waitingIn() == null ? "?" : b.waitingIn(),
                b.blockedSeconds() < 0 ? "?" : Fmt.format("%.1f s", b.blockedSeconds())));
    }

    static void stack(StringBuilder o, BlockedTask b, boolean full) {
        List<String> fs = new ArrayList<>();
        for (Frame f : b.frames()) {
            if (f.function() == null) continue;
            if (!full && WaitChannel.SWITCH.contains(f.function())) continue;
            fs.add((f.reliable() ? "" : "?") + (full ? f.symbolic() : f.function()));
            if (!full && fs.size() >= 6) break;
        }
        if (!fs.isEmpty()) o.append("             stack: ").append(String.join(" < ", fs)).append('\n');
        if (b.stackNote() != null && full) o.append("             (").append(b.stackNote()).append(")\n");
    }

    static void audit(StringBuilder o, Finding.AuditBacklog a, boolean stacks) {
        o.append("\nAudit\n");
        auditVariables(o, a.state());
        o.append("  why it matters:\n");
        for (String r : a.reasons()) wrap(o, "- " + r, "    ", 100);
        if (a.daemon() != null) {
            o.append(Fmt.format("  audit daemon: %s (pid %d), state %s, waiting in %s%n", a.daemon().comm(), a.daemon().pid(),
                    a.daemonState(), a.daemon().waitingIn()));
            stack(o, a.daemon(), stacks);
        }
        o.append("  in the kernel log:\n");
        for (LogMatch m : a.log().all()) {
            if (m.count() == 0) continue;
            o.append(Fmt.format("    %5d x  %s%n", m.count(), m.first().message()));
            o.append(Fmt.format("             first %s last %s%n", DmesgFormat.prefix(m.first()).trim(), DmesgFormat.prefix(m.last()).trim()));
        }
        if (!a.log().any()) o.append("    no audit complaint\n");
        for (BlockedTask b : a.waitingForBacklog()) {
            o.append(Fmt.format("  waiting for backlog room: %s (pid %d)%n", b.comm(), b.pid()));
        }
    }

    static void auditState(StringBuilder o, AuditState a) {
        o.append(a.enabled() < 0 || a.lost() < 0 || a.backlog() < 0 ? "\nAudit: unknown (its variables could not all be read)\n" : "\nAudit: nothing wrong\n");
        auditVariables(o, a);
    }

    static void auditVariables(StringBuilder o, AuditState a) {
        o.append(Fmt.format("  audit_enabled %s, auditd pid %s, audit_backlog_limit %s, backlog (audit_queue) %s, audit_lost %s%n",
                n(a.enabled()), n(a.daemonPid()), n(a.backlogLimit()), n(a.backlog()), n(a.lost())));
        o.append(Fmt.format("  audit_backlog_wait_time %s jiffies, retry queue %s, hold queue %s, audit_failure %s%n",
                n(a.backlogWaitTime()), n(a.retryQueue()), n(a.holdQueue()), n(a.failure())));
    }

    /** A value kdx could not read is "unknown" (the reason is listed under what could not be read), never -1. */
    static String n(long v) {
        return v < 0 ? "unknown" : String.valueOf(v);
    }

    /** A waiter kdx found on a queue but not in the task list: no pid, the task_struct address instead. */
    static String pid(BlockedTask b) {
        return b.pid() < 0 ? "?" : String.valueOf(b.pid());
    }

    static String comm(BlockedTask b) {
        return b.comm() != null ? b.comm() : b.pid() < 0 ? Fmt.format("(task 0x%x, not read)", b.task()) : "?";
    }

    static void hung(StringBuilder o, Finding.HungTasks h) {
        o.append(Fmt.format("%nHung tasks: %d in uninterruptible sleep (D)%n", h.count()));
        o.append(Fmt.format("  %-28s %5s %9s  %s%n", "WAITING IN", "COUNT", "LONGEST", "TASKS"));
        for (Map.Entry<String, List<BlockedTask>> e : h.byWaitChannel().entrySet()) {
            double longest = e.getValue().stream().mapToDouble(BlockedTask::blockedSeconds).max().orElse(-1);
            List<String> names = new ArrayList<>();
            for (BlockedTask b : e.getValue()) if (names.size() < 6) names.add(b.comm() + "(" + b.pid() + ")");
            if (e.getValue().size() > 6) names.add("...");
            o.append(Fmt.format("  %-28s %5d %9s  %s%n", e.getKey(), e.getValue().size(),
                    longest < 0 ? "?" : Fmt.format("%.1f s", longest), String.join(" ", names)));
        }
        if (h.watchdog().isEmpty()) {
            o.append("  hung-task watchdog: no report in the log\n");
        } else {
            o.append("  hung-task watchdog: ").append(h.watchdog().size()).append(" report(s)\n");
            for (LogRecord r : h.watchdog().subList(0, Math.min(5, h.watchdog().size()))) o.append("    ").append(DmesgFormat.readable(r)).append('\n');
        }
    }

    static void panic(StringBuilder o, Finding.Panic p) {
        o.append("\nPanic\n");
        o.append("  message: ").append(p.message()).append('\n');
        if (p.pid() >= 0) o.append(Fmt.format("  task: %s (pid %d) on CPU %d%n", p.comm(), p.pid(), p.cpu()));
        for (String f : p.frames().subList(0, Math.min(12, p.frames().size()))) o.append("    ").append(f).append('\n');
    }

    static void wrap(StringBuilder o, String text, String indent, int width) {
        StringBuilder line = new StringBuilder(indent);
        for (String w : text.split(" ")) {
            if (line.length() + w.length() + 1 > width && line.length() > indent.length()) {
                o.append(line).append('\n');
                line = new StringBuilder(indent).append("  ");
            }
            if (line.length() > indent.length() && line.charAt(line.length() - 1) != ' ') line.append(' ');
            line.append(w);
        }
        o.append(line).append('\n');
    }
}
