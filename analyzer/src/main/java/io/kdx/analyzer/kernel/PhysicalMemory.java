package io.kdx.analyzer.kernel;

import io.kdx.dump.Dump;
import io.kdx.dump.PageState;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The dump's physical memory with a direct-mapped cache of decoded pages. A cached page is an
 * immutable (pfn, bytes) pair published through its final fields, so readers on many threads need
 * no lock; a miss decodes the page into a fresh buffer and replaces the slot.
 */
public final class PhysicalMemory {
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** A decoded page; {@code state} says why {@code data} is null. */
    public record Page(long pfn, MemorySegment data, PageState state) {}

    private final Dump dump;
    private final int pageShift;
    private final int pageSize;
    private final Page[] slots;
    private final int mask;
    /** Plain counter: exact on one thread, may lose increments under concurrency (an atomic add per hit costs more than the hit). */
    private long hits;
    private final LongAdder misses = new LongAdder();

    public PhysicalMemory(Dump dump, int cachePages) {
        this.dump = dump;
        this.pageSize = dump.pageSize();
        this.pageShift = Integer.numberOfTrailingZeros(pageSize);
        int n = Integer.highestOneBit(Math.max(16, cachePages));
        this.slots = new Page[n];
        this.mask = n - 1;
    }

    public Dump dump() {
        return dump;
    }

    public int pageSize() {
        return pageSize;
    }

    public int pageShift() {
        return pageShift;
    }

    /** The page holding {@code pfn}: readable (data != null) or the state that says why not. */
    public Page page(long pfn) {
        int i = (int) (pfn ^ (pfn >>> 17)) & mask;
        Page p = slots[i];
        if (p != null && p.pfn == pfn) {
            hits++;
            return p;
        }
        misses.increment();
        if (pfn < 0 || pfn >= dump.maxPfn()) {
            return new Page(pfn, null, PageState.NOT_IN_DUMP);
        }
        byte[] buf = new byte[pageSize];
        MemorySegment seg = MemorySegment.ofArray(buf);
        PageState st = dump.readPage(pfn, seg);
        p = st.readable() ? new Page(pfn, seg, st) : new Page(pfn, null, st);
        slots[i] = p;
        return p;
    }

    /**
     * A 64-bit little-endian word at a physical address that does not cross a page, or
     * {@code fallback} when the page is unreadable (page-table walks use this).
     */
    public long u64OrElse(long paddr, long fallback) {
        Page p = page(paddr >>> pageShift);
        if (p.data == null) return fallback;
        return p.data.get(U64, paddr & (pageSize - 1));
    }

    /** A 32-bit little-endian word at a 4-byte-aligned physical address, or {@code fallback}. */
    public int u32OrElse(long paddr, int fallback) {
        Page p = page(paddr >>> pageShift);
        if (p.data == null) return fallback;
        return p.data.get(U32, paddr & (pageSize - 4));
    }

    public long cacheHits() {
        return hits;
    }

    public long cacheMisses() {
        return misses.sum();
    }
}
