package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.Unreadable;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.analyzer.log.LogRecord;
import io.kdx.analyzer.stack.Backtrace;
import io.kdx.analyzer.stack.Frame;
import io.kdx.analyzer.stack.Unwinder;
import io.kdx.analyzer.tasks.CpuState;
import io.kdx.analyzer.tasks.TaskInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CPUs that stopped scheduling: the soft-lockup watchdog's "BUG: soft lockup - CPU#n stuck for Ns!
 * [comm:pid]" and the hard-lockup detector's "Watchdog detected hard LOCKUP on cpu n"
 * (kernel/watchdog.c), and RCU CPU stall warnings ("rcu: INFO: rcu_preempt self-detected stall on
 * CPU" / "detected stalls on CPUs/tasks:" followed by one "rcu: \tN-...." line per stalled CPU,
 * kernel/rcu/tree_stall.h). Each is matched with the dump: the CPU's current task and, from that
 * CPU's saved registers, the function it runs.
 */
final class LockupDiagnostic implements Diagnostic {
    static final Pattern SOFT = Pattern.compile("soft lockup - CPU#(\\d+) stuck for (\\d+)s! \\[(.*):(\\d+)\\]");
    static final Pattern HARD = Pattern.compile("Watchdog detected hard LOCKUP on cpu (\\d+)");
    static final Pattern RCU = Pattern.compile("^rcu: INFO: \\S+ (self-detected stall on CPU|detected stalls on CPUs/tasks:)");
    static final Pattern RCU_CPU = Pattern.compile("^rcu: \\s*(\\d+)-[.O][.o][.N]");

