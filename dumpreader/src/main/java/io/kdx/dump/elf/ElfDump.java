package io.kdx.dump.elf;

import io.kdx.dump.BaseDump;
import io.kdx.dump.DumpException;
import io.kdx.dump.DumpMetadata;
import io.kdx.dump.DumpOptions;
import io.kdx.dump.PageCounts;
import io.kdx.dump.PageState;
import io.kdx.dump.io.MappedFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * An ELF64 vmcore (/proc/vmcore saved by kdump, makedumpfile -E, QEMU dump-guest-memory with or without
 * paging) read as physical memory through its PT_LOAD segments' p_paddr. The segments are turned once
 * into sorted, non-overlapping runs (see {@link ElfRuns}); a page is one binary search and one copy.
 */
public final class ElfDump extends BaseDump {
    /** makedumpfile sets bit 0 of e_flags on an ELF dump it could not finish (DUMP_ELF_INCOMPLETE). */
    static final int DUMP_ELF_INCOMPLETE = 1;
    /** Physical addresses have at most 52 bits (x86_64 and arm64 MAX_PHYSMEM_BITS with 5-level/LPA). */
    static final long MAX_PHYS = 1L << 52;

    private final MappedFile file;
    private final ElfRuns runs;
    private final long maxPfn;
    private volatile long presentPages = -1; // counted at first use: a truncated dump needs a walk

    private ElfDump(Arena arena, MappedFile file, ElfHeader eh, ElfRuns runs, ElfNotes notes) throws DumpException {
        super(arena, file.path());
        this.file = file;
        this.runs = runs;
        this.prstatus = List.copyOf(notes.prstatus);
        this.qemu = List.copyOf(notes.qemu);
        this.vmcoreinfo = notes.vmcoreInfo();
        int vmPage = vmcoreinfo.pageSize();
        setPageSize(file.path(), vmPage > 0 ? vmPage : 4096);
        long end = runs.count() == 0 ? 0 : runs.end(runs.count() - 1);
        this.maxPfn = (end + pageSize - 1) >>> pageShift;
        boolean truncated = runs.fileEnd() > file.size();
        int cpus = Math.max(prstatus.size(), qemu.size());
        // QEMU writes "QEMU" notes and (7.2) section headers with e_ehsize = 8; makedumpfile -E copies the
        // notes but writes a plain header; /proc/vmcore has no QEMU notes. Unknown otherwise.
        String producer = !qemu.isEmpty() && (eh.ehsize() != 64 || eh.shnum() != 0) ? "qemu" : null;
        this.metadata = new DumpMetadata("elf", producer, "none", -1, -1, pageSize, cpus, -1,
                null, null, vmcoreinfo.osRelease(), null, machineName(eh.machine()), null,
                (eh.flags() & DUMP_ELF_INCOMPLETE) != 0, truncated, List.of(file.path()));
    }

