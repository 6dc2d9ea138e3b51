package io.kdx.analyzer.cli;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.tasks.TaskInfo;
import io.kdx.analyzer.tasks.Tasks;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code kdx ps}: every process and thread, with crash's columns. */
@Command(name = "ps", mixinStandardHelpOptions = true,
        description = {"List every process and thread of the dumped kernel, as crash's ps does.",
                "'>' marks the task active on a CPU. JSON keys: pid, tgid, ppid, cpu, task, state, comm, rss, vsz (KiB), mem_percent, active, panic, last_arrival_ns, since_run_ns."})
public final class PsCommand extends KernelCommand {

    @picocli.CommandLine.Option(names = "-m", description = "like crash's ps -m: how long ago each task last ran (runqueue clock minus sched_info.last_arrival), most recent first")
    boolean sinceRun;

    @Override
    protected int run(Kernel kernel) throws Exception {
        Tasks.Result r = Tasks.walk(kernel);
        List<TaskInfo> tasks = new ArrayList<>(r.tasks()); // crash lists by pid (idle tasks by CPU)
        tasks.sort(java.util.Comparator.comparingInt(TaskInfo::pid).thenComparingInt(TaskInfo::cpu));
        PrintStream out = out();
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (TaskInfo t : tasks) rows.add(row(t));
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("tasks", rows);
            doc.put("notes", r.notes());
            out.println(Json.MAPPER.writeValueAsString(doc));
        } else if (sinceRun) {
            List<TaskInfo> sorted = new ArrayList<>(r.tasks());
            sorted.sort(java.util.Comparator.comparingLong(t -> t.sinceRunNs() < 0 ? Long.MAX_VALUE : t.sinceRunNs()));
            for (TaskInfo t : sorted) out.println(sinceLine(t));
            for (String n : r.notes()) System.err.println("kdx: note: " + n);
        } else {
            out.println("      PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM");
            for (TaskInfo t : tasks) out.println(line(t));
            for (String n : r.notes()) System.err.println("kdx: note: " + n);
        }
        if (r.listBroken()) {
            System.err.println("kdx: " + dumpPath + ": the task list could not be read in full: " + tasks.size() + " tasks listed");
        }
        // whatever could not be read (a task, a CPU's idle task and active mark) was said: exit 4
        return r.complete() ? ExitCodes.OK : ExitCodes.INCOMPLETE_DUMP;
    }

    static String line(TaskInfo t) {
        String comm = t.isKernelThread() ? "[" + t.comm() + "]" : t.comm();
        return String.format("%s %7d %7d %3d  %016x  %2s  %4.1f %8d %8d  %s",
                t.active() ? ">" : " ", t.pid(), t.ppid(), t.cpu(), t.task(), t.state(), t.memPercent(),
                t.vszKiB(), t.rssKiB(), comm);
    }

    /** {@code [days hh:mm:ss.mmm] [ST]  PID: ...}, as crash's ps -m. */
    static String sinceLine(TaskInfo t) {
        String ago;
        if (t.sinceRunNs() < 0) {
            ago = "[      unknown     ]";
        } else {
            long ms = t.sinceRunNs() / 1_000_000;
            ago = String.format("[%d %02d:%02d:%02d.%03d]", ms / 86_400_000, ms / 3_600_000 % 24, ms / 60_000 % 60,
                    ms / 1000 % 60, ms % 1000);
        }
        return String.format("%s [%s]  PID: %-7d TASK: %016x  CPU: %-3d COMMAND: \"%s\"", ago, t.state(), t.pid(),
                t.task(), t.cpu(), t.comm());
    }

    static Map<String, Object> row(TaskInfo t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", t.pid());
        m.put("tgid", t.tgid());
        m.put("ppid", t.ppid());
        m.put("cpu", t.cpu());
        m.put("task", String.format("0x%016x", t.task()));
        m.put("state", t.state());
        m.put("comm", t.comm());
        m.put("rss", t.rssKiB());
        m.put("vsz", t.vszKiB());
        m.put("mem_percent", Math.round(t.memPercent() * 10) / 10.0);
        m.put("active", t.active());
        m.put("panic", t.panicTask());
        m.put("last_arrival_ns", t.lastArrivalNs());
        m.put("since_run_ns", t.sinceRunNs());
        return m;
    }
}
