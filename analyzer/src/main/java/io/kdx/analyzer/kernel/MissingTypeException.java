package io.kdx.analyzer.kernel;

/** The symbols lack a struct, member or symbol that a reader needs: names what was missing. */
public final class MissingTypeException extends RuntimeException {
    public MissingTypeException(String what) {
        super(what);
    }
}
