package io.kdx.analyzer.dumpsymbols;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.KernelLayout;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.PhysicalMemory;
import io.kdx.dump.Dump;
import io.kdx.dump.VmcoreInfo;
import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.OrcTable;
import io.kdx.symbols.SymbolHit;
import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.Types;
import io.kdx.symbols.btf.BtfFile;
import io.kdx.symbols.btf.BtfTypes;
import io.kdx.symbols.orc.OrcReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * {@link KernelSymbols} read from the dump alone, for when no vmlinux or pack of its build is at
 * hand: symbols from the kernel's kallsyms, types from its BTF (__start_BTF..__stop_BTF, present
 * with CONFIG_DEBUG_INFO_BTF), unwind rows from its ORC tables (__start_orc_unwind_ip,
 * __start_orc_unwind), the banner from linux_banner and the build-id from VMCOREINFO or the image's
 * .notes. Addresses are link-time like a vmlinux's: runtime minus the KASLR shift. What a vmlinux
 * has and this has not: symbol sizes, function-local statics and types, source lines, and the
 * types of global variables other than those in {@link DumpGlobals} and BTF's per-CPU section.
 * Owns an off-heap copy of the BTF; reads ORC rows from the dump on demand, so it lives as long as
 * the dump.
 */
public final class DumpSymbols implements KernelSymbols {
    /** How analyze and every command name this source. */
    public static final String DESCRIPTION = "from the dump (kallsyms + BTF + ORC)";

    private static final boolean TRACE = Boolean.getBoolean("kdx.trace");
    /** One daemon thread that reads the BTF beside the symbol table's build. */
    private static final java.util.concurrent.Executor LOADER = r -> {
        Thread t = new Thread(r, "kdx-dump-btf");
        t.setDaemon(true);
        t.start();
    };
    private final Path dumpPath;
    private final PhysicalMemory mem;
    private final KernelLayout layout;
    private final long kaslr;
    private final KallsymsTable table;
    private final int count;
    private final Arena arena = Arena.ofShared();
    private final DumpTypes types;
    private final OrcTable orc;
    private final String banner, release, buildId, foundBy;
    private final MemorySegment btfBytes;
    private volatile io.kdx.analyzer.kernel.Kernel kernel;
    private ModuleBtf.Read moduleBtf;

