package io.kdx.analyzer.stack;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.tasks.TaskInfo;
import java.util.List;

/**
 * Kernel stacks of tasks (x86_64): ORC first, then frame pointers, then a scan of the stack for
 * text addresses, each frame marked with how it was found. A sleeping task starts from its saved
 * thread.sp and inactive_task_frame; the task active on a CPU from that CPU's NT_PRSTATUS registers.
 * Never throws for bad memory: the walk ends and {@link Backtrace#note()} says why.
 */
public final class Unwinder {
    /** More frames than any real kernel stack holds. */
    public static final int MAX_FRAMES = 128;

    private Unwinder() {}

    /** The frames of a task's kernel stack, innermost first. */
    public static List<Frame> backtrace(Kernel k, TaskInfo task) {
        return trace(k, task).frames();
    }

    /** An instruction address as a frame: its function+offset in the vmlinux or a module (not a return address). */
    public static Frame symbolize(Kernel k, long address) {
        return new Symbolizer(k).frame(0, 0, address, "regs", false);
    }

    /** The frames and the reason the walk ended. */
    public static Backtrace trace(Kernel k, TaskInfo task) {
        OrcWalk w = new OrcWalk(k, task);
        try {
            w.run();
        } catch (RuntimeException e) { // a bug or a corrupt structure: keep what was found
            w.end("walk stopped: " + e);
        }
        return new Backtrace(List.copyOf(w.frames), w.note, List.copyOf(w.stackKinds), w.fault, w.faultObject);
    }
}
