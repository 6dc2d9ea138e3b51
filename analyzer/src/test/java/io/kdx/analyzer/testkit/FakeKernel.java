package io.kdx.analyzer.testkit;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.dump.Dump;
import io.kdx.dump.DumpMetadata;
import io.kdx.dump.PageState;
import io.kdx.dump.PrStatus;
import io.kdx.dump.VmcoreInfo;
import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.Member;
import io.kdx.symbols.OrcTable;
import io.kdx.symbols.SymbolHit;
import io.kdx.symbols.Type;
import io.kdx.symbols.Types;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * A kernel made of a few byte regions, symbols and {@link FakeTypes}: lets tests lay out kernel
 * objects by hand (from pahole's offsets) and run the readers on them, including layouts of
 * kernels that are not at hand (pre-3.6 s_frozen, 6.6+ 16-bit frozen).
 */
public final class FakeKernel implements Kernel {
    private final TreeMap<Long, byte[]> memory = new TreeMap<>(Long::compareUnsigned);
    private final Map<String, Long> symbols = new HashMap<>();
    private final java.util.Set<Long> lostPages = new java.util.HashSet<>();
    public final FakeTypes types = new FakeTypes();
    public VmcoreInfo vmcoreinfo = VmcoreInfo.EMPTY;
    public String release = "6.1.0-fake";
    public int nrCpus = 1;
    public long[] perCpuOffsets = {0};
    public DumpMetadata metadata = new DumpMetadata("elf", "test", "none", -1, -1, 4096, 1, -1,
            "Linux", "fake", release, "#1", "x86_64", "(none)", false, false, List.of(Path.of("fake.vmcore")));
    private long next = 0xffff888000100000L;

    /** Allocates zeroed memory, page aligned, and returns its address. */
    public long alloc(long size) {
        long a = next;
        memory.put(a, new byte[(int) size]);
        next += (size + 0xfff) & ~0xfffL;
        next += 0x1000; // a guard page: reads past the end fault
        return a;
    }

    public long allocSymbol(String name, long size) {
        long a = alloc(size);
        symbols.put(name, a);
        return a;
    }

    public FakeKernel symbol(String name, long address) {
        symbols.put(name, address);
        return this;
    }

    public FakeKernel vmcoreinfo(String text) {
        vmcoreinfo = VmcoreInfo.parse(text);
        return this;
    }

    /**
     * Loses the page holding {@code address}, as a dump that lacks it: a read touching it faults with
     * the page state {@link PageState#LOST} ({@code absent} in the records). Writes still reach it.
     */
    public FakeKernel lose(long address) {
        lostPages.add(address & ~0xfffL);
        return this;
    }

    private byte[] readable(long a, int len) {
        for (long p = a & ~0xfffL; Long.compareUnsigned(p, a + len) < 0; p += 0x1000) {
            if (lostPages.contains(p)) throw new MemoryFault(Long.compareUnsigned(p, a) > 0 ? p : a, PageState.LOST, "page not in the dump");
        }
        return region(a, len);
    }

    private byte[] region(long a, int len) {
        var e = memory.floorEntry(a);
        if (e == null || Long.compareUnsigned(a - e.getKey() + len, e.getValue().length) > 0) {
            throw new MemoryFault(a, null, "not mapped");
        }
        return e.getValue();
    }

    private int index(long a) {
        return (int) (a - memory.floorKey(a));
    }

    public void put(long a, long value, int width) {
        byte[] r = region(a, width);
        int i = index(a);
        for (int b = 0; b < width; b++) r[i + b] = (byte) (value >>> (8 * b));
    }

    public void putU64(long a, long v) { put(a, v, 8); }
    public void putU32(long a, long v) { put(a, v, 4); }
    public void putU16(long a, long v) { put(a, v, 2); }
    public void putU8(long a, long v) { put(a, v, 1); }

    public void putBytes(long a, byte[] src) {
        byte[] r = region(a, src.length);
        System.arraycopy(src, 0, r, index(a), src.length);
    }

    /** Allocates a NUL-terminated string and returns its address. */
    public long string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        long a = alloc(b.length + 1);
        putBytes(a, b);
        return a;
    }

    private long get(long a, int width) {
        byte[] r = readable(a, width);
        int i = index(a);
        long v = 0;
        for (int b = width - 1; b >= 0; b--) v = (v << 8) | (r[i + b] & 0xff);
        return v;
    }

    @Override public Dump dump() { return new FakeDump(); }
    @Override public KernelSymbols symbols() { return new FakeSymbols(); }
    @Override public Types types() { return types; }
    @Override public long kaslrOffset() { return 0; }
    @Override public long symbol(String name) { return symbols.getOrDefault(name, 0L); }
    @Override public long translate(long vaddr) { return memory.floorKey(vaddr) == null ? -1 : vaddr; }
    @Override public long readU64(long vaddr) { return get(vaddr, 8); }
    @Override public int readU32(long vaddr) { return (int) get(vaddr, 4); }
    @Override public int readU16(long vaddr) { return (int) get(vaddr, 2); }
    @Override public int readU8(long vaddr) { return (int) get(vaddr, 1); }

    @Override
    public void read(long vaddr, byte[] dst, int off, int len) {
        byte[] r = readable(vaddr, len);
        System.arraycopy(r, index(vaddr), dst, off, len);
    }

    @Override
    public String readCString(long vaddr, int max) {
        StringBuilder sb = new StringBuilder();
        var bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < max; i++) {
            int c = readU8(vaddr + i);
            if (c == 0) break;
            bytes.write(c);
        }
        sb.append(bytes.toString(StandardCharsets.UTF_8));
        return sb.toString();
    }

    private Member member(String struct, String path) {
        Type t = types.struct(struct);
        if (t == null) throw new MissingTypeException("struct " + struct);
        Member m = t.member(path);
        if (m == null) throw new MissingTypeException("struct " + struct + " has no member " + path);
        return m;
    }

    @Override public long offsetOf(String struct, String memberPath) { return member(struct, memberPath).offset(); }

    @Override
    public boolean hasMember(String struct, String memberPath) {
        Type t = types.struct(struct);
        return t != null && t.member(memberPath) != null;
    }

    @Override
    public long sizeOf(String struct) {
        Type t = types.struct(struct);
        if (t == null) throw new MissingTypeException("struct " + struct);
        return t.size();
    }

    @Override public int nrCpus() { return nrCpus; }
    @Override public long perCpu(long sym, int cpu) { return sym + perCpuOffsets[cpu]; }
    @Override public String release() { return release; }
    @Override public void close() {}

    private final class FakeSymbols implements KernelSymbols {
        @Override public String buildId() { return null; }
        @Override public String release() { return release; }
        @Override public String banner() { return null; }
        @Override public long address(String name) { return symbols.getOrDefault(name, 0L); }

        @Override
        public SymbolHit lookup(long address) {
            String best = null;
            long bestAddr = 0;
            for (var e : symbols.entrySet()) {
                long a = e.getValue();
                if (Long.compareUnsigned(a, address) <= 0 && (best == null || Long.compareUnsigned(a, bestAddr) > 0)) {
                    best = e.getKey();
                    bestAddr = a;
                }
            }
            return best == null ? null : new SymbolHit(best, bestAddr, 0, address - bestAddr);
        }

        @Override public Types types() { return types; }
        @Override public OrcTable orc() { return null; }
        @Override public Path source() { return Path.of("fake-vmlinux"); }
        @Override public void close() {}
    }

    private final class FakeDump implements Dump {
        @Override public Path path() { return metadata.files().getFirst(); }
        @Override public DumpMetadata metadata() { return metadata; }
        @Override public int pageSize() { return 4096; }
        @Override public long maxPfn() { return 0; }
        @Override public PageState pageState(long pfn) { return PageState.NOT_IN_DUMP; }
        @Override public PageState readPage(long pfn, MemorySegment dst) { return PageState.NOT_IN_DUMP; }
        @Override public void forEachPresentPfn(LongConsumer action) {}
        @Override public long presentPages() { return 0; }
        @Override public List<PrStatus> prstatus() { return List.of(); }
        @Override public VmcoreInfo vmcoreinfo() { return vmcoreinfo; }
        @Override public void close() {}
    }
}
