package io.kdx.analyzer.stack;

import java.util.List;

/**
 * The frames of one task's kernel stack, why the walk ended (e.g. "end of stack", or the fault),
 * and for each frame the stack its sp lies on ("task", "irq", "exception", or "?"); {@code fault} is
 * the unreadable read that ended or cut the walk (null when none did), for the record of what could
 * not be read.
 */
public record Backtrace(List<Frame> frames, String note, List<String> stacks,
        @com.fasterxml.jackson.annotation.JsonIgnore io.kdx.analyzer.kernel.MemoryFault fault) {
    public Backtrace(List<Frame> frames, String note, List<String> stacks) {
        this(frames, note, stacks, null);
    }

    public Backtrace(List<Frame> frames, String note) {
        this(frames, note, java.util.Collections.nCopies(frames.size(), "?"));
    }
}
