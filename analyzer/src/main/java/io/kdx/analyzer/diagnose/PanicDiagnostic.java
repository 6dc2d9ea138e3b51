package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.analyzer.stack.Frame;
import io.kdx.analyzer.stack.Unwinder;
import io.kdx.analyzer.sys.Sys;
import io.kdx.analyzer.tasks.CpuState;
import io.kdx.analyzer.tasks.TaskInfo;
import java.util.ArrayList;
import java.util.List;

/** The kernel panicked (panic_cpu set) or the log holds a panic or oops line: its message, task, CPU and stack. */
final class PanicDiagnostic implements Diagnostic {
    @Override
    public int rank() {
        return 0;
    }

    @Override
    public List<Finding.Panic> examine(AnalysisContext c) {
        Kernel k = c.kernel();
        String msg = Sys.panicMessage(k, c.log());
        CpuState cs;
        try {
            cs = CpuState.of(k);
        } catch (MemoryFault | MissingTypeException e) {
            cs = null;
        }
        boolean panicked = cs != null && cs.panicCpu() >= 0;
        if (!panicked && msg.isEmpty()) return List.of();
        TaskInfo p = null;
        for (TaskInfo t : c.tasks()) if (t.panicTask()) p = t;
        List<String> frames = new ArrayList<>();
        if (p != null) {
            try {
                for (Frame f : Unwinder.trace(k, p).frames()) frames.add((f.reliable() ? "" : "? ") + f.symbolic());
            } catch (MemoryFault | MissingTypeException e) {
                frames.add("stack unreadable: " + e.getMessage());
            }
        }
        return List.of(new Finding.Panic(msg, p == null ? -1 : p.pid(), p == null ? null : p.comm(),
                p == null ? (cs == null ? -1 : cs.panicCpu()) : p.cpu(), frames));
    }
}
