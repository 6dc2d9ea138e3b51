package io.kdx.analyzer.batch;

import io.kdx.analyzer.text.Fmt;
import java.io.PrintStream;

/** A one-line progress bar redrawn in place on a terminal (stderr). */
final class ProgressBar implements BatchRunner.Progress {
    private static final int WIDTH = 30;
    private final PrintStream err;
    private final long start = System.nanoTime();

    ProgressBar(PrintStream err) {
        this.err = err;
    }

    @Override
    public void update(int done, int failed, int total) {
        int filled = total == 0 ? WIDTH : (int) ((long) done * WIDTH / total);
        double secs = (System.nanoTime() - start) / 1e9;
        err.print(Fmt.format("\r[%s%s] %d/%d dumps, %d failed, %.1f s", "#".repeat(filled), ".".repeat(WIDTH - filled),
                done, total, failed, secs));
        err.flush();
    }

    @Override
    public void finish() {
        err.print("\r" + " ".repeat(WIDTH + 50) + "\r");
        err.flush();
    }
}