    private DumpSymbols(Dump dump, PhysicalMemory mem, ImageLocation where, boolean useCache) throws SymbolsException {
        this.dumpPath = dump.path();
        this.mem = mem;
        this.layout = where.layout();
        this.kaslr = where.kaslr();
        this.foundBy = where.tables().foundBy();
        ImageMemory img = new ImageMemory(mem, where.physBase());
        VmcoreInfo vi = dump.vmcoreinfo();
        String vmBuildId = vi.buildId() == null || vi.buildId().isBlank() ? null : vi.buildId().strip().toLowerCase(java.util.Locale.ROOT);
        Path keep = useCache && vmBuildId != null ? DumpTablesCache.file(vmBuildId, vi.osRelease()) : null;
        try {
            long t0 = System.nanoTime();
            DumpTablesCache.Entry kept = keep == null ? null : DumpTablesCache.read(keep, arena);
            long tr = System.nanoTime();
            if (kept != null && !sameBuild(img, where.tables(), kept)) kept = null;
            if (TRACE) System.err.print(Fmt.format("kdx: trace: kept tables read %.1f ms, compared %.1f ms%n", (tr - t0) / 1e6, (System.nanoTime() - tr) / 1e6));
            Tables read = kept != null ? fromKept(img, where.tables(), kept) : fromImage(img, where);
            this.table = read.table();
            this.count = table.count();
            long t1 = System.nanoTime();
            long lb = runtime("linux_banner");
            String b = lb == 0 ? null : img.cString(lb, 512);
            if (b == null || !b.startsWith("Linux version ")) {
                read.btf().handle((x, e) -> null).join();
                throw new SymbolsException(dumpPath, "kallsyms read from the dump does not hold up: linux_banner "
                        + (lb == 0 ? "is not in it" : "at 0x" + Long.toHexString(lb) + " does not hold the kernel's banner"));
            }
            this.banner = b;
            this.release = releaseOf(b);
            var stext = vi.symbol("_stext");
            if (stext.isPresent() && runtime("_stext") != stext.getAsLong()) {
                read.btf().handle((x, e) -> null).join();
                throw new SymbolsException(dumpPath, "kallsyms read from the dump puts _stext at 0x" + Long.toHexString(runtime("_stext"))
                        + ", VMCOREINFO at 0x" + Long.toHexString(stext.getAsLong()) + ": the tables are damaged");
            }
            this.buildId = vmBuildId != null ? vmBuildId : buildIdFromNotes(img);
            long t2 = System.nanoTime();
            LoadedBtf loaded;
            try {
                loaded = read.btf().join();
                this.btfBytes = loaded.bytes();
                this.types = new DumpTypes(loaded.types(), table::address);
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof SymbolsException se) throw se;
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw e;
            }
            long t3 = System.nanoTime();
            this.orc = readOrc(img);
            long t4 = System.nanoTime();
            if (kept == null && keep != null) {
                DumpTablesCache.write(keep, read.parts(), read.table() instanceof LazyKallsyms l ? l.seqs() : null,
                        table.address("__start_BTF"), table.address("__stop_BTF"), btfBytes, loaded.types());
            }
            if (TRACE) System.err.print(Fmt.format("kdx: trace: kallsyms %.1f ms (%s), checks %.1f ms, waiting for BTF %.1f ms, ORC %.1f ms, keeping the tables %.1f ms%n",
                    (t1 - t0) / 1e6, kept != null ? "kept tables of this build" : "read from the image", (t2 - t1) / 1e6, (t3 - t2) / 1e6,
                    (t4 - t3) / 1e6, (System.nanoTime() - t4) / 1e6));
        } catch (MemoryFault f) {
            arena.close();
            throw new SymbolsException(dumpPath, "cannot read the kernel's own symbol tables from the dump (" + f.getMessage()
                    + "); give its vmlinux or a symbol pack with -s");
        } catch (SymbolsException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** kallsyms as the table that answers, the parts it was read from, and the BTF (being) loaded. */
    private record Tables(KallsymsTable table, Kallsyms.Parts parts, java.util.concurrent.CompletableFuture<LoadedBtf> btf) {}

    /** The tables read from the kernel image in the dump. */
    private Tables fromImage(ImageMemory img, ImageLocation where) throws SymbolsException {
        // The BTF (a copy and an index, the larger part of the work) is guessed at once on a
        // second thread while kallsyms is read: the first BTF header after the kallsyms tables,
        // where the kernel's linker script puts .BTF (after .notes, in RO_DATA). kallsyms then
        // confirms the guess by __start_BTF and __stop_BTF, or the BTF is read where they say.
        java.util.concurrent.CompletableFuture<LoadedBtf> guess = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                long[] at = BtfHeaderProbe.find(img, where.tables().tokenIndex() + 512, 64L << 20);
                return at == null ? null : loadBtf(img, at[0], at[1]);
            } catch (SymbolsException | RuntimeException e) {
                return null; // a wrong guess: kallsyms says where
            }
        }, LOADER);
        Kallsyms.Parts parts;
        KallsymsTable table;
        try {
            long t0 = System.nanoTime();
            parts = Kallsyms.parts(img, where.tables(), dumpPath);
            long tp = System.nanoTime();
            // Lazily where the kernel keeps its names sorted (kallsyms_seqs_of_names), else decoded whole.
            KallsymsTable lazy = LazyKallsyms.open(img, where.tables(), parts, kaslr);
            if (TRACE) System.err.print(Fmt.format("kdx: trace: kallsyms parts %.1f ms, seqs %.1f ms%n", (tp - t0) / 1e6, (System.nanoTime() - tp) / 1e6));
            table = lazy != null ? lazy : new KallsymsTable.Decoded(Kallsyms.decode(parts, kaslr, dumpPath).build().table());
        } catch (SymbolsException | RuntimeException e) {
            guess.handle((x, f) -> null).join();
            throw e;
        }
        long btfStart = table.address("__start_BTF"), btfStop = table.address("__stop_BTF");
        long start = btfStart == 0 ? 0 : btfStart + kaslr, stop = btfStop == 0 ? 0 : btfStop + kaslr;
        java.util.concurrent.CompletableFuture<LoadedBtf> btf = guess.thenApplyAsync(g -> {
            if (TRACE) System.err.println("kdx: trace: BTF guessed " + (g != null && g.start() == start && g.stop() == stop ? "right" : "wrong"));
            if (g != null && g.start() == start && g.stop() == stop) return g;
            try {
                return btf(img, start, stop, table);
            } catch (SymbolsException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, LOADER);
        return new Tables(table, parts, btf);
    }

    /**
     * Whether tables kept for this build-id are this dump's: the symbol count and the token table
     * (its compressed names' alphabet, unlike between builds) must be the image's own.
     */
    private static boolean sameBuild(ImageMemory img, Kallsyms.Tables t, DumpTablesCache.Entry kept) {
        try {
            long tokLen = t.tokenIndex() - t.tokenTable();
            return img.u32(t.numSyms()) == kept.count() && tokLen == kept.tokens().length
                    && java.util.Arrays.equals(img.bytes(t.tokenTable(), (int) tokLen), kept.tokens());
        } catch (MemoryFault f) {
            return false;
        }
    }

    /** The tables kept from an earlier dump of this build; relative_base is this dump's own (it moves with KASLR). */
    private Tables fromKept(ImageMemory img, Kallsyms.Tables t, DumpTablesCache.Entry kept) throws SymbolsException {
        Kallsyms.Parts parts = kept.parts(img.u64(t.relativeBase()));
        KallsymsTable lazy = kept.seqs() == null ? null : LazyKallsyms.kept(parts, kept.seqs(), kaslr);
        KallsymsTable table = lazy != null ? lazy : new KallsymsTable.Decoded(Kallsyms.decode(parts, kaslr, dumpPath).build().table());
        if (table.address("__start_BTF") != kept.btfStart() || table.address("__stop_BTF") != kept.btfStop()) {
            throw new SymbolsException(dumpPath, "kept kallsyms of this build disagree with their own BTF bounds: damaged cache");
        }
        BtfFile f = BtfFile.parse(dumpPath, kept.btf(), kept.btfRecords());
        MemorySegment[] ix = kept.index();
        BtfTypes b = BtfTypes.withIndex(f, ix[0], ix[1], ix[2], ix[3], ix[4]);
        return new Tables(table, parts, java.util.concurrent.CompletableFuture.completedFuture(
                new LoadedBtf(kept.btfStart() + kaslr, kept.btfStop() + kaslr, kept.btf(), b)));
    }

    /**
     * Reads the symbols of the kernel in {@code dump}. {@code mem} is the page cache the kernel
     * model will share.
     *
     * @throws SymbolsException one line: the kernel has no BTF, or its tables are not in the dump or damaged
     */
    public static DumpSymbols open(Dump dump, PhysicalMemory mem) throws SymbolsException {
        return new DumpSymbols(dump, mem, ImageLocation.find(dump, mem), false);
    }

    /**
     * As {@link #open}, with the tables of this build kept from an earlier dump when the symbol
     * cache has them ({@link DumpTablesCache}), and kept there after this one when it has not.
     */
    public static DumpSymbols openCached(Dump dump, PhysicalMemory mem) throws SymbolsException {
        return new DumpSymbols(dump, mem, ImageLocation.find(dump, mem), true);
    }

    private long runtime(String name) {
        long a = table.address(name);
        return a == 0 ? 0 : a + kaslr;
    }

    /** The BTF between two runtime addresses, copied and indexed. */
    private record LoadedBtf(long start, long stop, MemorySegment bytes, BtfTypes types) {}

    private LoadedBtf btf(ImageMemory img, long start, long stop, KallsymsTable table) throws SymbolsException {
        if (start == 0 || stop == 0 || Long.compareUnsigned(stop, start) <= 0) {
            long lb = table.address("linux_banner");
            String rel;
            try {
                rel = lb == 0 ? "" : " " + releaseOf(img.cString(lb + kaslr, 512));
            } catch (RuntimeException e) {
                rel = "";
            }
            throw new SymbolsException(dumpPath, "this dump's kernel" + rel + " has no BTF (built without CONFIG_DEBUG_INFO_BTF): "
                    + "kdx cannot read its types from the dump; give its vmlinux or a symbol pack with -s");
        }
        if (stop - start > (256L << 20)) throw new SymbolsException(dumpPath, "__start_BTF..__stop_BTF spans " + (stop - start) + " bytes: damaged kallsyms");
        return loadBtf(img, start, stop);
    }

    private LoadedBtf loadBtf(ImageMemory img, long start, long stop) throws SymbolsException {
        long t0 = System.nanoTime();
        MemorySegment seg = img.copy(start, stop, arena);
        long t1 = System.nanoTime();
        BtfFile f = BtfFile.parse(dumpPath, seg);
        long t2 = System.nanoTime();
        BtfTypes b = BtfTypes.open(f, sec -> -1);
        if (TRACE) System.err.print(Fmt.format("kdx: trace: BTF copy %.1f ms (%d bytes), parse %.1f ms, index %.1f ms%n", (t1 - t0) / 1e6, stop - start, (t2 - t1) / 1e6, (System.nanoTime() - t2) / 1e6));
        return new LoadedBtf(start, stop, seg, b);
    }

    /** The ORC tables where they lie in the dump, searched in place ({@link MemoryOrc}). */
    private OrcTable readOrc(ImageMemory img) throws SymbolsException {
        long ipStart = runtime("__start_orc_unwind_ip"), ipStop = runtime("__stop_orc_unwind_ip"), rows = runtime("__start_orc_unwind");
        if (ipStart == 0 || ipStop == 0 || rows == 0) return null; // a kernel without CONFIG_UNWINDER_ORC
        long n = (ipStop - ipStart) / 4;
        if (n <= 0 || n > 4_000_000) throw new SymbolsException(dumpPath, "the ORC ip table spans " + (ipStop - ipStart) + " bytes: damaged kallsyms");
        // Kernel text, and the init region from its text to its end: .init.text, .altinstr_aux,
        // .altinstr_replacement and .exit.text, the vmlinux's other executable sections, lie there.
        long initEnd = table.address("__init_end");
        long[] text = {table.address("_stext"), table.address("_etext"), table.address("_sinittext"),
                initEnd != 0 ? initEnd : table.address("_einittext")};
        return new MemoryOrc(img, ipStart, rows, (int) n, kaslr, OrcReader.layoutFor(release), text);
    }

    /** The GNU build-id note among the image's notes (__start_notes..__stop_notes), or null. */
    private String buildIdFromNotes(ImageMemory img) {
        long s = runtime("__start_notes"), e = runtime("__stop_notes");
        if (s == 0 || e == 0 || e - s <= 0 || e - s > 65536) return null;
        try {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(img.bytes(s, (int) (e - s))).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            int p = 0;
            while (p + 12 <= b.capacity()) {
                int namesz = b.getInt(p), descsz = b.getInt(p + 4), type = b.getInt(p + 8);
                int name = p + 12, desc = name + ((namesz + 3) & ~3);
                if (namesz < 0 || descsz < 0 || desc + descsz > b.capacity()) return null;
                if (type == 3 && namesz == 4 && b.getInt(name) == 0x00554e47) { // NT_GNU_BUILD_ID, "GNU\0"
                    byte[] id = new byte[descsz];
                    b.get(desc, id);
                    return HexFormat.of().formatHex(id);
                }
                p = desc + ((descsz + 3) & ~3);
            }
        } catch (MemoryFault f) {
            return null;
        }
        return null;
    }

    private static String releaseOf(String banner) {
        String rest = banner.substring("Linux version ".length());
        int sp = rest.indexOf(' ');
        return (sp < 0 ? rest : rest.substring(0, sp)).strip();
    }

    /** The page cache the symbols were read through, for the kernel model to share. */
    public PhysicalMemory memory() {
        return mem;
    }

    /** The image's place when kdx had to find it without VMCOREINFO; null when VMCOREINFO gives it. */
    public KernelLayout layout() {
        return layout;
    }

    /** Runtime minus link-time address of kernel text, as the symbols were read. */
    public long kaslrOffset() {
        return kaslr;
    }

    /** Number of kallsyms symbols read. */
    public int symbolCount() {
        return count;
    }

    /** Symbol {@code i}'s name, 0 <= i < symbolCount() (the crash front's shell completes them). */
    public String symbolName(int i) {
        return table.nameAt(i);
    }

    /** How the kallsyms tables were found: "VMCOREINFO" or a search of the image. */
    public String foundBy() {
        return foundBy;
    }

    /** The BTF as read from the dump (tests compare it with the vmlinux's .BTF section). */
    public MemorySegment btfBytes() {
        return btfBytes;
    }

    /** The BTF types. */
    public BtfTypes btf() {
        return types.btf();
    }

    /**
     * Lets type lookups fall back on the loaded modules' BTF, read from {@code k} (this dump's
     * kernel model) on the first name the vmlinux BTF lacks.
     */
    public void attach(io.kdx.analyzer.kernel.Kernel k) {
        types.modules(() -> moduleBtf(k).types());
        this.kernel = k;
    }

    private synchronized ModuleBtf.Read moduleBtf(io.kdx.analyzer.kernel.Kernel k) {
        if (moduleBtf == null) {
            long t0 = System.nanoTime();
            moduleBtf = ModuleBtf.read(k, types.btf().file(), arena);
            if (TRACE) System.err.print(Fmt.format("kdx: trace: module BTF %.1f ms: %s; left out: %s%n", (System.nanoTime() - t0) / 1e6, moduleBtf.modules().keySet(), moduleBtf.skipped()));
        }
        return moduleBtf;
    }

    /** The modules whose BTF the types include, with that BTF as read (read now if not yet); empty before {@link #attach}. */
    public java.util.Map<String, MemorySegment> moduleBtf() {
        return kernel == null ? java.util.Map.of() : moduleBtf(kernel).modules();
    }

    /** The modules whose BTF was left out, each with why; empty before {@link #attach}. */
    public java.util.List<String> moduleBtfSkipped() {
        return kernel == null ? java.util.List.of() : moduleBtf(kernel).skipped();
    }

    @Override public boolean hasSizes() { return false; }
    @Override public String buildId() { return buildId; }
    @Override public String release() { return release; }
    @Override public String banner() { return banner; }
    @Override public long address(String name) { return table.address(name); }
    @Override public SymbolHit lookup(long address) { return table.lookup(address); }
    @Override public Types types() { return types; }
    @Override public OrcTable orc() { return orc; }
    @Override public Path source() { return dumpPath; }

    @Override
    public String toString() {
        return DESCRIPTION;
    }

    @Override
    public void close() {
        arena.close();
    }
}
