package io.kdx.dump.kdump;

import io.kdx.dump.BaseDump;
import io.kdx.dump.DumpException;
import io.kdx.dump.DumpMetadata;
import io.kdx.dump.DumpOptions;
import io.kdx.dump.PageCacheStats;
import io.kdx.dump.PageCounts;
import io.kdx.dump.PageState;
import io.kdx.dump.Sneaky;
import io.kdx.dump.VmcoreInfo;
import io.kdx.dump.cache.PageCache;
import io.kdx.dump.codec.PageCodec;
import io.kdx.dump.codec.PageDecompressor;
import io.kdx.dump.elf.ElfNotes;
import io.kdx.dump.io.ByteSource;
import io.kdx.dump.io.MappedFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * makedumpfile's compressed kdump ("KDUMP   "), in its normal, flattened (-F) or split (--split) form,
 * including QEMU's dump-guest-memory -z. A pfn's state comes from the two bitmaps (RAM, dumpable); a
 * dumpable pfn's descriptor is found by its rank among dumpable pfns (precomputed popcount index, see
 * {@link Bitmap}); split parts each hold the descriptors of their own [start_pfn, end_pfn).
 */
public final class KdumpDump extends BaseDump {
    private final KdumpFile[] files; // sorted by startPfn
    private final Bitmap ram, dumpable;
    private final long maxMapnr;
    private final PageCache cache;
    private final boolean mayLose; // some dumpable pfn may read as LOST
    private final long physBase;
    private volatile long presentPages = -1;

    private KdumpDump(Arena arena, KdumpFile[] files, Bitmap ram, Bitmap dumpable, ElfNotes notes, VmcoreInfo vi,
            DumpOptions options) throws DumpException {
        super(arena, files[0].path());
        KdumpHeader h = files[0].h;
        setPageSize(files[0].path(), h.blockSize());
        this.files = files.clone();
        Arrays.sort(this.files, (a, b) -> Long.compare(a.h.startPfn(), b.h.startPfn())); // a plain lambda, not Comparator.comparing*: that one is serializable, spun at run time (outside the AOT cache)
        this.ram = ram;
        this.dumpable = dumpable;
        this.maxMapnr = h.maxMapnr();
        this.physBase = h.physBase();
        this.prstatus = List.copyOf(notes.prstatus);
        this.qemu = List.copyOf(notes.qemu);
        this.vmcoreinfo = vi;
        int codecs = 0;
        boolean truncated = false, incomplete = false;
        long covered = 0;
        for (KdumpFile f : this.files) {
            f.layout(dumpable, pageSize);
            truncated |= f.truncated;
            incomplete |= f.h.incomplete();
            codecs |= f.h.status() & PageCodec.ANY;
            if (f.h.startPfn() > covered && dumpable.rank(f.h.startPfn()) > dumpable.rank(covered)) truncated = true;
            covered = Math.max(covered, f.h.endPfn());
        }
        if (covered < maxMapnr && dumpable.rank(maxMapnr) > dumpable.rank(covered)) truncated = true; // a split part is missing
        this.mayLose = truncated || incomplete;
        this.cache = new PageCache(arena, pageSize, codecs == 0 ? 0 : options.cachePages());
        String format = files.length > 1 || h.split() ? "kdump-split" : files[0].flattened ? "kdump-flattened" : "kdump";
        String release = h.uts(2) != null ? h.uts(2) : vi.osRelease();
        List<Path> paths = new ArrayList<>();
        for (KdumpFile f : this.files) paths.add(f.path());
        // QEMU fills only utsname.machine; makedumpfile copies the whole utsname (and also QEMU's notes)
        String producer = h.uts(0) == null && h.uts(4) != null ? "qemu" : "makedumpfile";
        List<String> damage = new ArrayList<>();
        for (KdumpFile f : this.files) if (f.damage != null) damage.add(f.damage);
        this.metadata = new DumpMetadata(format, producer, PageCodec.name(codecs),
                h.version(), h.dumpLevel(), pageSize, h.nrCpus() > 0 ? h.nrCpus() : prstatus.size(), h.timestampSeconds(),
                h.uts(0), h.uts(1), release, h.uts(3), h.uts(4), h.uts(5), incomplete, truncated, List.copyOf(paths),
                List.copyOf(damage));
    }

