package io.kdx.analyzer.kernel;

import io.kdx.analyzer.text.Fmt;
import io.kdx.dump.Dump;
import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.Member;
import io.kdx.symbols.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** {@link Kernel} over a dump: translation, a page cache, and layouts resolved once. */
final class DumpKernel implements Kernel {
    private static final long MISSING = Long.MIN_VALUE;

    private final Dump dump;
    private final KernelSymbols symbols;
    private final Arch arch;
    private final KernelLayout layout;
    private final PhysicalMemory mem;
    private final AddressTranslator tr;
    private final int pageSize;
    private final int pageShift;
    private final ConcurrentHashMap<String, Long> offsets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Class<?>, Object> derived = new ConcurrentHashMap<>();
    private final List<Unreadable> notes = Collections.synchronizedList(new ArrayList<>());
    private final long perCpuStart, perCpuEnd;
    private long[] perCpuOffsets;
    /** The fault of each __per_cpu_offset[cpu] that could not be read (null when read). */
    private MemoryFault[] perCpuFaults;
    private int nrCpus;
    private String release;

    DumpKernel(Dump dump, KernelSymbols symbols, Arch arch, KernelLayout layout, PhysicalMemory mem) {
        this.dump = dump;
        this.symbols = symbols;
        this.arch = arch;
        this.layout = layout;
        this.mem = mem;
        this.tr = arch.translator(layout, mem);
        this.pageSize = mem.pageSize();
        this.pageShift = mem.pageShift();
        // x86_64 SMP links per-CPU variables at offsets from 0 (.data..percpu); they are not relocated.
        this.perCpuStart = symbols.address("__per_cpu_start");
        this.perCpuEnd = symbols.address("__per_cpu_end");
    }

    /** Reads what the rest of the model needs once: CPU count, per-CPU offsets, release. */
    void init() {
        int cpus = 0;
        long nr = symbol("nr_cpu_ids");
        if (nr != 0) {
            try {
                cpus = readU32(nr);
            } catch (MemoryFault f) {
                notes.add(Unreadable.of(Unreadable.KERNEL, "nr_cpu_ids", f, "nr_cpu_ids unreadable: " + f.getMessage()));
            }
        }
        if (cpus <= 0 || cpus > 8192) cpus = Math.max(1, dump.prstatus().size());
        nrCpus = cpus;
        perCpuOffsets = new long[cpus];
        perCpuFaults = new MemoryFault[cpus];
        long pco = symbol("__per_cpu_offset");
        for (int i = 0; i < cpus && pco != 0; i++) {
            try {
                perCpuOffsets[i] = readU64(pco + 8L * i);
            } catch (MemoryFault f) {
                perCpuFaults[i] = f;
                notes.add(Unreadable.of(Unreadable.KERNEL, "__per_cpu_offset[" + i + "]", f, "__per_cpu_offset[" + i + "] unreadable: " + f.getMessage()));
            }
        }
        release = readRelease();
        String vb = dump.vmcoreinfo().buildId();
        String sb = symbols.buildId();
        if (vb != null && sb != null && !vb.equalsIgnoreCase(sb)) {
            notes.add(Unreadable.of(Unreadable.KERNEL, "VMCOREINFO BUILD-ID", "VMCOREINFO BUILD-ID " + vb + " differs from " + symbols.source() + " (" + sb + "): wrong vmlinux?"));
        }
        String banner = symbols.banner();
        long lb = symbol("linux_banner");
        if (banner != null && lb != 0) {
            String inDump;
            try {
                inDump = readCString(lb, Math.min(banner.length() + 1, 512));
            } catch (MemoryFault f) {
                // an unreadable banner page says the dump is damaged or filtered, not that the vmlinux is wrong
                inDump = null;
                notes.add(Unreadable.of(Unreadable.KERNEL, "linux_banner", f, "linux_banner unreadable, so the symbols could not be checked against the dump: " + f.getMessage()));
            }
            if (inDump != null && !banner.startsWith(inDump.strip()) && !inDump.startsWith(banner.strip())) {
                notes.add(Unreadable.of(Unreadable.KERNEL, "linux_banner", "linux_banner in the dump does not match " + symbols.source() + ": wrong vmlinux or wrong KASLR offset"));
            }
        }
    }

    private String readRelease() {
        long uts = symbol("init_uts_ns");
        if (uts != 0 && hasMember("uts_namespace", "name.release")) {
            try {
                String r = readCString(uts + offsetOf("uts_namespace", "name.release"), 65);
                if (!r.isEmpty()) return r;
            } catch (MemoryFault f) {
                notes.add(Unreadable.of(Unreadable.KERNEL, "init_uts_ns.name.release", f, "init_uts_ns unreadable: " + f.getMessage()));
            }
        }
        String r = dump.vmcoreinfo().osRelease();
        return r != null ? r : symbols.release();
    }

    KernelLayout layout() {
        return layout;
    }

    public Arch arch() {
        return arch;
    }

    AddressTranslator translator() {
        return tr;
    }

    PhysicalMemory physicalMemory() {
        return mem;
    }

    @Override
    public Dump dump() {
        return dump;
    }

    @Override
    public KernelSymbols symbols() {
        return symbols;
    }

    @Override
    public long kaslrOffset() {
        return layout.kaslrOffset();
    }

