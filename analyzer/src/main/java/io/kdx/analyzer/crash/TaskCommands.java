package io.kdx.analyzer.crash;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.crash.CrashSession.CommandError;
import io.kdx.analyzer.stack.Backtrace;
import io.kdx.analyzer.stack.Frame;
import io.kdx.analyzer.stack.Unwinder;
import io.kdx.analyzer.tasks.TaskInfo;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** ps, bt, foreach, set and files: tasks and their stacks, in crash's layout. */
final class TaskCommands {
    /** crash's task state names (task_state_string). */
    static final Set<String> STATES = Set.of("RU", "IN", "UN", "ST", "ZO", "TR", "DE", "SW", "WA", "PA", "ID", "NE");

    private TaskCommands() {}

    // --- ps ---------------------------------------------------------------------------------------

    static void ps(CrashSession s, List<String> args, PrintStream out) {
        boolean summary = false, since = false;
        List<String> selectors = new ArrayList<>();
        for (String a : args) {
            if (a.equals("-S")) summary = true;
            else if (a.equals("-m")) since = true;
            else if (a.startsWith("-")) throw new CommandError("option " + a + " is not supported by kdx (it has -S and -m)");
            else selectors.add(a);
        }
        if (summary && (since || !selectors.isEmpty())) throw new CommandError("-S option cannot be used with other options");
        List<TaskInfo> tasks = selectors.isEmpty() ? s.tasks() : select(s, selectors);
        StringBuilder sb = new StringBuilder();
        if (summary) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (TaskInfo t : tasks) counts.merge(t.state(), 1, Integer::sum);
            counts.forEach((st, n) -> sb.append("  ").append(st).append(": ").append(n).append('\n'));
        } else if (since) {
            List<TaskInfo> sorted = new ArrayList<>(tasks);
            sorted.sort(Comparator.comparingLong(t -> t.sinceRunNs() < 0 ? Long.MAX_VALUE : t.sinceRunNs()));
            for (TaskInfo t : sorted) sb.append(sinceRun(t)).append("[").append(t.state()).append("]  ").append(header(t));
        } else {
            sb.append("      PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM\n");
            for (TaskInfo t : tasks) sb.append(psLine(t)).append('\n');
        }
        out.print(sb);
    }

    static String psLine(TaskInfo t) {
        String comm = t.isKernelThread() ? "[" + t.comm() + "]" : t.comm();
        // an mm kdx could not read has no %MEM, VSZ or RSS: '?' rather than a made-up -1 or NaN
        return Fmt.format("%s %7d %7d %3d  %016x  %2s  %4s %8s %8s  %s", t.active() ? ">" : " ", t.pid(),
                t.ppid(), t.cpu(), t.task(), t.state(),
                !t.known("mem_percent") ? "?" : Fmt.format("%.1f", t.memPercent()),
                !t.known("vsz") ? "?" : Long.toString(t.vszKiB()), !t.known("rss") ? "?" : Long.toString(t.rssKiB()), comm);
    }

    /** ps -m's stamp, "[D HH:MM:SS.mmm] ", from runqueue clock minus sched_info.last_arrival. */
    static String sinceRun(TaskInfo t) {
        if (t.sinceRunNs() < 0) return "[unknown] ";
        long ms = t.sinceRunNs() / 1_000_000;
        return Fmt.format("[%d %02d:%02d:%02d.%03d] ", ms / 86_400_000, ms / 3_600_000 % 24, ms / 60_000 % 60,
                ms / 1000 % 60, ms % 1000);
    }

    /** crash's print_task_header(): {@code PID: %-7ld  TASK: %016lx  CPU: %-3s  COMMAND: "%s"}. */
    static String header(TaskInfo t) {
        return Fmt.format("PID: %-7d  TASK: %016x  CPU: %-3s  COMMAND: \"%s\"%n", t.pid(), t.task(),
                t.cpu() < 0 ? "?" : Integer.toString(t.cpu()), t.comm());
    }

    /** Tasks named by pid, task address or command name, in crash's order (by pid). */
    static List<TaskInfo> select(CrashSession s, List<String> selectors) {
        List<TaskInfo> out = new ArrayList<>();
        for (String sel : selectors) {
            boolean found = false;
            Long n = CrashText.number(sel);
            boolean isAddress = n != null && (sel.startsWith("0x") || sel.length() >= 9) && Long.compareUnsigned(n, 1L << 32) > 0;
            for (TaskInfo t : s.tasks()) {
                boolean match = n == null ? t.comm().equals(sel) : isAddress ? t.task() == n : t.pid() == n;
                if (match) {
                    if (!out.contains(t)) out.add(t);
                    found = true;
                }
            }
            if (!found) {
                throw new CommandError(n == null ? "invalid task or pid value: " + sel
                        : isAddress ? "invalid task address: " + sel : "invalid task or pid value: " + sel);
            }
        }
        return out;
    }

    // --- bt ---------------------------------------------------------------------------------------

    static void bt(CrashSession s, List<String> args, PrintStream out) {
        boolean all = false, full = false;
        List<String> selectors = new ArrayList<>();
        for (String a : args) {
            if (a.equals("-a")) all = true;
            else if (a.equals("-f")) full = true;
            else if (a.startsWith("-")) throw new CommandError("option " + a + " is not supported by kdx (it has -a and -f)");
            else selectors.add(a);
        }
        List<TaskInfo> tasks;
        if (all) {
            tasks = new ArrayList<>();
            for (TaskInfo t : s.tasks()) if (t.active()) tasks.add(t);
            tasks.sort(Comparator.comparingInt(TaskInfo::cpu));
        } else if (!selectors.isEmpty()) {
            tasks = select(s, selectors);
        } else {
            TaskInfo c = s.context();
            if (c == null) throw new CommandError("no task context");
            tasks = List.of(c);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < tasks.size(); i++) backtrace(s, tasks.get(i), i > 0, full, sb);
        out.print(sb);
    }

    /** One task's stack as crash prints it: the header, then {@code  #N [SP] FUNCTION at ADDRESS [MODULE]}. */
    static void backtrace(CrashSession s, TaskInfo t, boolean newline, boolean full, StringBuilder sb) {
        if (newline) sb.append('\n');
        sb.append(header(t));
        Backtrace bt = Unwinder.trace(s.kernel, t);
        List<Frame> frames = bt.frames();
        for (int i = 0; i < frames.size(); i++) {
            String kind = bt.stacks().get(i);
            if (i > 0) {
                String prev = bt.stacks().get(i - 1);
                if (!kind.equals(prev) && !prev.equals("task") && !prev.equals("?")) {
                    sb.append("--- <").append(prev.equals("irq") ? "IRQ" : "exception").append(" stack> ---\n");
                }
            }
            Frame f = frames.get(i);
            sb.append(frameLine(f)).append('\n');
            if (full && i + 1 < frames.size()) frameData(s, f.sp(), frames.get(i + 1).sp(), sb);
        }
        if (bt.note() != null) sb.append("    (").append(bt.note()).append(")\n");
    }

    static String frameLine(Frame f) {
        String name = f.function() == null ? "(unknown)" : f.function();
        StringBuilder sb = new StringBuilder(Fmt.format("%s#%d [%016x] %s at %016x", f.level() < 10 ? " " : "", f.level(),
                f.sp(), name, f.address()));
        if (f.module() != null) sb.append(" [").append(f.module()).append(']');
        if (!f.reliable()) sb.append(" (unreliable: found by scanning the stack)");
        return sb.toString();
    }

    /** bt -f: the stack words from this frame's SP up to the next frame's, two per line as crash shows them. */
    private static void frameData(CrashSession s, long from, long to, StringBuilder sb) {
        if (Long.compareUnsigned(to, from) <= 0 || to - from > 8192) return;
        for (long a = from; Long.compareUnsigned(a, to) < 0; a += 16) {
            sb.append(Fmt.format("    %016x: %016x", a, s.kernel.readU64(a)));
            if (Long.compareUnsigned(a + 8, to) < 0) sb.append(Fmt.format(" %016x", s.kernel.readU64(a + 8)));
            sb.append('\n');
        }
    }

    // --- foreach ----------------------------------------------------------------------------------

    /** foreach [PID|TASK|NAME|STATE|kernel|user ...] bt [-f]: the stacks of the tasks chosen, by pid. */
    static void foreach(CrashSession s, List<String> args, PrintStream out) {
        int cmd = args.indexOf("bt");
        if (cmd < 0) {
            if (args.contains("ps")) {
                cmd = args.indexOf("ps");
            } else {
                throw new CommandError("kdx's foreach runs bt and ps; give one of them");
            }
        }
        List<String> filters = args.subList(0, cmd);
        List<TaskInfo> chosen = new ArrayList<>();
        for (TaskInfo t : s.tasks()) if (matches(s, t, filters)) chosen.add(t);
        List<String> rest = new ArrayList<>(args.subList(cmd + 1, args.size()));
        if (args.get(cmd).equals("ps")) {
            StringBuilder sb = new StringBuilder("      PID    PPID  CPU       TASK        ST  %MEM      VSZ      RSS  COMM\n");
            for (TaskInfo t : chosen) sb.append(psLine(t)).append('\n');
            out.print(sb);
            return;
        }
        boolean full = rest.remove("-f");
        if (!rest.isEmpty()) throw new CommandError("bt option " + rest.getFirst() + " is not supported by kdx's foreach");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < chosen.size(); i++) backtrace(s, chosen.get(i), i > 0, full, sb);
        out.print(sb);
    }

    private static boolean matches(CrashSession s, TaskInfo t, List<String> filters) {
        if (filters.isEmpty()) return true;
        boolean anyState = false, stateOk = false, anyId = false, idOk = false;
        for (String f : filters) {
            if (STATES.contains(f)) {
                anyState = true;
                stateOk |= t.state().equals(f);
            } else if (f.equals("kernel")) {
                anyState = true;
                stateOk |= t.isKernelThread();
            } else if (f.equals("user")) {
                anyState = true;
                stateOk |= !t.isKernelThread();
            } else {
                anyId = true;
                Long n = CrashText.number(f);
                idOk |= n == null ? t.comm().equals(f) : (t.pid() == n || t.task() == n);
            }
        }
        return (!anyState || stateOk) && (!anyId || idOk);
    }

    // --- set, files -------------------------------------------------------------------------------

    static void set(CrashSession s, List<String> args, PrintStream out) {
        if (args.size() > 1 || (!args.isEmpty() && args.getFirst().startsWith("-") && !args.getFirst().equals("-p"))) {
            if (!args.isEmpty() && (args.getFirst().equals("scroll") || args.getFirst().equals("radix") || args.getFirst().equals("hash"))) {
                return; // crash's internal variables: nothing for kdx to change
            }
            throw new CommandError("kdx's set takes one PID or task address (or -p)");
        }
        if (!args.isEmpty()) {
            if (args.getFirst().equals("-p")) {
                s.context = null;
            } else {
                s.context = select(s, args).getFirst();
            }
        }
        TaskInfo t = s.context();
        if (t == null) throw new CommandError("no task context");
        int same = 0, nth = 0;
        for (TaskInfo x : s.tasks()) {
            if (x.pid() != t.pid()) continue;
            same++;
            if (x == t) nth = same;
        }
        // CONFIG_THREAD_INFO_IN_TASK (x86_64 since 4.9): thread_info is task_struct's first member; before, it began the stack
        long threadInfo = s.kernel.hasMember("task_struct", "thread_info")
                ? t.task() + s.kernel.offsetOf("task_struct", "thread_info") : t.stack();
        out.print(Fmt.format("    PID: %d%nCOMMAND: \"%s\"%n   TASK: %016x  %s[THREAD_INFO: %016x]%n    CPU: %d%n  STATE: %s%s%n", t.pid(),
                t.comm(), t.task(), same > 1 ? "(" + nth + " of " + same + ")  " : "", threadInfo, t.cpu(), stateName(t.state()),
                t.panicTask() ? " (PANIC)" : t.active() ? " (ACTIVE)" : ""));
    }

    private static String stateName(String st) {
        return switch (st) {
            case "RU" -> "TASK_RUNNING";
            case "IN" -> "TASK_INTERRUPTIBLE";
            case "UN" -> "TASK_UNINTERRUPTIBLE";
            case "ST" -> "TASK_STOPPED";
            case "TR" -> "TASK_TRACED";
            case "ZO" -> "EXIT_ZOMBIE";
            case "DE" -> "EXIT_DEAD";
            case "ID" -> "TASK_IDLE";
            default -> st;
        };
    }

    static void files(CrashSession s, List<String> args, PrintStream out) {
        List<TaskInfo> tasks = args.isEmpty() ? List.of(s.context()) : select(s, args);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < tasks.size(); i++) {
            if (i > 0) sb.append('\n');
            TaskFiles.print(s, tasks.get(i), sb);
        }
        out.print(sb);
    }
}
