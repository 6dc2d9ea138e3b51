package io.kdx.analyzer.stack;

import java.util.List;

/** The frames of one task's kernel stack and why the walk ended (e.g. "end of stack", or the fault). */
public record Backtrace(List<Frame> frames, String note) {}
