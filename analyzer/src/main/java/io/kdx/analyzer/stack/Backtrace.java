package io.kdx.analyzer.stack;

import java.util.List;

/**
 * The frames of one task's kernel stack, why the walk ended (e.g. "end of stack", or the fault),
 * and for each frame the stack its sp lies on ("task", "irq", "exception", or "?").
 */
public record Backtrace(List<Frame> frames, String note, List<String> stacks) {
    public Backtrace(List<Frame> frames, String note) {
        this(frames, note, java.util.Collections.nCopies(frames.size(), "?"));
    }
}
