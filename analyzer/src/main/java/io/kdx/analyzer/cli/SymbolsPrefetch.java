package io.kdx.analyzer.cli;

import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.SymbolsException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The symbols named by {@code -s PATH}, opened on a second thread while the dump opens: neither needs the
 * other until the build-ids are compared. Both openings spend most of their time in first uses (the FFM
 * API's memory-access handles, class initialisation), which two cores do side by side (issue #13).
 * A failure is thrown where the serial opening would have thrown it, after the dump's own checks; symbols
 * nobody takes (the dump failed to open) are closed by whichever side finishes last.
 */
final class SymbolsPrefetch {
    private final Path path;
    private final FutureTask<KernelSymbols> task;
    private boolean taken, abandoned;

    private SymbolsPrefetch(Path path) {
        this.path = path;
        this.task = new FutureTask<>(this::open);
    }

    /** Starts opening {@code path} on a daemon thread. */
    static SymbolsPrefetch start(Path path) {
        SymbolsPrefetch p = new SymbolsPrefetch(path);
        Thread.ofPlatform().name("kdx-symbols").daemon().start(p.task);
        return p;
    }

    Path path() {
        return path;
    }

    private KernelSymbols open() throws SymbolsException {
        KernelSymbols k = KernelSymbols.open(path);
        synchronized (this) {
            if (!abandoned) return k;
        }
        k.close();
        return null;
    }

    /** The opened symbols (waiting for them), or the opening's failure. */
    KernelSymbols take() throws SymbolsException {
        synchronized (this) {
            taken = true;
        }
        return io.kdx.analyzer.concurrent.Await.result(task, SymbolsException.class);
    }

    /** Nobody will take the symbols: closes them now if they are open, else when their opening ends. */
    void abandon() {
        synchronized (this) {
            if (taken) return;
            abandoned = true;
        }
        if (task.isDone()) {
            try {
                KernelSymbols k = task.get();
                if (k != null) k.close();
            } catch (Exception e) {
                // it failed to open: nothing to close
            }
        }
    }
}
