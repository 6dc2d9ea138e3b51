package io.kdx.analyzer.stack;

import io.kdx.analyzer.text.Fmt;
import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.Unreadable;
import io.kdx.analyzer.tasks.TaskInfo;
import java.util.List;

/**
 * The frames of one task's kernel stack, why the walk ended (e.g. "end of stack", or the fault),
 * and for each frame the stack its sp lies on ("task", "irq", "exception", or "?"); {@code fault} is
 * the unreadable read that ended or cut the walk (null when none did), and {@code faultObject} what
 * that read was after ({@code stack of task_struct 0x…: caller of frame #3 schedule+0x5a}), for the
 * record of what could not be read.
 */
public record Backtrace(List<Frame> frames, String note, List<String> stacks, @JsonIgnore MemoryFault fault,
        @JsonIgnore String faultObject) {
    public Backtrace(List<Frame> frames, String note, List<String> stacks, MemoryFault fault) {
        this(frames, note, stacks, fault, null);
    }

    public Backtrace(List<Frame> frames, String note, List<String> stacks) {
        this(frames, note, stacks, null, null);
    }

    public Backtrace(List<Frame> frames, String note) {
        this(frames, note, java.util.Collections.nCopies(frames.size(), "?"));
    }

    /**
     * The record of a stack cut by an unreadable page (issue #12), built from the fault that cut it and
     * naming the task and the frame the walk was leaving; null when no read failed.
     */
    public Unreadable unreadable(TaskInfo t) {
        if (fault == null) return null;
        String object = faultObject != null ? faultObject : Fmt.format("stack of task_struct 0x%x", t.task());
        return Unreadable.of(Unreadable.STACK, object, fault,
                Fmt.format("the stack of pid %d (%s) could not be read in full: %s", t.pid(), t.comm(), note));
    }
}
