package io.kdx.dump;

/**
 * How many pfns below {@link Dump#maxPfn()} are in each {@link PageState}.
 *
 * @param present stored pages (PRESENT), not counting {@code zero}
 */
public record PageCounts(long present, long zero, long excluded, long lost, long notInDump) {
    /** Pages a reader gets bytes for: PRESENT and ZERO. */
    public long readable() {
        return present + zero;
    }

    /** Counts by asking {@link Dump#pageState} of every pfn (formats override this with something faster). */
    static PageCounts byState(Dump d) {
        long[] c = new long[PageState.values().length];
        for (long pfn = 0; pfn < d.maxPfn(); pfn++) c[d.pageState(pfn).ordinal()]++;
        return new PageCounts(c[PageState.PRESENT.ordinal()], c[PageState.ZERO.ordinal()], c[PageState.EXCLUDED.ordinal()],
                c[PageState.LOST.ordinal()], c[PageState.NOT_IN_DUMP.ordinal()]);
    }
}
