package io.kdx.analyzer.crash;

import io.kdx.dump.Dump;
import io.kdx.dump.DumpMetadata;
import io.kdx.dump.PageCacheStats;
import io.kdx.dump.PageState;
import io.kdx.dump.PrStatus;
import io.kdx.dump.QemuCpuState;
import io.kdx.dump.VmcoreInfo;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * crash's {@code --zero_excluded}: the dump as crash reads it with that option, where a page that
 * makedumpfile filtered out (EXCLUDED) or that an incomplete dump lost (LOST) reads as zeros instead
 * of failing. Pages the dump describes no RAM for (NOT_IN_DUMP) still fail, as in crash. Used only by
 * the crash front; kdx's own commands always say what they could not read.
 */
final class ZeroExcludedDump implements Dump {
    private final Dump d;

    ZeroExcludedDump(Dump d) {
        this.d = d;
    }

    private static boolean zeroed(PageState s) {
        return s == PageState.EXCLUDED || s == PageState.LOST;
    }

    @Override
    public PageState pageState(long pfn) {
        PageState s = d.pageState(pfn);
        return zeroed(s) ? PageState.ZERO : s;
    }

    @Override
    public PageState readPage(long pfn, MemorySegment dst) {
        PageState s = d.readPage(pfn, dst);
        if (!zeroed(s)) return s;
        dst.asSlice(0, d.pageSize()).fill((byte) 0);
        return PageState.ZERO;
    }

    @Override
    public Path path() {
        return d.path();
    }

    @Override
    public DumpMetadata metadata() {
        return d.metadata();
    }

    @Override
    public int pageSize() {
        return d.pageSize();
    }

    @Override
    public long maxPfn() {
        return d.maxPfn();
    }

    @Override
    public void forEachPresentPfn(LongConsumer action) {
        d.forEachPresentPfn(action);
    }

    @Override
    public long nextDescribedPfn(long pfn) {
        return d.nextDescribedPfn(pfn);
    }

    @Override
    public long presentPages() {
        return d.presentPages();
    }

    @Override
    public List<PrStatus> prstatus() {
        return d.prstatus();
    }

    @Override
    public VmcoreInfo vmcoreinfo() {
        return d.vmcoreinfo();
    }

    @Override
    public List<QemuCpuState> qemuCpuStates() {
        return d.qemuCpuStates();
    }

    @Override
    public OptionalLong headerPhysBase() {
        return d.headerPhysBase();
    }

    @Override
    public PageCacheStats cacheStats() {
        return d.cacheStats();
    }

    @Override
    public void close() {
        d.close();
    }
}
