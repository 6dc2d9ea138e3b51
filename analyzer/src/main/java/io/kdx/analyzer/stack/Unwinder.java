package io.kdx.analyzer.stack;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.tasks.TaskInfo;
import java.util.List;

/** Kernel stacks of tasks. Never throws for bad memory: the walk ends and says why. */
public final class Unwinder {
    private Unwinder() {}

    /** The frames of a task's kernel stack, innermost first. */
    public static List<Frame> backtrace(Kernel k, TaskInfo task) {
        return trace(k, task).frames();
    }

    /** The frames and the reason the walk ended. */
    public static Backtrace trace(Kernel k, TaskInfo task) {
        return new Backtrace(List.of(), "unwinder not implemented yet");
    }
}
