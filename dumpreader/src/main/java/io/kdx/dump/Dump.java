package io.kdx.dump;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * A crash dump seen as physical memory: pages by page frame number (pfn), the CPU register notes,
 * VMCOREINFO and the dump's own metadata. Implementations are read-only, memory-mapped, and safe
 * for concurrent reads from many threads.
 */
public interface Dump extends AutoCloseable {

    /** The file (the first one of a split dump). */
    Path path();

    DumpMetadata metadata();

    int pageSize();

    /** One past the highest pfn the dump describes. */
    long maxPfn();

    /** What the dump says of this pfn, without decompressing anything. */
    PageState pageState(long pfn);

    /**
     * Reads one page into {@code dst} (at least {@link #pageSize()} bytes from offset 0).
     * Returns PRESENT or ZERO when {@code dst} was filled; otherwise {@code dst} is left untouched
     * and the state says why (EXCLUDED, LOST, NOT_IN_DUMP). Hot path: allocates nothing.
     * Throws {@link DumpException} only for a corrupt page (bad descriptor, wrong decompressed size);
     * the exception is not declared (hot loops stay simple), so catch {@code Exception} where it matters
     * and test {@code instanceof DumpException}. Its message names the file and the pfn.
     */
    PageState readPage(long pfn, MemorySegment dst);

    /** Every pfn whose state is PRESENT or ZERO, ascending. */
    void forEachPresentPfn(LongConsumer action);

    /**
     * The lowest pfn at or after {@code pfn} that the dump may describe (below it, every pfn is
     * NOT_IN_DUMP), or {@link #maxPfn()}: lets a scan skip the holes of a sparse dump instead of
     * asking pfn by pfn (an ELF PT_LOAD at 0xfffffffff000 names 2^36 pfns).
     */
    default long nextDescribedPfn(long pfn) {
        return Math.min(Math.max(pfn, 0), maxPfn());
    }

    /** Number of pfns that {@link #forEachPresentPfn} visits. */
    long presentPages();

    /** How many pfns are in each state (kdump: from the bitmaps and one pass over the descriptors). */
    default PageCounts pageCounts() {
        return PageCounts.byState(this);
    }

    /** NT_PRSTATUS of each CPU, in note order (CPU 0 first). */
    List<PrStatus> prstatus();

    /** VMCOREINFO as found in the dump; {@link VmcoreInfo#EMPTY} when it carries none. */
    VmcoreInfo vmcoreinfo();

    /** QEMU's per-vCPU state notes (dump-guest-memory), in note order; empty for other producers. */
    default List<QemuCpuState> qemuCpuStates() {
        return List.of();
    }

    /**
     * phys_base as makedumpfile recorded it in the kdump sub-header; empty for ELF and for QEMU's kdump,
     * whose value is not the kernel's (0 without VMCOREINFO; with it, QEMU 7.2 wrote 0xfffffffb7dcbb6a0
     * where NUMBER(phys_base) said 0xffffffffe3400000 on the frozen-audit fixture). Prefer VMCOREINFO's
     * NUMBER(phys_base) when present.
     */
    default java.util.OptionalLong headerPhysBase() {
        return java.util.OptionalLong.empty();
    }

    /** Hits and misses of the shared cache of decompressed pages ({@link PageCacheStats#NONE} when there is none). */
    default PageCacheStats cacheStats() {
        return PageCacheStats.NONE;
    }

    @Override
    void close();

    /** Opens a dump of any supported format; several files form one split dump. */
    static Dump open(Path... files) throws DumpException {
        return Dumps.open(DumpOptions.defaults(), files);
    }

    /** Opens a dump with explicit chunk and cache sizes. */
    static Dump open(DumpOptions options, Path... files) throws DumpException {
        return Dumps.open(options, files);
    }
}
