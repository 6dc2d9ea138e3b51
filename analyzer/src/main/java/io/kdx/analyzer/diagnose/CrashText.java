package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.text.Fmt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Text and verdict of a panic's or oops's details. */
final class CrashText {
    private CrashText() {}

    static String verdict(Finding.Oops p) {
        StringBuilder b = new StringBuilder("The kernel oopsed (and did not panic): \"").append(p.message()).append('"');
        if (p.details() != null && p.details().corruption() != null) b.append(" after \"").append(p.details().corruption()).append('"');
        if (p.pid() >= 0) b.append(" in ").append(p.comm()).append(" (pid ").append(p.pid()).append(") on CPU ").append(p.cpu());
        if (p.details() != null && p.details().ip() != null) b.append(", at ").append(p.details().ip());
        return b.append('.').toString();
    }

    static String what(String kind) {
        return switch (kind) {
            case "soft-lockup" -> "the soft-lockup watchdog reported it";
            case "hard-lockup" -> "the hard-lockup detector reported it";
            default -> "RCU reported a CPU stall on it";
        };
    }

    static String verdict(Finding.Lockup l) {
        StringBuilder b = new StringBuilder("CPU ").append(l.cpu()).append(" is stuck: ").append(what(l.kind()));
        if (l.logPid() >= 0) b.append(" running ").append(l.logComm()).append(" (pid ").append(l.logPid()).append(')');
        if (l.stuckSeconds() >= 0) b.append(Fmt.format(" for %.0f s", l.stuckSeconds()));
        if (l.pid() >= 0) {
            b.append(l.stillRunning() ? "; in the dump it still runs it" : "; in the dump it runs " + l.comm() + " (pid " + l.pid() + ")");
            if (l.function() != null) b.append(", in ").append(l.function());
        }
        return b.append('.').toString();
    }

    static void lockup(StringBuilder o, Finding.Lockup l) {
        o.append(Fmt.format("%nStuck CPU %d (%s)%n", l.cpu(), l.kind()));
        for (var r : l.reports()) o.append("  log: ").append(io.kdx.analyzer.log.DmesgFormat.readable(r)).append('\n');
        if (l.pid() >= 0) o.append(Fmt.format("  its current task in the dump: %s (pid %d)%s%n", l.comm(), l.pid(),
                l.stillRunning() ? ", the task the report named" : ""));
        if (l.function() != null) o.append("  running in: ").append(l.function()).append('\n');
        for (String f : l.stack().subList(0, Math.min(10, l.stack().size()))) o.append("    ").append(f).append('\n');
    }

    static String verdict(Finding.OomKill k) {
        StringBuilder b = new StringBuilder("The OOM killer killed ").append(k.victimComm()).append(" (pid ").append(k.victimPid())
                .append(Fmt.format(", %.0f MiB resident)", k.rssKb() / 1024.0));
        if (k.invokerComm() != null) {
            b.append(", invoked by ").append(k.invokerComm());
            if (k.invokerPid() >= 0) b.append(" (pid ").append(k.invokerPid()).append(')');
        }
        if (k.constraint() != null && !k.constraint().equals("CONSTRAINT_NONE")) b.append(", ").append(k.constraint());
        return b.append('.').toString();
    }

    static void oom(StringBuilder o, Finding.OomKill k) {
        o.append("\nOOM kill\n");
        o.append(Fmt.format("  victim: %s (pid %d): rss %d kB (anon %d, file %d, shmem %d), total-vm %d kB%s%n", k.victimComm(), k.victimPid(),
                k.rssKb(), k.anonRssKb(), k.fileRssKb(), k.shmemRssKb(), k.totalVmKb(), k.victimPresent() ? "; still in the task list" : ""));
        o.append(Fmt.format("  invoked by: %s%s; constraint %s%n", k.invokerComm(), k.invokerPid() >= 0 ? " (pid " + k.invokerPid() + ")" : "",
                k.constraint()));
        if (!k.memInfo().isEmpty()) o.append("  memory at the time (pages): ").append(k.memInfo()).append('\n');
        o.append(Fmt.format("  memory now: total %s kB, free %s kB%n", k.memTotalKb() < 0 ? "?" : k.memTotalKb(), k.memFreeKb() < 0 ? "?" : k.memFreeKb()));
        if (!k.largest().isEmpty()) o.append("  largest at the time:\n");
        for (var t : k.largest()) o.append(Fmt.format("    %7d  %-16s rss %8d kB%n", t.pid(), t.comm(), t.rssKb()));
    }

    static void oops(StringBuilder o, Finding.Oops p) {
        o.append("\nOops\n");
        o.append("  message: ").append(p.message()).append('\n');
        if (p.pid() >= 0) o.append(Fmt.format("  task: %s (pid %d) on CPU %d (from the log: the task was killed)%n", p.comm(), p.pid(), p.cpu()));
        details(o, p.details());
        if (!p.frames().isEmpty()) o.append("  call trace (log):\n");
        for (String f : p.frames().subList(0, Math.min(16, p.frames().size()))) o.append("    ").append(f).append('\n');
    }

    static void details(StringBuilder o, Finding.CrashDetails d) {
        if (d == null) return;
        if (d.oops() != null && !(o.lastIndexOf("message: " + d.oops()) >= 0)) o.append("  oops: ").append(d.oops()).append('\n');
        if (d.ip() != null) o.append("  faulting ip: ").append(d.ip()).append('\n');
        if (d.caller() != null) o.append("  panic() called from: ").append(d.caller()).append('\n');
        if (d.faultAddress() != -1) o.append(Fmt.format("  fault address: 0x%x%n", d.faultAddress()));
        if (d.corruption() != null) o.append("  corruption: ").append(d.corruption()).append('\n');
        if (d.bugAt() != null) o.append("  BUG at ").append(d.bugAt()).append('\n');
        if (d.bugTable() != null) o.append("  the dump's bug table at the faulting ip: ").append(d.bugTable()).append('\n');
        if (d.taint() != null) {
            o.append("  taint: ").append(d.taint().mask() < 0 ? "unknown (" + d.taint().note() + ")"
                    : d.taint().mask() == 0 ? "not tainted" : d.taint().letters() + " " + d.taint().names());
            if (d.logTaint() != null) o.append("  (log: ").append(d.logTaint()).append(')');
            o.append('\n');
        }
        if (!d.logRegisters().isEmpty()) o.append("  registers (log): ").append(line(d.logRegisters())).append('\n');
        if (d.cpuRegisters() != null) o.append("  CPU's saved registers: ip ").append(d.cpuIp()).append("; ").append(line(d.cpuRegisters())).append('\n');
        if (d.entryRegisters() != null) o.append("  entry registers (pt_regs on its stack): ").append(line(d.entryRegisters())).append('\n');
    }

    static String line(Map<String, Long> m) {
        List<String> p = new ArrayList<>();
        for (var e : m.entrySet()) if (e.getValue() != null) p.add(e.getKey() + "=" + Long.toHexString(e.getValue()));
        return String.join(" ", p);
    }
}
