package io.kdx.dump;

/**
 * {@link Dump#readPage} is declared without {@code throws} so that hot loops stay simple, yet a
 * corrupt page must surface as the {@link DumpException} the contract promises: it is thrown
 * unchecked-style and reaches the CLI's handler as itself.
 */
public final class Sneaky {
    private Sneaky() {}

    @SuppressWarnings("unchecked")
    public static <E extends Throwable> RuntimeException raise(Throwable t) throws E {
        throw (E) t;
    }
}
