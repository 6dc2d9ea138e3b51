package io.kdx.analyzer.concurrent;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The result of work started on another thread, as if it had run on this one: waits through
 * interrupts (the caller needs the result; the interrupt is set again after), and throws the
 * work's own failure, not an ExecutionException around it.
 */
public final class Await {
    private Await() {}

    /**
     * {@code f}'s result; its failure rethrown as it was when it is a {@code checked}, a
     * RuntimeException or an Error, else wrapped in an IllegalStateException.
     */
    public static <T, X extends Exception> T result(Future<T> f, Class<X> checked) throws X {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (checked.isInstance(c)) throw checked.cast(c);
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new IllegalStateException(c);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
