package io.kdx.analyzer.diagnose;

import java.util.List;

/**
 * One diagnosis of {@code kdx analyze}: looks at what the {@link AnalysisContext} has read from the
 * dump and returns its findings (none when nothing is wrong). One class per diagnosis; the
 * {@link Analyzer} runs them in {@link Analyzer#DIAGNOSTICS} order and sorts their findings by
 * {@link #rank()}.
 *
 * <p>Adding a diagnosis: (1) add a record to {@link Finding} for what it finds, with a
 * {@code kind()} that names it in the JSON; (2) write a class implementing this interface that
 * reads the kernel objects it needs through a layout record resolved once per kernel (see
 * {@code tasks/TaskLayout}, {@code locking/LockLayout}), walks lists and trees with the shared
 * bounded helpers ({@code kernel/KernelLists}), and adds to {@link AnalysisContext#unreadable()} one
 * sentence for whatever it could not read instead of guessing; (3) add it to
 * {@link Analyzer#DIAGNOSTICS} (after the diagnostics whose findings it consults, via
 * {@link AnalysisContext#found}); (4) render it in {@link JsonReport}, {@link TextReport} and
 * {@link Verdict} and document its JSON keys in the README; (5) prove it on a real dump: a
 * fixtures scenario whose guest records the truth, and an IT that compares the finding with it.
 * A diagnosis claims only what it can show; on a dump where its trouble is absent it must find
 * nothing (the healthy fixture stays clean).
 */
public interface Diagnostic {
    /** Findings of this diagnosis, in the order they should be reported; empty when nothing is wrong. */
    List<? extends Finding> examine(AnalysisContext c);

    /** Where its findings go in the report: lower first (a panic before a hang). */
    int rank();
}
