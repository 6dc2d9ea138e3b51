package io.kdx.analyzer.cli;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.Unreadable;
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
                "'>' marks the task active on a CPU. JSON keys: pid, tgid, ppid, cpu, task, state, comm, rss, vsz (KiB), mem_percent, active, panic, last_arrival_ns, since_run_ns (null when unknown, the reason in unknown {field: reason}), unknown."})
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
            for (TaskInfo t : tasks) {
                Map<String, Object> row = row(t);
                row.put("found_by", r.foundBy(t.task())); // task_list, runqueue, or pid_idr / wait_queue past a broken list
                rows.add(row);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("tasks", rows);
            List<Unreadable> notes = notes(r, tasks);
            doc.put("notes", Unreadable.texts(notes));
            doc.put("unreadable_records", notes);
            out.println(Json.MAPPER.writeValueAsString(doc));
        } else if (sinceRun) {
            List<TaskInfo> sorted = new ArrayList<>(r.tasks());
            sorted.sort(java.util.Comparator.comparingLong(t -> t.sinceRunNs() < 0 ? Long.MAX_VALUE : t.sinceRunNs()));
            for (TaskInfo t : sorted) out.println(sinceLine(t));
            for (Unreadable n : notes(r, tasks)) System.err.println("kdx: note: " + n.text());
        } else {
            out.println("      PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM");
            for (TaskInfo t : tasks) out.println(line(t));
            for (Unreadable n : notes(r, tasks)) System.err.println("kdx: note: " + n.text());
        }
        if (r.listBroken()) {
            System.err.println("kdx: " + dumpPath + ": the task list could not be read in full: " + tasks.size() + " tasks listed");
        }
        // whatever could not be read (a task, a CPU's idle task and active mark) was said: exit 4
        return r.complete() && notes(r, tasks).size() == r.notes().size() ? ExitCodes.OK : ExitCodes.INCOMPLETE_DUMP;
    }

    /** Fields whose unknown value is a gap in what was read (not since_run_ns: a task that never ran is a fact). */
    static final List<String> READ_FIELDS = List.of("ppid", "rss", "vsz");

    /**
     * The walk's records, then one per task found off the broken task list and one per task whose
     * ppid, rss or vsz could not be read, with the reason (the record of the read that failed).
     */
    static List<Unreadable> notes(Tasks.Result r, List<TaskInfo> tasks) {
        List<Unreadable> notes = new ArrayList<>(r.unreadable());
        for (TaskInfo t : tasks) {
            String route = r.foundBy(t.task());
            if (!route.equals("task_list") && !(route.equals("runqueue") && t.pid() == 0)) {
                notes.add(Unreadable.of(Unreadable.TASK_LIST, Fmt.format("task_struct 0x%x", t.task()), Fmt.format(
                        "pid %d (%s) is not on the broken task list: found by %s", t.pid(), t.comm(), Tasks.routeName(route))));
            }
        }
        for (TaskInfo t : tasks) {
            for (String f : READ_FIELDS) {
                Unreadable u = t.gaps().get(f);
                if (u != null) notes.add(u.withText(Fmt.format("pid %d (%s) %s unknown: %s", t.pid(), t.comm(), f, u.text())));
            }
        }
        return notes;
    }

    static String line(TaskInfo t) {
        String comm = t.isKernelThread() ? "[" + t.comm() + "]" : t.comm();
        // an unknown value is printed as '?' (its reason on stderr), never as 0 or -1 (issue #12)
        return Fmt.format("%s %7d %7s %3d  %016x  %2s  %4s %8s %8s  %s",
                t.active() ? ">" : " ", t.pid(), t.known("ppid") ? String.valueOf(t.ppid()) : "?", t.cpu(), t.task(), t.state(),
                t.known("mem_percent") ? Fmt.format("%.1f", t.memPercent()) : "?",
                t.known("vsz") ? String.valueOf(t.vszKiB()) : "?", t.known("rss") ? String.valueOf(t.rssKiB()) : "?", comm);
    }

    /** {@code [days hh:mm:ss.mmm] [ST]  PID: ...}, as crash's ps -m. */
    static String sinceLine(TaskInfo t) {
        String ago;
        if (t.sinceRunNs() < 0) {
            ago = "[      unknown     ]";
        } else {
            long ms = t.sinceRunNs() / 1_000_000;
            ago = Fmt.format("[%d %02d:%02d:%02d.%03d]", ms / 86_400_000, ms / 3_600_000 % 24, ms / 60_000 % 60,
                    ms / 1000 % 60, ms % 1000);
        }
        return Fmt.format("%s [%s]  PID: %-7d TASK: %016x  CPU: %-3d COMMAND: \"%s\"", ago, t.state(), t.pid(),
                t.task(), t.cpu(), t.comm());
    }

    static Map<String, Object> row(TaskInfo t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", t.pid());
        m.put("tgid", t.tgid());
        m.put("ppid", t.known("ppid") ? t.ppid() : null);
        m.put("cpu", t.cpu());
        m.put("task", Fmt.format("0x%016x", t.task()));
        m.put("state", t.state());
        m.put("comm", t.comm());
        m.put("rss", t.known("rss") ? t.rssKiB() : null);
        m.put("vsz", t.known("vsz") ? t.vszKiB() : null);
        m.put("mem_percent", t.known("mem_percent") ? Math.round(t.memPercent() * 10) / 10.0 : null);
        m.put("active", t.active());
        m.put("panic", t.panicTask());
        m.put("last_arrival_ns", t.known("last_arrival_ns") ? t.lastArrivalNs() : null);
        m.put("since_run_ns", t.known("since_run_ns") ? t.sinceRunNs() : null);
        m.put("unknown", t.unknown()); // field -> why it is null
        return m;
    }
}
