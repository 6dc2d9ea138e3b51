package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.audit.Audit;
import io.kdx.analyzer.audit.AuditState;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.analyzer.kernel.Unreadable;
import io.kdx.analyzer.log.KernelLog;
import io.kdx.analyzer.log.KernelLogs;
import io.kdx.analyzer.mount.FreezeLevel;
import io.kdx.analyzer.mount.Mounts;
import io.kdx.analyzer.stack.Backtrace;
import io.kdx.analyzer.stack.Frame;
import io.kdx.analyzer.stack.Unwinder;
import io.kdx.analyzer.tasks.TaskInfo;
import io.kdx.analyzer.tasks.Tasks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every diagnosis may consult, read once per dump: the kernel log, the task list, the stacks of
 * the tasks in D state (a diagnosis that proves a task's wait replaces its entry with one carrying
 * the chain), the audit state (read on first use), the findings of the diagnoses that ran before,
 * and the list of what could not be read.
 */
public final class AnalysisContext {
    private final Kernel k;
    private final KernelLog log;
    private final List<TaskInfo> tasks;
    private final Map<Long, TaskInfo> byAddr = new HashMap<>();
    private final Map<Integer, TaskInfo> byPid = new HashMap<>();
    private final WaitChannel wchan;
    private final Map<Long, BlockedTask> stacks = new LinkedHashMap<>();
    private final List<TaskInfo> dState;
    private final List<Unreadable> unreadable;
    /** What the verdict cannot stand on: the log, the task list or the mounts not read (issue #12). */
    private final List<String> notAnalyzed = new ArrayList<>();
    private final List<Finding> found = new ArrayList<>();
    private final java.util.Set<Long> stackFaults = new java.util.HashSet<>();
    private AuditState audit;
    /** The mounts and freeze level, and the audit variables: read beside the task walk (see the constructor). */
    private final java.util.concurrent.FutureTask<MountsRead> mountsRead;
    private final java.util.concurrent.FutureTask<AuditState> auditRead;

    /**
     * The freeze level of the kernel's super_blocks and the mount list, or the fault that stopped their reading
     * (FreezeLevel first, then Mounts.list, as FrozenFilesystemDiagnostic reads them).
     */
    public record MountsRead(FreezeLevel freeze, Mounts.Result mounts, RuntimeException fault) {
        static MountsRead of(Kernel k) {
            try {
                FreezeLevel f = FreezeLevel.of(k);
                return new MountsRead(f, Mounts.list(k), null);
            } catch (MemoryFault | MissingTypeException e) {
                return new MountsRead(null, null, e);
            }
        }
    }

    AnalysisContext(Kernel k) {
        this(k, null);
    }

    /** With {@code givenLog} (null: the dump's own ring) in place of the dump's log. */
    AnalysisContext(Kernel k, KernelLog givenLog) {
        this.k = k;
        this.unreadable = new ArrayList<>(k.unreadable());
        this.mountsRead = new java.util.concurrent.FutureTask<>(() -> MountsRead.of(k));
        this.auditRead = new java.util.concurrent.FutureTask<>(() -> Audit.read(k));
        // The log and the task list are independent reads of one kernel: on a machine of two cores or more
        // the log is read beside the task walk (the kernel model, its page-table and page caches and the type
        // graph are safe to share between threads, as batch and `kdx pages` already share them). About 10 ms
        // of a 0.12 s `kdx analyze` (issue #13). What each read found is added below in the order of a serial run.
        // After the log, that thread reads the mounts with their freeze level and the audit variables, which the
        // diagnoses consult later (its faults are kept for them to report, as their own reads would have).
        boolean two = Runtime.getRuntime().availableProcessors() >= 2;
        java.util.concurrent.FutureTask<KernelLog> logRead = givenLog != null || !two ? null : new java.util.concurrent.FutureTask<>(() -> {
            try {
                return KernelLogs.read(k);
            } finally {
                mountsRead.run();
                auditRead.run();
            }
        });
        if (logRead != null) Thread.ofPlatform().name("kdx-log").daemon().start(logRead);
        else if (two) Thread.ofPlatform().name("kdx-mounts").daemon().start(() -> { mountsRead.run(); auditRead.run(); });
        Analyzer.describeDump(k, unreadable);
        Tasks.Result tr;
        Exception taskListFault = null;
        try {
            tr = Tasks.walk(k);
        } catch (MemoryFault | MissingTypeException e) {
            tr = new Tasks.Result(List.of(), List.of());
            taskListFault = e;
        }
        log = givenLog != null ? givenLog : logRead == null ? KernelLogs.read(k) : joined(logRead);
        unreadable.addAll(log.unreadable());
        if (log.records().isEmpty()) {
            notAnalyzed.add("the kernel log could not be read" + (log.problems().isEmpty() ? "" : " (" + log.problems().getFirst() + ")"));
        }
        if (taskListFault != null) {
            Exception e = taskListFault;
            unreadable.add(Unreadable.of(Unreadable.TASK_LIST, Tasks.INIT_TASKS, e instanceof MemoryFault f ? f : null,
                    "the task list is unreadable, so no task, stack or waiter is known: " + e.getMessage()));
            notAnalyzed.add("the task list could not be read (" + e.getMessage() + ")");
        }
        unreadable.addAll(tr.unreadable());
        if (notAnalyzed.stream().noneMatch(n -> n.startsWith("the task list")) && tr.listBroken()) {
            Tasks.Result r = tr;
            String why = r.notes().stream().filter(n -> n.startsWith("init_task.tasks: ")).findFirst()
                    .orElse(r.notes().isEmpty() ? "no process on init_task.tasks" : r.notes().getFirst());
            notAnalyzed.add("the task list could not be read in full (" + why + "; " + r.tasks().size() + " tasks read)");
        }
        tasks = tr.tasks();
        for (TaskInfo t : tasks) {
            byAddr.put(t.task(), t);
            byPid.putIfAbsent(t.pid(), t);
        }
        wchan = new WaitChannel(k);
        dState = tasks.stream().filter(t -> "UN".equals(t.state())).toList();
        for (TaskInfo t : dState) stacks.put(t.task(), blocked(t, List.of(), false));
    }

