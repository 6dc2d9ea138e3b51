package io.kdx.symbols;

/**
 * A {@link SymbolsException} met inside a lazily answering method (types(), orc()) whose signature
 * cannot throw it; the message still names the file and the fault.
 */
public final class UncheckedSymbolsException extends RuntimeException {
    public UncheckedSymbolsException(SymbolsException cause) {
        super(cause.getMessage(), cause);
    }

    @Override
    public synchronized SymbolsException getCause() {
        return (SymbolsException) super.getCause();
    }
}
