package io.kdx.analyzer.cli;

/** A user's input that kdx cannot use (not a bug in kdx): reported in one line, exit code 3. */
public class InputException extends RuntimeException {
    public InputException(String message) {
        super(message);
    }
}
