package io.kdx.analyzer.cli;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.Unreadable;
import io.kdx.analyzer.stack.Backtrace;
import io.kdx.analyzer.stack.Frame;
import io.kdx.analyzer.stack.Unwinder;
import io.kdx.analyzer.tasks.TaskInfo;
import io.kdx.analyzer.tasks.Tasks;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kdx bt}: kernel stacks of tasks, crash-like. */
@Command(name = "bt", mixinStandardHelpOptions = true,
        description = {"Kernel stack of tasks: the given PIDs, the tasks active on each CPU (-a), every task (--all-tasks),",
                "or by default the panic task (else the active tasks). Frames found by scanning the stack are unreliable and marked '?'.",
                "JSON per task: pid, comm, task, state, cpu, frames [{level, function, offset, address, sp, module, how, stack}], note,",
                "unreadable_records [{kind, address, page_state, object, text}] (the stack cut by an unreadable page: the task and the frame)."})
public final class BtCommand extends KernelCommand {

    @Parameters(index = "1..*", paramLabel = "PID", description = "pids of the tasks to show")
    List<Integer> pids = new ArrayList<>();

    @Option(names = "-a", description = "the task active on each CPU")
    boolean active;

    @Option(names = "--all-tasks", description = "every task")
    boolean allTasks;

    @Override
    protected int run(Kernel kernel) throws Exception {
        Tasks.Result walked = Tasks.walk(kernel);
        List<TaskInfo> all = walked.tasks();
        List<TaskInfo> chosen = new ArrayList<>();
        for (int pid : pids) {
            boolean found = false;
            for (TaskInfo t : all) {
                if (t.pid() == pid) {
                    chosen.add(t);
                    found = true;
                    if (pid != 0) break; // pid 0: the idle task of every CPU
                }
            }
            if (!found) throw new InputException(dumpPath + ": no task with pid " + pid);
        }
        if (allTasks) chosen.addAll(all);
        if (active) for (TaskInfo t : all) if (t.active()) chosen.add(t);
        if (chosen.isEmpty()) {
            for (TaskInfo t : all) if (t.panicTask()) chosen.add(t);
            if (chosen.isEmpty()) for (TaskInfo t : all) if (t.active()) chosen.add(t);
        }
        // what bt could not read is said, and exits 4 (issue #12: bt -a printed nothing, exit 0)
        boolean lost = false;
        boolean cpusMatter = active || allTasks || pids.isEmpty();
        for (String n : walked.notes()) {
            boolean cpuNote = n.startsWith("current task of CPU ") || n.startsWith("runqueue of CPU ") || n.startsWith("panic_cpu ");
            if (allTasks || cpusMatter && cpuNote) {
                System.err.println("kdx: note: " + n);
                lost = true;
            }
        }
        if (chosen.isEmpty()) {
            System.err.println("kdx: " + dumpPath + ": no " + (active ? "active " : allTasks ? "" : "panic or active ")
                    + "task could be read" + (walked.notes().isEmpty() ? "" : ": " + walked.notes().getFirst()));
            return ExitCodes.INCOMPLETE_DUMP;
        }
        PrintStream out = out();
        List<Map<String, Object>> docs = new ArrayList<>();
        boolean first = true;
        for (TaskInfo t : chosen) {
            Backtrace bt = Unwinder.trace(kernel, t);
            Unreadable cut = bt.unreadable(t);
            if (cut != null) {
                // a stack cut by an unreadable page is said, and exits 4 (issue #12), from the fault that cut it
                System.err.println("kdx: note: " + cut.text());
                lost = true;
            }
            if (json) {
                docs.add(doc(t, bt));
                continue;
            }
            if (!first) out.println();
            first = false;
            out.print(Fmt.format("PID: %-7d TASK: %016x  CPU: %-3d COMMAND: \"%s\"%s%n", t.pid(), t.task(), t.cpu(), t.comm(),
                    t.panicTask() ? "  (panic)" : t.active() ? "  (active)" : ""));
            for (int i = 0; i < bt.frames().size(); i++) {
                String kind = bt.stacks().get(i);
                // as crash does, after the last frame on an IRQ or exception stack
                if (i > 0 && !kind.equals(bt.stacks().get(i - 1)) && !bt.stacks().get(i - 1).equals("task")
                        && !bt.stacks().get(i - 1).equals("?")) {
                    out.println("--- <" + (bt.stacks().get(i - 1).equals("irq") ? "IRQ" : "exception") + " stack> ---");
                }
                out.println(line(bt.frames().get(i)));
            }
            if (bt.note() != null) out.println("    (" + bt.note() + ")");
        }
        if (json) out.println(Json.MAPPER.writeValueAsString(docs));
        return lost ? ExitCodes.INCOMPLETE_DUMP : ExitCodes.OK;
    }

    /** crash's frame line: {@code #N [sp] function+off at address}, '?' before unreliable ones. */
    static String line(Frame f) {
        String name = f.function() == null ? "(unknown)" : f.function() + "+0x" + Long.toHexString(f.offset());
        if (f.module() != null) name += " [" + f.module() + "]";
        return Fmt.format("%s#%-2d [%016x] %s%s at %016x", f.level() < 10 ? " " : "", f.level(), f.sp(),
                f.reliable() ? "" : "? ", name, f.address());
    }

    static Map<String, Object> doc(TaskInfo t, Backtrace bt) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", t.pid());
        m.put("comm", t.comm());
        m.put("task", Fmt.format("0x%016x", t.task()));
        m.put("state", t.state());
        m.put("cpu", t.cpu());
        List<Map<String, Object>> frames = new ArrayList<>();
        for (int i = 0; i < bt.frames().size(); i++) {
            Frame f = bt.frames().get(i);
            Map<String, Object> fm = new LinkedHashMap<>();
            fm.put("level", f.level());
            fm.put("function", f.function());
            fm.put("offset", f.offset());
            fm.put("address", Fmt.format("0x%016x", f.address()));
            fm.put("sp", Fmt.format("0x%016x", f.sp()));
            fm.put("module", f.module());
            fm.put("how", f.how());
            fm.put("stack", bt.stacks().get(i));
            frames.add(fm);
        }
        m.put("frames", frames);
        m.put("note", bt.note());
        Unreadable cut = bt.unreadable(t);
        m.put("unreadable_records", cut == null ? List.of() : List.of(cut));
        return m;
    }
}