    /** Opens {@code path}, already known to start with the ELF magic. */
    public static ElfDump open(Path path, DumpOptions options) throws DumpException {
        Arena arena = Arena.ofShared();
        try {
            MappedFile f = MappedFile.map(path, arena, options.chunkSize());
            ElfHeader eh = ElfHeader.read(f);
            ElfNotes notes = new ElfNotes();
            ElfRuns.Builder b = new ElfRuns.Builder();
            for (int i = 0; i < eh.phnum(); i++) {
                long ph = eh.phoff() + (long) i * eh.phentsize();
                int type = f.getInt(ph);
                long offset = f.getLong(ph + 8), paddr = f.getLong(ph + 24);
                long filesz = f.getLong(ph + 32), memsz = f.getLong(ph + 40);
                if (type == ElfHeader.PT_NOTE) {
                    if (offset < 0 || offset >= f.size()) continue;
                    notes.parse(f, offset, filesz);
                } else if (type == ElfHeader.PT_LOAD) {
                    if (memsz == 0 || paddr == -1L) continue; // no physical address (e.g. a vmalloc segment)
                    if (filesz < 0 || memsz < 0 || Long.compareUnsigned(filesz, memsz) > 0 || offset < 0
                            || paddr < 0 || paddr + memsz < paddr || paddr + memsz > MAX_PHYS) {
                        throw new DumpException(path, "PT_LOAD #" + i + " is malformed (offset " + offset
                                + ", paddr 0x" + Long.toHexString(paddr) + ", filesz " + filesz + ", memsz " + memsz + ")");
                    }
                    b.add(paddr, memsz, offset, filesz);
                }
            }
            return new ElfDump(arena, f, eh, b.build(), notes);
        } catch (DumpException e) {
            arena.close();
            throw e;
        } catch (IndexOutOfBoundsException e) {
            arena.close();
            throw new DumpException(path, "ELF headers run past the end of the file (truncated?)");
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    @Override
    public long maxPfn() {
        return maxPfn;
    }

    @Override
    public PageState pageState(long pfn) {
        if (pfn < 0 || pfn >= maxPfn) return PageState.NOT_IN_DUMP;
        long pa = pfn << pageShift, pe = pa + pageSize;
        int i = runs.find(pa);
        if (i < 0) return PageState.NOT_IN_DUMP;
        boolean any = false, data = false;
        for (; i < runs.count() && runs.start(i) < pe; i++) {
            if (runs.end(i) <= pa) continue;
            any = true;
            long s = Math.max(pa, runs.start(i)), e = Math.min(pe, runs.dataEnd(i));
            if (s < e) {
                data = true;
                if (runs.fileOffset(i) + (e - runs.start(i)) > file.size()) return PageState.LOST;
            }
        }
        if (!any) return PageState.NOT_IN_DUMP;
        return data ? PageState.PRESENT : PageState.ZERO;
    }

    @Override
    public PageState readPage(long pfn, MemorySegment dst) {
        if (pfn < 0 || pfn >= maxPfn) return PageState.NOT_IN_DUMP;
        long pa = pfn << pageShift, pe = pa + pageSize;
        int i = runs.find(pa);
        if (i < 0) return PageState.NOT_IN_DUMP;
        // fast path: one run holds the whole page in the file
        if (runs.start(i) <= pa && pe <= runs.dataEnd(i)) {
            long off = runs.fileOffset(i) + (pa - runs.start(i));
            if (off + pageSize <= file.size()) {
                file.copy(off, dst, 0, pageSize);
                return PageState.PRESENT;
            }
            return PageState.LOST;
        }
        PageState st = pageState(pfn);
        if (!st.readable()) return st;
        dst.asSlice(0, pageSize).fill((byte) 0);
        for (; i < runs.count() && runs.start(i) < pe; i++) {
            long s = Math.max(pa, runs.start(i)), e = Math.min(pe, runs.dataEnd(i));
            if (s < e) file.copy(runs.fileOffset(i) + (s - runs.start(i)), dst, s - pa, e - s);
        }
        return st;
    }

    private long countPresent() {
        // a truncated dump: counted from the runs (pfn by pfn, a large p_memsz took minutes: ElfFuzzTest)
        if (runs.fileEnd() > file.size()) return pageCounts().readable();
        long n = 0, last = -1;
        for (int i = 0; i < runs.count(); i++) {
            long first = Math.max(runs.start(i) >>> pageShift, last + 1);
            long lastPfn = (runs.end(i) - 1) >>> pageShift;
            if (lastPfn >= first) n += lastPfn - first + 1;
            last = Math.max(last, lastPfn);
        }
        return n;
    }

    @Override
    public void forEachPresentPfn(LongConsumer action) {
        long last = -1, size = file.size();
        for (int i = 0; i < runs.count(); i++) {
            long s = runs.start(i), de = Math.max(s, Math.min(runs.dataEnd(i), runs.end(i)));
            long fo = runs.fileOffset(i);
            // file bytes of this run that exist: [s, valid); [valid, de) lies past the end of the file
            long valid = fo + (de - s) <= size ? de : s + Math.max(0, size - fo);
            long first = Math.max(s >>> pageShift, last + 1);
            long lastPfn = (runs.end(i) - 1) >>> pageShift;
            for (long p = first; p <= lastPfn; p++) {
                long pa = p << pageShift, pe = pa + pageSize;
                if (valid == de || pe <= valid || pa >= de) {
                    action.accept(p);
                } else if (pa >= valid && pe <= de) {
                    p = Math.max(p, (de >>> pageShift) - 1); // the whole window is lost: skip it
                } else if (pageState(p).readable()) {
                    action.accept(p);
                }
            }
            last = Math.max(last, lastPfn);
        }
    }

    /**
     * From the runs, not pfn by pfn: a PT_LOAD far up (a damaged p_paddr of 0xfffffffff000 names
     * 2^36 pfns) costs as much as a small one. Pages wholly inside one stretch of a run (file data,
     * data past the file's end, p_filesz..p_memsz zeros) are counted by arithmetic; only the pages
     * that straddle a boundary ask {@link #pageState}.
     */
    @Override
    public PageCounts pageCounts() {
        long[] c = new long[PageState.values().length];
        long last = -1, size = file.size();
        for (int i = 0; i < runs.count(); i++) {
            long s = runs.start(i), e = runs.end(i), de = Math.max(s, Math.min(runs.dataEnd(i), e));
            long fo = runs.fileOffset(i);
            long valid = fo + (de - s) <= size ? de : Math.min(de, s + Math.max(0, size - fo));
            long[] from = {s, valid, de};
            long[] to = {valid, de, e};
            PageState[] st = {PageState.PRESENT, PageState.LOST, PageState.ZERO};
            long lastPfn = (e - 1) >>> pageShift;
            for (long p = Math.max(s >>> pageShift, last + 1); p <= lastPfn; ) {
                long pa = p << pageShift, pe = pa + pageSize;
                long n = 0;
                for (int k = 0; k < 3 && n == 0; k++) {
                    if (from[k] <= pa && pe <= to[k]) {
                        n = Math.min((to[k] >>> pageShift) - p, lastPfn + 1 - p);
                        c[st[k].ordinal()] += n;
                    }
                }
                if (n == 0) {
                    c[pageState(p).ordinal()]++;
                    n = 1;
                }
                p += n;
            }
            last = Math.max(last, lastPfn);
        }
        long notInDump = maxPfn - c[PageState.PRESENT.ordinal()] - c[PageState.ZERO.ordinal()] - c[PageState.LOST.ordinal()];
        return new PageCounts(c[PageState.PRESENT.ordinal()], c[PageState.ZERO.ordinal()], 0, c[PageState.LOST.ordinal()], notInDump);
    }

    @Override
    public long nextDescribedPfn(long pfn) {
        if (pfn >= maxPfn) return maxPfn;
        int i = runs.find(Math.max(pfn, 0) << pageShift);
        if (i < 0) return maxPfn;
        return Math.max(pfn, runs.start(i) >>> pageShift);
    }

    @Override
    public long presentPages() {
        long n = presentPages;
        if (n < 0) presentPages = n = countPresent();
        return n;
    }
}