    static final byte[] LOCKUP = "lockup".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final byte[] LOCKUP_UC = "LOCKUP".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final byte[] RCU_INFO = "rcu: INFO: ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (hay[i] != needle[0]) continue;
            for (int j = 1; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    @Override
    public int rank() {
        return 20;
    }

    @Override
    public List<Finding.Lockup> examine(AnalysisContext c) {
        // kind:cpu -> the reports, with the log's task and seconds of the last soft-lockup report
        Map<String, List<LogRecord>> reports = new LinkedHashMap<>();
        Map<String, Object[]> who = new LinkedHashMap<>();
        List<LogRecord> rs = c.log().records();
        for (int i = 0; i < rs.size(); i++) {
            byte[] text = rs.get(i).text();
            // most records are neither: look at the bytes before decoding (analyze runs this on every dump)
            if (text == null || indexOf(text, LOCKUP) < 0 && indexOf(text, LOCKUP_UC) < 0 && indexOf(text, RCU_INFO) < 0) continue;
            String m = rs.get(i).message().strip();
            Matcher s = SOFT.matcher(m);
            if (s.find()) {
                String key = "soft-lockup:" + s.group(1);
                reports.computeIfAbsent(key, x -> new ArrayList<>()).add(rs.get(i));
                who.put(key, new Object[] {Integer.parseInt(s.group(4)), s.group(3), Double.parseDouble(s.group(2))});
                continue;
            }
            Matcher h = HARD.matcher(m);
            if (h.find()) {
                String key = "hard-lockup:" + h.group(1);
                reports.computeIfAbsent(key, x -> new ArrayList<>()).add(rs.get(i));
                // the NMI's report names the task it interrupted on its CPU line (kernel/watchdog_perf.c,
                // watchdog_hld.c before 6.6: print_modules, then show_regs or dump_stack)
                for (int j = i + 1; j < rs.size() && j < i + 12; j++) {
                    Matcher cl = io.kdx.analyzer.oops.OopsLog.CPU_LINE.matcher(rs.get(j).message().strip());
                    if (cl.find() && cl.group(1).equals(h.group(1))) {
                        who.putIfAbsent(key, new Object[] {Integer.parseInt(cl.group(2)), cl.group(3), -1.0});
                        break;
                    }
                }
                continue;
            }
            if (RCU.matcher(m).find()) {
                for (int j = i + 1; j < rs.size() && j < i + 8; j++) { // the stalled CPUs follow the header
                    Matcher cm = RCU_CPU.matcher(rs.get(j).message().strip());
                    if (cm.find()) reports.computeIfAbsent("rcu-stall:" + cm.group(1), x -> new ArrayList<>()).add(rs.get(i));
                }
            }
        }
        if (reports.isEmpty()) return List.of();
        Kernel k = c.kernel();
        CpuState cs;
        try {
            cs = CpuState.of(k);
        } catch (MemoryFault | MissingTypeException e) {
            cs = null;
            c.unreadable().add(Unreadable.of(Unreadable.RUNQUEUE, "current_task", e, "the CPUs' current tasks are unreadable, so a stuck CPU's task is the log's alone: " + e.getMessage()));
        }
        List<Finding.Lockup> out = new ArrayList<>();
        for (var e : reports.entrySet()) {
            String kind = e.getKey().substring(0, e.getKey().indexOf(':'));
            int cpu = Integer.parseInt(e.getKey().substring(e.getKey().indexOf(':') + 1));
            Object[] w = who.get(e.getKey());
            int logPid = w == null ? -1 : (int) w[0];
            String logComm = w == null ? null : (String) w[1];
            double secs = w == null ? -1 : (double) w[2];
            if (w == null) { // an RCU stall or hard lockup: the soft-lockup report of the same CPU names its task
                Object[] soft = who.get("soft-lockup:" + cpu);
                if (soft != null) {
                    logPid = (int) soft[0];
                    logComm = (String) soft[1];
                }
            }
            TaskInfo cur = cs != null && cpu >= 0 && cpu < cs.current().length ? c.task(cs.current()[cpu]) : null;
            List<String> stack = new ArrayList<>();
            String function = null;
            if (cur != null) {
                Backtrace bt = Unwinder.trace(k, cur);
                for (Frame f : bt.frames()) stack.add((f.reliable() ? "" : "? ") + f.symbolic());
                function = stuckIn(bt.frames());
            }
            boolean still = cur != null && logPid >= 0 && cur.pid() == logPid;
            List<LogRecord> rep = e.getValue();
            out.add(new Finding.Lockup(kind, cpu, cur != null ? cur.pid() : logPid, cur != null ? cur.comm() : logComm, function,
                    logPid, logComm, secs, still, List.copyOf(stack), List.copyOf(rep.subList(0, Math.min(5, rep.size())))));
        }
        out.sort(java.util.Comparator.comparingInt((Finding.Lockup l) -> List.of("soft-lockup", "hard-lockup", "rcu-stall").indexOf(l.kind()))
                .thenComparingInt(Finding.Lockup::cpu));
        return out;
    }

    /**
     * The function the CPU is stuck in, from its stack: the innermost reliable frame, or, when the dump
     * caught the CPU in an interrupt or exception (the watchdog's own hrtimer interrupt, say), the
     * innermost reliable frame of the interrupted context below the last entry stub: that is the code
     * the CPU keeps returning to, and what the watchdog's report prints as RIP (it shows the interrupted
     * registers). The stack itself keeps every frame.
     */
    static String stuckIn(List<Frame> frames) {
        int from = 0;
        for (int i = 0; i < frames.size(); i++) {
            if (io.kdx.analyzer.x86_64.X86_64.interruptEntry(frames.get(i).function()) && frames.get(i).reliable()) from = i + 1;
        }
        for (int pass = 0; pass < 2; pass++) {
            for (int i = pass == 0 ? from : 0; i < frames.size(); i++) {
                Frame f = frames.get(i);
                if (f.reliable() && f.function() != null && !io.kdx.analyzer.x86_64.X86_64.interruptEntry(f.function())) return f.symbolic();
            }
        }
        return null;
    }
}
