package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.Unreadable;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.analyzer.locking.LockLayout;
import io.kdx.analyzer.log.KernelLog;
import io.kdx.analyzer.log.LogRecord;
import io.kdx.analyzer.oops.BugTable;
import io.kdx.analyzer.oops.OopsLog;
import io.kdx.analyzer.oops.Registers;
import io.kdx.analyzer.oops.Taint;
import io.kdx.analyzer.stack.Frame;
import io.kdx.analyzer.stack.Unwinder;
import io.kdx.analyzer.sys.Sys;
import io.kdx.analyzer.tasks.CpuState;
import io.kdx.analyzer.tasks.TaskInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A panic (panic_cpu set, or a "Kernel panic - not syncing" line) or, when the kernel did not panic,
 * an oops in the log: the message, the task, CPU and stack, the faulting ip, the function that
 * called panic(), the registers (the log's, the crashing CPU's saved ones, the task's entry frame),
 * the fault address, and the taint decoded.
 */
final class PanicDiagnostic implements Diagnostic {
    @Override
    public int rank() {
        return 0;
    }

    @Override
    public List<Finding> examine(AnalysisContext c) {
        Kernel k = c.kernel();
        String msg = Sys.panicMessage(k, c.log());
        CpuState cs;
        try {
            cs = CpuState.of(k);
        } catch (MemoryFault | MissingTypeException e) {
            cs = null;
        }
        OopsLog ol = msg.isEmpty() ? null : OopsLog.scan(c.log()); // no panic or oops line: nothing to scan for
        boolean panicked = cs != null && cs.panicCpu() >= 0 || msg.startsWith("Kernel panic");
        if (!panicked && msg.isEmpty()) return List.of();
        if (!panicked) { // a kernel with panic_on_oops off survives each oops: one finding per report
            List<Finding> out = new ArrayList<>();
            for (OopsLog o : OopsLog.oopses(c.log())) out.add(oops(c, o));
            return out.isEmpty() ? List.of(oops(c, ol)) : out;
        }
        TaskInfo p = null;
        for (TaskInfo t : c.tasks()) if (t.panicTask()) p = t;
        List<String> frames = new ArrayList<>();
        List<Long> pcs = new ArrayList<>();
        String caller = null;
        if (p != null) {
            try {
                boolean afterPanic = false;
                for (Frame f : Unwinder.trace(k, p).frames()) {
                    frames.add((f.reliable() ? "" : "? ") + f.symbolic());
                    if (f.reliable()) pcs.add(f.address());
                    if (caller == null && afterPanic && f.reliable() && f.function() != null) caller = f.symbolic();
                    if ("panic".equals(f.function()) && f.reliable()) afterPanic = true;
                }
            } catch (MemoryFault | MissingTypeException e) {
                frames.add("stack unreadable: " + e.getMessage());
            }
        }
        int cpu = p == null ? (cs == null ? -1 : cs.panicCpu()) : p.cpu();
        return List.of(new Finding.Panic(msg, p == null ? -1 : p.pid(), p == null ? null : p.comm(), cpu, frames,
                details(c, ol, cpu, p, caller, pcs)));
    }

    static Finding.CrashDetails details(AnalysisContext c, OopsLog ol, int cpu, TaskInfo task, String caller, List<Long> framePcs) {
        Kernel k = c.kernel();
        Map<String, Long> cpuRegs = cpu >= 0 ? Registers.ofCpu(k, cpu) : null;
        String cpuIp = null;
        if (cpuRegs != null && cpuRegs.get("rip") != null) {
            try {
                cpuIp = Unwinder.symbolize(k, cpuRegs.get("rip")).symbolic();
            } catch (RuntimeException e) {
                cpuIp = Fmt.format("0x%x", cpuRegs.get("rip"));
            }
        }
        Map<String, Long> entry = null;
        if (task != null && !task.isKernelThread()) {
            try {
                entry = Registers.entry(k, task.stack(), LockLayout.of(k).threadSize);
            } catch (MemoryFault | MissingTypeException e) {
                c.unreadable().add(Unreadable.of(Unreadable.STACK, Fmt.format("pt_regs at the top of the stack of task_struct 0x%x", task.task()), e,
                        "the entry registers of pid " + task.pid() + " are unreadable: " + e.getMessage()));
            }
        }
        Taint taint = Taint.read(k);
        if (taint.note() != null) c.unreadable().add(Unreadable.of(Unreadable.KERNEL, "tainted_mask", taint.fault(), "the taint is unknown: " + taint.note()));
        boolean kernelIp = ol != null && ol.ip() != null && !ol.ip().contains(":");
        // the trapping ip: the log's RIP (function+off resolved in the dump); without the log's report,
        // the crashing CPU's saved rip and the panicking task's frames (one is the BUG's ud2 after the
        // #UD exception frame). Looked up only for a BUG or when the log is gone (a table scan each).
        List<Long> ips = new ArrayList<>();
        if (kernelIp && ol.bugLocation() != null) ips.add(BugTable.address(k, ol.ip()));
        if (ol == null || ol.oops() == null && ol.bugLocation() == null) {
            if (cpuRegs != null && cpuRegs.get("rip") != null) ips.add(cpuRegs.get("rip"));
            if (ol == null) ips.addAll(framePcs);
        }
        ips.removeIf(a -> a == 0);
        BugTable.Entry bug = ips.isEmpty() ? null : BugTable.findBug(k, ips);
        String bugTable = bug == null ? null : bug.location();
        String bugAt = ol != null && ol.bugLocation() != null ? ol.bugLocation() : bugTable;
        return new Finding.CrashDetails(kernelIp ? ol.ip() : null, caller, ol == null ? null : ol.oops(),
                ol == null ? -1 : ol.faultAddress(), bugAt, bugTable, ol == null ? null : ol.corruption(), taint, ol == null ? null : ol.taint(),
                ol == null ? Map.of() : ol.registers(), cpuRegs, cpuIp, entry, ol == null ? List.of() : logStack(c.log(), ol));
    }

    /** An oops the kernel survived: task, CPU and stack as the log tells them (the task was killed). */
    static Finding.Oops oops(AnalysisContext c, OopsLog ol) {
        List<String> stack = logStack(c.log(), ol);
        TaskInfo t = ol.pid() >= 0 ? c.pid(ol.pid()) : null;
        if (t != null && ol.comm() != null && !ol.comm().equals(t.comm())) t = null; // the pid was reused
        return new Finding.Oops(ol.oops(), ol.pid(), ol.comm(), ol.cpu(), stack, details(c, ol, -1, t, null, List.of()));
    }

    /** The report's "Call Trace:" frames as printed (function+0xoff/0xsize, '? ' before unreliable ones). */
    static List<String> logStack(KernelLog log, OopsLog ol) {
        List<String> out = new ArrayList<>();
        boolean in = false, seen = false;
        for (LogRecord r : log.records()) {
            String m = r.message().strip();
            if (!seen && (m.equals(ol.oops()) || m.equals(ol.message()))) seen = true;
            if (!seen) continue;
            if (m.equals("Call Trace:")) {
                in = true;
                continue;
            }
            if (!in) continue;
            if (m.startsWith("<") && m.endsWith(">")) {
                if (m.equals("</TASK>")) break;
                continue;
            }
            if (m.startsWith("RIP: ") || m.startsWith("Code: ") || m.startsWith("R") && m.contains(": ") && m.matches("^R[A-Z0-9]+: .*")
                    || m.startsWith("Kernel Offset") || m.startsWith("---[")) {
                if (m.startsWith("---[") || m.startsWith("Kernel Offset")) break;
                continue;
            }
            if (m.matches("^(\\? )?[A-Za-z_.$][\\w.$]*\\+0x[0-9a-f]+/0x[0-9a-f]+( \\[\\S+\\])?$")) out.add(m);
            if (out.size() >= 128) break;
        }
        return out;
    }
}