    /**
     * What {@code read} returns, run here if no other thread has started it; a failure there is thrown here,
     * as a serial read would throw it.
     */
    private static <T> T joined(java.util.concurrent.FutureTask<T> read) {
        read.run(); // does nothing when it ran, or runs, elsewhere
        return io.kdx.analyzer.concurrent.Await.result(read, RuntimeException.class);
    }

    public Kernel kernel() {
        return k;
    }

    public KernelLog log() {
        return log;
    }

    public List<TaskInfo> tasks() {
        return tasks;
    }

    public TaskInfo task(long taskStruct) {
        return byAddr.get(taskStruct);
    }

    public TaskInfo pid(int pid) {
        return byPid.get(pid);
    }

    /** Tasks in D state (crash's UN). */
    public List<TaskInfo> dState() {
        return dState;
    }

    /** D-state tasks (and tasks a diagnosis examined) by task_struct address, with their stacks. */
    public Map<Long, BlockedTask> stacks() {
        return stacks;
    }

    WaitChannel waitChannel() {
        return wchan;
    }

    /** Says that something the verdict stands on could not be read. */
    public void notAnalyzed(String what) {
        notAnalyzed.add(what);
    }

    public List<String> notAnalyzed() {
        return List.copyOf(notAnalyzed);
    }

    /** What could not be read: a diagnosis adds one record per gap, made from the fault it caught. */
    public List<Unreadable> unreadable() {
        return unreadable;
    }

    /** The audit variables, read on first use (their problems join {@link #unreadable()} then). */
    public AuditState audit() {
        if (audit == null) {
            audit = joined(auditRead);
            unreadable.addAll(audit.unreadable());
        }
        return audit;
    }

    /** The mounts with the freeze level (read beside the task walk when it could be, else now). */
    public MountsRead mounts() {
        return joined(mountsRead);
    }

    /** Findings of the diagnoses that ran before, of one kind. */
    public <F extends Finding> List<F> found(Class<F> kind) {
        List<F> out = new ArrayList<>();
        for (Finding f : found) if (kind.isInstance(f)) out.add(kind.cast(f));
        return out;
    }

    void add(List<? extends Finding> fs) {
        found.addAll(fs);
    }

    /** A task's stack and wait channel, with the chain to what it waits on (empty when not proven). */
    public BlockedTask blocked(TaskInfo t, List<String> chain, boolean proven) {
        List<Frame> frames = List.of();
        String note = null;
        Backtrace bt;
        try {
            bt = Unwinder.trace(k, t);
            frames = bt.frames();
            note = bt.note();
        } catch (MemoryFault | MissingTypeException e) {
            note = "stack unreadable: " + e.getMessage();
            bt = new Backtrace(frames, note, List.of(), e instanceof MemoryFault f ? f : null);
        }
        // a stack cut by an unreadable page is said once per task, from the fault that cut it, naming the task and
        // what the walk read (the record kdx bt gives)
        if (bt.fault() != null && stackFaults.add(t.task())) unreadable.add(bt.unreadable(t));
        double secs = t.sinceRunNs() < 0 ? -1 : t.sinceRunNs() / 1e9;
        return new BlockedTask(t.pid(), t.comm(), t.task(), t.state(), wchan.of(frames), secs, frames, note, chain, proven);
    }
}
