package io.kdx.analyzer.dumpsymbols;

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

    private DumpSymbols(Dump dump, PhysicalMemory mem, ImageLocation where) throws SymbolsException {
        this.dumpPath = dump.path();
        this.mem = mem;
        this.layout = where.layout();
        this.kaslr = where.kaslr();
        this.foundBy = where.tables().foundBy();
        ImageMemory img = new ImageMemory(mem, where.physBase());
        try {
            long t0 = System.nanoTime();
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
            Kallsyms.Parts parts = Kallsyms.parts(img, where.tables(), dumpPath);
            // Lazily where the kernel keeps its names sorted (kallsyms_seqs_of_names), else decoded whole.
            KallsymsTable lazy = LazyKallsyms.open(img, where.tables(), parts, kaslr);
            this.table = lazy != null ? lazy : new KallsymsTable.Decoded(Kallsyms.decode(parts, kaslr, dumpPath).build().table());
            long btfStart = table.address("__start_BTF"), btfStop = table.address("__stop_BTF");
            long start = btfStart == 0 ? 0 : btfStart + kaslr, stop = btfStop == 0 ? 0 : btfStop + kaslr;
            java.util.concurrent.CompletableFuture<LoadedBtf> btf = guess.thenApplyAsync(g -> {
                if (TRACE) System.err.println("kdx: trace: BTF guessed " + (g != null && g.start() == start && g.stop() == stop ? "right" : "wrong"));
                if (g != null && g.start() == start && g.stop() == stop) return g;
                try {
                    return btf(img, start, stop);
                } catch (SymbolsException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }, LOADER);
            long t1 = System.nanoTime();
            this.count = table.count();
            long lb = runtime("linux_banner");
            String b = lb == 0 ? null : img.cString(lb, 512);
            if (b == null || !b.startsWith("Linux version ")) {
                btf.handle((x, e) -> null).join();
                throw new SymbolsException(dumpPath, "kallsyms read from the dump does not hold up: linux_banner "
                        + (lb == 0 ? "is not in it" : "at 0x" + Long.toHexString(lb) + " does not hold the kernel's banner"));
            }
            this.banner = b;
            this.release = releaseOf(b);
            VmcoreInfo vi = dump.vmcoreinfo();
            var stext = vi.symbol("_stext");
            if (stext.isPresent() && runtime("_stext") != stext.getAsLong()) {
                btf.handle((x, e) -> null).join();
                throw new SymbolsException(dumpPath, "kallsyms read from the dump puts _stext at 0x" + Long.toHexString(runtime("_stext"))
                        + ", VMCOREINFO at 0x" + Long.toHexString(stext.getAsLong()) + ": the tables are damaged");
            }
            String id = vi.buildId();
            this.buildId = id != null && !id.isBlank() ? id.strip().toLowerCase(java.util.Locale.ROOT) : buildIdFromNotes(img);
            long t2 = System.nanoTime();
            try {
                LoadedBtf loaded = btf.join();
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
            if (TRACE) System.err.printf("kdx: trace: kallsyms %.1f ms, checks %.1f ms, waiting for BTF %.1f ms, ORC %.1f ms%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t4 - t3) / 1e6);
        } catch (MemoryFault f) {
            arena.close();
            throw new SymbolsException(dumpPath, "cannot read the kernel's own symbol tables from the dump (" + f.getMessage()
                    + "); give its vmlinux or a symbol pack with -s");
        } catch (SymbolsException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Reads the symbols of the kernel in {@code dump}. {@code mem} is the page cache the kernel
     * model will share.
     *
     * @throws SymbolsException one line: the kernel has no BTF, or its tables are not in the dump or damaged
     */
    public static DumpSymbols open(Dump dump, PhysicalMemory mem) throws SymbolsException {
        return new DumpSymbols(dump, mem, ImageLocation.find(dump, mem));
    }

    private long runtime(String name) {
        long a = table.address(name);
        return a == 0 ? 0 : a + kaslr;
    }

    /** The BTF between two runtime addresses, copied and indexed. */
    private record LoadedBtf(long start, long stop, MemorySegment bytes, BtfTypes types) {}

    private LoadedBtf btf(ImageMemory img, long start, long stop) throws SymbolsException {
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
        if (TRACE) System.err.printf("kdx: trace: BTF copy %.1f ms (%d bytes), parse %.1f ms, index %.1f ms%n", (t1 - t0) / 1e6, stop - start, (t2 - t1) / 1e6, (System.nanoTime() - t2) / 1e6);
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