    public static KdumpDump open(DumpOptions options, Path... paths) throws DumpException {
        Arena arena = Arena.ofShared();
        try {
            KdumpFile[] files = new KdumpFile[paths.length];
            for (int i = 0; i < paths.length; i++) files[i] = openFile(paths[i], arena, options);
            KdumpHeader h0 = files[0].h;
            for (int i = 1; i < files.length; i++) {
                KdumpHeader h = files[i].h;
                if (!h.split() || !h0.split()) throw new DumpException(paths[i], "several files given, but not all are parts of a makedumpfile --split dump");
                if (h.maxMapnr() != h0.maxMapnr() || h.blockSize() != h0.blockSize() || h.bitmapBlocks() != h0.bitmapBlocks()) {
                    throw new DumpException(paths[i], "split part of another dump than " + paths[0] + " (max_mapnr, block_size or bitmap size differ)");
                }
            }
            for (int i = 0; i < files.length; i++) {
                for (int j = i + 1; j < files.length; j++) {
                    KdumpHeader a = files[i].h, b = files[j].h;
                    if (a.startPfn() < b.endPfn() && b.startPfn() < a.endPfn()) {
                        throw new DumpException(paths[j], "split part overlaps " + paths[i] + " (pfns [" + b.startPfn() + ", " + b.endPfn() + "))");
                    }
                }
            }
            Bitmap[] bm = bitmaps(files[0], arena);
            ElfNotes notes = new ElfNotes();
            ByteSource s0 = files[0].src;
            if (h0.version() >= 4 && h0.sizeNote() > 0 && s0.contains(h0.offsetNote(), 0)) notes.parse(s0, h0.offsetNote(), h0.sizeNote());
            VmcoreInfo vi = notes.vmcoreInfo();
            if (vi.isEmpty() && h0.version() >= 3 && h0.sizeVmcoreinfo() > 0 && h0.sizeVmcoreinfo() < (1 << 20)
                    && s0.contains(h0.offsetVmcoreinfo(), h0.sizeVmcoreinfo())) {
                byte[] b = new byte[(int) h0.sizeVmcoreinfo()];
                s0.copy(h0.offsetVmcoreinfo(), b, 0, b.length);
                vi = VmcoreInfo.parse(new String(b, java.nio.charset.StandardCharsets.UTF_8));
            }
            return new KdumpDump(arena, files, bm[0], bm[1], notes, vi, options);
        } catch (DumpException e) {
            arena.close();
            throw e;
        } catch (IndexOutOfBoundsException e) {
            arena.close();
            throw new DumpException(paths[0], "kdump headers run past the end of the file (truncated?)");
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static KdumpFile openFile(Path p, Arena arena, DumpOptions options) throws DumpException {
        MappedFile m = MappedFile.map(p, arena, options.chunkSize());
        boolean flat = FlattenedFile.isFlattened(m);
        ByteSource src = flat ? FlattenedFile.index(m) : m;
        if (src.size() < 8 || !"KDUMP   ".equals(ascii(src, 0, 8))) {
            throw new DumpException(p, flat ? "flattened file does not hold a kdump ('KDUMP   ' signature missing)" : "not a kdump file");
        }
        return new KdumpFile(m, src, KdumpHeader.read(src), flat);
    }

    private static String ascii(ByteSource s, long off, int n) {
        byte[] b = new byte[n];
        s.copy(off, b, 0, n);
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** The RAM and dumpable bitmaps; an old single-bitmap file uses one for both (crash's dump_is_partial). */
    private static Bitmap[] bitmaps(KdumpFile f, Arena arena) throws DumpException {
        KdumpHeader h = f.h;
        long len = h.bitmapBlocks() * h.blockSize();
        long need = (h.maxMapnr() + 7) / 8;
        long needBlocks = (need + h.blockSize() - 1) / h.blockSize();
        if (!f.src.contains(h.bitmapOffset(), len)) {
            throw new DumpException(f.path(), "truncated: the bitmaps (" + len + " bytes at offset " + h.bitmapOffset() + ") run past the end of the file");
        }
        boolean two = h.bitmapBlocks() >= needBlocks * 2;
        if (!two && h.bitmapBlocks() < needBlocks) {
            throw new DumpException(f.path(), "bitmap of " + len + " bytes is too small for max_mapnr " + h.maxMapnr());
        }
        long half = two ? len / 2 : len;
        MemorySegment first = segment(f, arena, h.bitmapOffset(), half);
        Bitmap ram = new Bitmap(first, h.maxMapnr());
        Bitmap dump = two ? new Bitmap(segment(f, arena, h.bitmapOffset() + half, half), h.maxMapnr()) : ram;
        return new Bitmap[] {ram, dump};
    }

    /** A mapped slice when the bytes lie in one chunk and fill whole words, else an off-heap copy. */
    private static MemorySegment segment(KdumpFile f, Arena arena, long off, long len) {
        if (!f.flattened && (len & 7) == 0) {
            MemorySegment s = f.mapped.sliceOrNull(off, len);
            if (s != null) return s;
        }
        MemorySegment m = arena.allocate((len + 7) & ~7L, 8);
        f.src.copy(off, m, 0, len);
        return m;
    }

    @Override
    public long maxPfn() {
        return maxMapnr;
    }

    public long physBase() {
        return physBase;
    }

    private KdumpFile fileFor(long pfn) {
        KdumpFile[] fs = files;
        if (fs.length == 1) return pfn < fs[0].h.endPfn() && pfn >= fs[0].h.startPfn() ? fs[0] : null;
        for (KdumpFile f : fs) if (pfn >= f.h.startPfn() && pfn < f.h.endPfn()) return f;
        return null;
    }

    @Override
    public PageState pageState(long pfn) {
        if (pfn < 0 || pfn >= maxMapnr) return PageState.NOT_IN_DUMP;
        if (!dumpable.get(pfn)) return ram.get(pfn) ? PageState.EXCLUDED : PageState.NOT_IN_DUMP;
        KdumpFile f = fileFor(pfn);
        if (f == null) return PageState.LOST;
        long d = f.h.descriptorOffset() + (dumpable.rank(pfn) - f.rankBase) * KdumpFile.DESC_SIZE;
        if (!f.src.contains(d, KdumpFile.DESC_SIZE)) return PageState.LOST;
        long off = f.src.getLong(d);
        long size = f.src.getInt(d + 8) & 0xffffffffL;
        int flags = f.src.getInt(d + 12);
        if (off == 0) return PageState.LOST;
        if (off == f.zeroPage && size == pageSize && (flags & PageCodec.ANY) == 0) return PageState.ZERO;
        if (f.truncated && !f.src.contains(off, size)) return PageState.LOST;
        return PageState.PRESENT;
    }

    @Override
    public PageState readPage(long pfn, MemorySegment dst) {
        if (pfn < 0 || pfn >= maxMapnr) return PageState.NOT_IN_DUMP;
        if (!dumpable.get(pfn)) return ram.get(pfn) ? PageState.EXCLUDED : PageState.NOT_IN_DUMP;
        if (cache.capacity() > 0 && cache.get(pfn, dst)) return PageState.PRESENT;
        KdumpFile f = fileFor(pfn);
        if (f == null) return PageState.LOST;
        long idx = dumpable.rank(pfn) - f.rankBase;
        long d = f.h.descriptorOffset() + idx * KdumpFile.DESC_SIZE;
        ByteSource src = f.src;
        if (!src.contains(d, KdumpFile.DESC_SIZE)) return PageState.LOST;
        long off = src.getLong(d);
        long size = src.getInt(d + 8) & 0xffffffffL;
        int flags = src.getInt(d + 12);
        if (off == 0) return PageState.LOST; // never written: an incomplete dump
        int codec = flags & PageCodec.ANY;
        if (off == f.zeroPage && size == pageSize && codec == 0) {
            dst.asSlice(0, pageSize).fill((byte) 0);
            return PageState.ZERO;
        }
        if (off < 0 || size == 0 || size > 2L * pageSize) {
            throw Sneaky.raise(f.corrupt(pfn, "page descriptor #" + idx + " is corrupt (offset " + off + ", size " + size + ", flags 0x" + Integer.toHexString(flags) + ")"));
        }
        if (!src.contains(off, size)) {
            if (f.truncated) return PageState.LOST;
            throw Sneaky.raise(f.corrupt(pfn, "page data (" + size + " bytes at offset " + off + ") lies past the end of the file (" + src.size() + " bytes)"));
        }
        if (codec == 0) {
            if (size != pageSize) throw Sneaky.raise(f.corrupt(pfn, "uncompressed page of " + size + " bytes, not one page of " + pageSize));
            src.copy(off, dst, 0, pageSize);
            return PageState.PRESENT;
        }
        PageDecompressor z = PageDecompressor.get(pageSize);
        src.copy(off, z.in, 0, (int) size);
        int n = Integer.bitCount(codec) == 1 ? z.decompress(codec, (int) size) : -1;
        if (n != pageSize) {
            throw Sneaky.raise(f.corrupt(pfn, PageCodec.name(codec) + " page (" + size + " bytes at offset " + off + ") "
                    + (n < 0 ? "does not decompress to one page (corrupt or longer than " + pageSize + " bytes)" : "decompresses to " + n + " bytes, not one page of " + pageSize)));
        }
        MemorySegment.copy(z.out, 0, dst, ValueLayout.JAVA_BYTE, 0, pageSize);
        cache.put(pfn, z.out);
        return PageState.PRESENT;
    }

    @Override
    public void forEachPresentPfn(LongConsumer action) {
        for (long p = dumpable.nextSet(0); p >= 0; p = dumpable.nextSet(p + 1)) {
            if (!mayLose || pageState(p).readable()) action.accept(p);
        }
    }

    @Override
    public long presentPages() {
        long n = presentPages;
        if (n < 0) {
            if (!mayLose) {
                n = dumpable.total();
            } else {
                long[] c = {0};
                forEachPresentPfn(p -> c[0]++);
                n = c[0];
            }
            presentPages = n;
        }
        return n;
    }

    /**
     * From the bitmaps (RAM but not dumpable = EXCLUDED; neither = NOT_IN_DUMP) and one sequential pass
     * over each file's descriptors (shared zero page = ZERO, offset 0 or data past a truncated end = LOST).
     */
    @Override
    public PageCounts pageCounts() {
        long excluded = ram == dumpable ? 0 : ram.countAndNot(dumpable);
        long dumpableTotal = dumpable.total();
        long notInDump = maxMapnr - excluded - dumpableTotal;
        long present = 0, zero = 0, lost = 0;
        for (KdumpFile f : files) {
            ByteSource src = f.src;
            long base = f.h.descriptorOffset();
            for (long i = 0; i < f.nDesc; i++) {
                long d = base + i * KdumpFile.DESC_SIZE;
                if (!src.contains(d, KdumpFile.DESC_SIZE)) {
                    lost += f.nDesc - i;
                    break;
                }
                long off = src.getLong(d);
                long size = src.getInt(d + 8) & 0xffffffffL;
                int flags = src.getInt(d + 12);
                if (off == 0 || (f.truncated && !src.contains(off, size))) lost++;
                else if (off == f.zeroPage && size == pageSize && (flags & PageCodec.ANY) == 0) zero++;
                else present++;
            }
        }
        lost = dumpableTotal - present - zero; // also the dumpable pfns no part holds (a missing split part)
        return new PageCounts(present, zero, excluded, lost, notInDump);
    }

    @Override
    public PageCacheStats cacheStats() {
        return cache.stats();
    }

    /** kdump_sub_header.phys_base as makedumpfile writes it; QEMU's is not the kernel's (see {@link io.kdx.dump.Dump#headerPhysBase}). */
    @Override
    public OptionalLong headerPhysBase() {
        if (files[0].h.version() < 1 || "qemu".equals(metadata.producer())) return OptionalLong.empty();
        return OptionalLong.of(physBase);
    }
}