    @Override
    public long symbol(String name) {
        long link = symbols.address(name);
        if (link == 0) return 0;
        // per-CPU symbols are offsets into the per-CPU area, not moved by KASLR; __per_cpu_end, the
        // area's end, is one of them (kallsyms lists it absolute, 'A', as __per_cpu_start)
        if (perCpuStart == 0 && perCpuEnd != 0 && Long.compareUnsigned(link, perCpuEnd) <= 0) return link;
        return link + layout.kaslrOffset();
    }

    @Override
    public long translate(long vaddr) {
        long p = tr.translate(vaddr);
        return p < 0 ? -1 : p;
    }

    private MemoryFault fault(long vaddr, long p) {
        if (p == AddressTranslator.TABLE_UNREADABLE) {
            return new MemoryFault(vaddr, null, MemoryFault.PAGE_TABLE, "a page-table page for this address is unreadable (not in the dump, or corrupt)");
        }
        return new MemoryFault(vaddr, null, MemoryFault.UNMAPPED, "not mapped by the kernel page tables");
    }

    private long phys(long vaddr) {
        long p = tr.translate(vaddr);
        if (p < 0) throw fault(vaddr, p);
        return p;
    }

    @Override
    public long readU64(long vaddr) {
        long p = phys(vaddr);
        if ((p & (pageSize - 1)) > pageSize - 8) return readSlow(vaddr, 8);
        return mem.word(p, vaddr, 8);
    }

    @Override
    public int readU32(long vaddr) {
        long p = phys(vaddr);
        if ((p & (pageSize - 1)) > pageSize - 4) return (int) readSlow(vaddr, 4);
        return (int) mem.word(p, vaddr, 4);
    }

    @Override
    public int readU16(long vaddr) {
        long p = phys(vaddr);
        if ((p & (pageSize - 1)) > pageSize - 2) return (int) readSlow(vaddr, 2);
        return (int) mem.word(p, vaddr, 2);
    }

    @Override
    public int readU8(long vaddr) {
        return (int) mem.word(phys(vaddr), vaddr, 1);
    }

    /** A little-endian value that straddles a page boundary. */
    private long readSlow(long vaddr, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) v |= (long) readU8(vaddr + i) << (8 * i);
        return v;
    }

    @Override
    public void read(long vaddr, byte[] dst, int off, int len) {
        while (len > 0) {
            long p = phys(vaddr);
            int in = (int) (p & (pageSize - 1));
            int n = Math.min(len, pageSize - in);
            mem.copy(p, vaddr, dst, off, n);
            vaddr += n;
            off += n;
            len -= n;
        }
    }

    @Override
    public String readCString(long vaddr, int max) {
        byte[] b = new byte[max];
        int got = 0;
        while (got < max) {
            long p = phys(vaddr + got);
            int in = (int) (p & (pageSize - 1));
            int n = Math.min(max - got, pageSize - in);
            mem.copy(p, vaddr + got, b, got, n);
            for (int i = got; i < got + n; i++) {
                if (b[i] == 0) return new String(b, 0, i, StandardCharsets.UTF_8);
            }
            got += n;
        }
        return new String(b, 0, got, StandardCharsets.UTF_8);
    }

    private long resolveOffset(String struct, String memberPath) {
        String key = struct + '\0' + memberPath;
        Long v = offsets.get(key);
        if (v == null) {
            Type t = symbols.types().kernelStruct(struct);
            Member m = t == null ? null : t.member(memberPath);
            v = m == null ? MISSING : m.offset();
            offsets.putIfAbsent(key, v);
        }
        return v;
    }

    @Override
    public long offsetOf(String struct, String memberPath) {
        long v = resolveOffset(struct, memberPath);
        if (v == MISSING) {
            throw new MissingTypeException("struct " + struct + " has no member " + memberPath + " in " + symbols.source());
        }
        return v;
    }

    @Override
    public boolean hasMember(String struct, String memberPath) {
        return resolveOffset(struct, memberPath) != MISSING;
    }

    @Override
    public long sizeOf(String struct) {
        Type t = symbols.types().kernelStruct(struct);
        if (t == null || t.size() < 0) throw new MissingTypeException("no struct " + struct + " in " + symbols.source());
        return t.size();
    }

    @Override
    public int nrCpus() {
        return nrCpus;
    }

    @Override
    public long perCpu(long percpuSymbolAddress, int cpu) {
        if (cpu < 0 || cpu >= perCpuOffsets.length) {
            throw new IndexOutOfBoundsException("cpu " + cpu + " of " + perCpuOffsets.length);
        }
        MemoryFault f = perCpuFaults[cpu];
        if (f != null) { // the CPU's per-CPU area is unknown: its variables are not at their link offsets
            throw new MemoryFault(f.address(), f.state(), f.pageState(), Fmt.format(
                    "__per_cpu_offset[%d] unreadable, so the per-CPU data of CPU %d cannot be found", cpu, cpu));
        }
        return percpuSymbolAddress + perCpuOffsets[cpu];
    }

    @Override
    public String release() {
        return release;
    }

    @Override
    public List<String> notes() {
        return Unreadable.texts(unreadable());
    }

    @Override
    public List<Unreadable> unreadable() {
        synchronized (notes) {
            return List.copyOf(notes);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T cached(Class<T> key, Function<Kernel, T> make) {
        Object v = derived.get(key);
        if (v == null) {
            v = make.apply(this);
            Object prev = derived.putIfAbsent(key, v);
            if (prev != null) v = prev;
        }
        return (T) v;
    }

    @Override
    public void close() {
        // The dump and symbols belong to whoever opened them.
    }
}
