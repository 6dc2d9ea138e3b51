package io.kdx.analyzer.kernel;

import io.kdx.dump.Dump;
import io.kdx.dump.DumpMetadata;
import io.kdx.dump.PageState;
import io.kdx.dump.PrStatus;
import io.kdx.dump.VmcoreInfo;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongConsumer;

/** A synthetic dump in memory: 4 KiB pages by pfn, excluded pfns, VMCOREINFO text and CPU notes. */
public final class MemDump implements Dump {
    public static final int PAGE = 4096;
    final Map<Long, byte[]> pages = new HashMap<>();
    final Set<Long> excluded = new HashSet<>();
    final long maxPfn;
    long nextFree;
    public String vmcoreinfo = "";
    public final List<PrStatus> prstatus = new ArrayList<>();
    public int readPageCalls;

    /** Memory of {@code maxPfn} pages; {@link #alloc()} hands out pages from {@code firstFreePfn}. */
    public MemDump(long maxPfn, long firstFreePfn) {
        this.maxPfn = maxPfn;
        this.nextFree = firstFreePfn;
    }

    /** A fresh zeroed page; returns its physical address. */
    public long alloc() {
        long pfn = nextFree++;
        pages.put(pfn, new byte[PAGE]);
        return pfn * PAGE;
    }

    /** Contiguous pages, aligned to {@code align} bytes. */
    public long allocAligned(int count, long align) {
        long pfn = (nextFree * PAGE + align - 1) / align * align / PAGE;
        for (int i = 0; i < count; i++) pages.put(pfn + i, new byte[PAGE]);
        nextFree = pfn + count;
        return pfn * PAGE;
    }

    public void exclude(long phys) {
        pages.remove(phys / PAGE);
        excluded.add(phys / PAGE);
    }

    private ByteBuffer at(long phys) {
        byte[] p = pages.computeIfAbsent(phys / PAGE, x -> new byte[PAGE]);
        return ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).position((int) (phys % PAGE));
    }

    public void put64(long phys, long v) {
        at(phys).putLong(v);
    }

    public void put32(long phys, int v) {
        at(phys).putInt(v);
    }

    public void putBytes(long phys, byte[] b) {
        for (int i = 0; i < b.length; i++) at(phys + i).put(b[i]);
    }

    @Override
    public Path path() {
        return Path.of("synthetic.dump");
    }

    @Override
    public DumpMetadata metadata() {
        return new DumpMetadata("synthetic", "test", "none", -1, -1, PAGE, prstatus.size(), -1, "Linux", null,
                null, null, "x86_64", null, false, false, List.of(path()));
    }

    @Override
    public int pageSize() {
        return PAGE;
    }

    @Override
    public long maxPfn() {
        return maxPfn;
    }

    @Override
    public PageState pageState(long pfn) {
        if (excluded.contains(pfn)) return PageState.EXCLUDED;
        if (pfn >= maxPfn) return PageState.NOT_IN_DUMP;
        return pages.containsKey(pfn) ? PageState.PRESENT : PageState.ZERO;
    }

    @Override
    public PageState readPage(long pfn, MemorySegment dst) {
        readPageCalls++;
        PageState s = pageState(pfn);
        if (s == PageState.PRESENT) MemorySegment.copy(MemorySegment.ofArray(pages.get(pfn)), 0, dst, 0, PAGE);
        else if (s == PageState.ZERO) dst.asSlice(0, PAGE).fill((byte) 0);
        return s;
    }

    @Override
    public void forEachPresentPfn(LongConsumer action) {
        for (long p : new TreeSet<>(pages.keySet())) action.accept(p);
    }

    @Override
    public long presentPages() {
        return pages.size();
    }

    @Override
    public List<PrStatus> prstatus() {
        return prstatus;
    }

    @Override
    public VmcoreInfo vmcoreinfo() {
        return VmcoreInfo.parse(vmcoreinfo);
    }

    @Override
    public void close() {}
}
