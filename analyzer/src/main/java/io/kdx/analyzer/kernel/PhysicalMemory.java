package io.kdx.analyzer.kernel;

import io.kdx.analyzer.text.Fmt;
import io.kdx.dump.Dump;
import io.kdx.dump.PageState;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The dump's physical memory with a direct-mapped cache of decoded pages that allocates nothing
 * once its slots are in use. Each slot has a buffer (allocated on its first fill) and a version (a seqlock, like
 * StampedLock's optimistic reads): a writer takes the slot by moving its version from even to odd,
 * decodes the page into the buffer and publishes it with the next even version; a reader reads
 * from the buffer and keeps the value only if the version did not change meanwhile. A miss that
 * finds its slot being written decodes into a per-thread scratch page instead of waiting.
 */
public final class PhysicalMemory {
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle VERSION = MethodHandles.arrayElementVarHandle(long[].class);

    private final Dump dump;
    private final int pageShift;
    private final int pageSize;
    private final long maxPfn;
    private final MemorySegment[] bufs;
    private final long[] pfns;
    private final long[] versions;
    private final int mask;
    private final ThreadLocal<MemorySegment> scratch;
    /** Plain counter: exact on one thread, may lose increments under concurrency (an atomic add per hit costs more than the hit). */
    private long hits;
    private final LongAdder misses = new LongAdder();

    public PhysicalMemory(Dump dump, int cachePages) {
        this.dump = dump;
        this.pageSize = dump.pageSize();
        this.pageShift = Integer.numberOfTrailingZeros(pageSize);
        this.maxPfn = dump.maxPfn();
        int n = Integer.highestOneBit(Math.max(16, cachePages));
        this.bufs = new MemorySegment[n]; // each allocated on its slot's first fill, then reused
        this.pfns = new long[n];
        java.util.Arrays.fill(pfns, -1);
        this.versions = new long[n];
        this.mask = n - 1;
        this.scratch = ThreadLocal.withInitial(() -> MemorySegment.ofArray(new byte[pageSize]));
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

    private int slot(long pfn) {
        return (int) (pfn ^ (pfn >>> 17)) & mask;
    }

    /**
     * Little-endian value of 1, 2, 4 or 8 bytes at a physical address (not crossing a page).
     * Throws {@link MemoryFault} naming {@code vaddr} when the dump does not hold the page.
     */
    public long word(long paddr, long vaddr, int size) {
        long pfn = paddr >>> pageShift;
        int off = (int) (paddr & (pageSize - 1));
        int i = slot(pfn);
        long v1 = (long) VERSION.getAcquire(versions, i);
        if ((v1 & 1) == 0 && pfns[i] == pfn) {
            long val = get(bufs[i], off, size);
            VarHandle.acquireFence();
            if ((long) VERSION.getAcquire(versions, i) == v1) {
                hits++;
                return val;
            }
        }
        misses.increment();
        MemorySegment seg = fill(pfn, i, vaddr, paddr);
        long val = get(seg, off, size);
        if (seg == bufs[i]) release(i);
        return val;
    }

    /** Copies {@code n} bytes of one page; throws {@link MemoryFault} naming {@code vaddr} when unreadable. */
    public void copy(long paddr, long vaddr, byte[] dst, int dstOff, int n) {
        long pfn = paddr >>> pageShift;
        int off = (int) (paddr & (pageSize - 1));
        int i = slot(pfn);
        long v1 = (long) VERSION.getAcquire(versions, i);
        if ((v1 & 1) == 0 && pfns[i] == pfn) {
            MemorySegment.copy(bufs[i], ValueLayout.JAVA_BYTE, off, dst, dstOff, n);
            VarHandle.acquireFence();
            if ((long) VERSION.getAcquire(versions, i) == v1) {
                hits++;
                return;
            }
        }
        misses.increment();
        MemorySegment seg = fill(pfn, i, vaddr, paddr);
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, off, dst, dstOff, n);
        if (seg == bufs[i]) release(i);
    }

    /** A 64-bit word at a physical address (page-table walks), or {@code fallback} when unreadable. */
    public long u64OrElse(long paddr, long fallback) {
        try {
            return word(paddr & ~7L, paddr, 8);
        } catch (MemoryFault f) {
            return fallback;
        }
    }

    /** A 32-bit word at a 4-byte-aligned physical address, or {@code fallback} when unreadable. */
    public int u32OrElse(long paddr, int fallback) {
        try {
            return (int) word(paddr & ~3L, paddr, 4);
        } catch (MemoryFault f) {
            return fallback;
        }
    }

    private static long get(MemorySegment s, int off, int size) {
        return switch (size) {
            case 8 -> s.get(U64, off);
            case 4 -> s.get(U32, off) & 0xffff_ffffL;
            case 2 -> s.get(U16, off) & 0xffffL;
            default -> s.get(ValueLayout.JAVA_BYTE, off) & 0xffL;
        };
    }

    /**
     * Decodes the page: into slot {@code i}, left held (odd version) for the caller to read and
     * {@link #release}; or, when another thread holds the slot, into this thread's scratch page.
     */
    private MemorySegment fill(long pfn, int i, long vaddr, long paddr) {
        if (pfn < 0 || pfn >= maxPfn) throw fault(vaddr, paddr, PageState.NOT_IN_DUMP);
        long v = (long) VERSION.getAcquire(versions, i);
        if ((v & 1) == 0 && VERSION.compareAndSet(versions, i, v, v + 1)) {
            PageState st;
            try {
                if (bufs[i] == null) bufs[i] = MemorySegment.ofArray(new byte[pageSize]);
                st = dump.readPage(pfn, bufs[i]);
            } catch (Exception e) { // Dump.readPage raises a corrupt page's DumpException undeclared
                pfns[i] = -1;
                VERSION.setRelease(versions, i, v + 2);
                throw corrupt(vaddr, paddr, e);
            }
            if (!st.readable()) {
                pfns[i] = -1;
                VERSION.setRelease(versions, i, v + 2);
                throw fault(vaddr, paddr, st);
            }
            pfns[i] = pfn;
            return bufs[i];
        }
        MemorySegment s = scratch.get();
        PageState st;
        try {
            st = dump.readPage(pfn, s);
        } catch (Exception e) {
            throw corrupt(vaddr, paddr, e);
        }
        if (!st.readable()) throw fault(vaddr, paddr, st);
        return s;
    }

    /** Publishes a slot that {@link #fill} left held. */
    private void release(int i) {
        long v = (long) VERSION.getAcquire(versions, i);
        VERSION.setRelease(versions, i, v + 1);
    }

    /**
     * One corrupt page (a bad descriptor, data that does not decompress) is one unreadable page, as a
     * filtered one is: the analysis goes on and names it. Anything but a {@link DumpException} is a bug
     * and is rethrown.
     */
    private static RuntimeException corrupt(long vaddr, long paddr, Exception e) {
        if (!(e instanceof io.kdx.dump.DumpException)) {
            if (e instanceof RuntimeException r) return r;
            return new IllegalStateException(e);
        }
        String msg = e.getMessage();
        int colon = msg.indexOf(": "); // drop the file name the dump's message starts with: the report names the dump once
        return new MemoryFault(vaddr, PageState.CORRUPT, Fmt.format("physical 0x%x corrupt in the dump (%s)", paddr,
                colon > 0 ? msg.substring(colon + 2) : msg));
    }

    private MemoryFault fault(long vaddr, long paddr, PageState st) {
        String why = switch (st) {
            case EXCLUDED -> "filtered out of the dump (makedumpfile -d)";
            case LOST -> "lost: the dump is incomplete";
            case NOT_IN_DUMP -> "beyond the memory the dump describes";
            case CORRUPT -> "corrupt in the dump";
            default -> st.toString();
        };
        // a truncated file lost its pages past the end: say so in the page's state
        return new MemoryFault(vaddr, st, MemoryFault.nameOf(st, dump.metadata().truncated()), Fmt.format("physical 0x%x %s", paddr, why));
    }

    public long cacheHits() {
        return hits;
    }

    public long cacheMisses() {
        return misses.sum();
    }
}
