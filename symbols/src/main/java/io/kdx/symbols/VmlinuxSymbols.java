package io.kdx.symbols;

import io.kdx.symbols.dwarf.DwarfTypes;
import io.kdx.symbols.elf.ElfFile;
import io.kdx.symbols.elf.ElfSection;
import io.kdx.symbols.elf.SymbolTable;
import io.kdx.symbols.orc.OrcIndex;
import io.kdx.symbols.orc.OrcReader;
import java.nio.file.Path;

/**
 * A vmlinux opened directly: the symbol table and identity are read at open (tens of
 * milliseconds); types come from .BTF when the kernel carries it (indexed in milliseconds on the
 * first call to {@link #types()}) and DWARF is indexed only for what BTF lacks (variables), or for
 * everything when there is no usable .BTF or {@code KDX_TYPES=dwarf} asks for it; ORC is read on the
 * first {@link #orc()}.
 */
public final class VmlinuxSymbols implements KernelSymbols {
    private final ElfFile elf;
    /** The symbol table, banner and release: built at open, or with prefetch on a background thread. */
    private final java.util.concurrent.FutureTask<Identity> identity;
    private final String buildId;
    private volatile Types types;
    private volatile DwarfTypes dwarf;
    private SymbolsException typesFailure; // guarded by this
    private volatile OrcIndex orc;
    private volatile boolean orcRead;
    private volatile boolean cacheAfterIndex;
    private volatile Thread cacheWriter;
    private final Object orcLock = new Object();
    /** Reads .BTF once, on a prefetch thread or on the first types() call, whichever comes first. */
    private final java.util.concurrent.FutureTask<io.kdx.symbols.btf.BtfTypes> btfTask;
    private final java.util.List<Thread> prefetchers = new java.util.concurrent.CopyOnWriteArrayList<>();

    private record Identity(SymbolTable symbols, String banner, String release) {}

    private VmlinuxSymbols(ElfFile elf, java.util.concurrent.FutureTask<io.kdx.symbols.btf.BtfTypes> btfTask) throws SymbolsException {
        this.elf = elf;
        this.btfTask = btfTask;
        this.buildId = elf.buildId();
        this.identity = new java.util.concurrent.FutureTask<>(() -> readIdentity(elf));
    }

    private static Identity readIdentity(ElfFile elf) throws SymbolsException {
        SymbolTable symbols = SymbolTable.fromElf(elf);
        long b = symbols.address("linux_banner");
        String s = b == 0 ? null : elf.stringAt(b);
        String banner = s == null ? null : s.stripTrailing();
        return new Identity(symbols, banner, Banner.release(banner));
    }

    private Identity identity() {
        identity.run(); // no-op when it ran, or runs on the prefetch thread (get() then waits)
        try {
            return identity.get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof SymbolsException se) throw new UncheckedSymbolsException(se);
            if (c instanceof UncheckedSymbolsException u) throw u;
            throw new UncheckedSymbolsException(new SymbolsException(elf.path(), "unreadable ELF: " + c));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedSymbolsException(new SymbolsException(elf.path(), "interrupted while reading the symbol table"));
        }
    }

    public static VmlinuxSymbols open(Path path) throws SymbolsException {
        return open(path, false);
    }

    /**
     * Opens a vmlinux. With {@code prefetch}, its .BTF, its symbol table and then its ORC table (whose
     * layout depends on the release) are read on two background threads, about 60 ms each, so that
     * whatever the caller asks first waits only for its own part; a damaged symbol table is then
     * reported by the first call that needs it (as an {@link UncheckedSymbolsException}) rather than here.
     */
    public static VmlinuxSymbols open(Path path, boolean prefetch) throws SymbolsException {
        ElfFile elf = ElfFile.open(path);
        java.util.concurrent.FutureTask<io.kdx.symbols.btf.BtfTypes> btf = new java.util.concurrent.FutureTask<>(() -> readBtf(elf));
        Thread btfThread = prefetch && !dwarfOnly() ? Thread.ofPlatform().daemon().name("kdx-btf").start(btf) : null;
        VmlinuxSymbols v;
        try {
            v = new VmlinuxSymbols(elf, btf);
            if (!prefetch) v.identityChecked(); // without prefetch, a bad symbol table is refused here, at open
        } catch (SymbolsException | RuntimeException e) {
            joinQuietly(btfThread);
            elf.close();
            if (e instanceof SymbolsException se) throw se;
            throw new SymbolsException(path, "unreadable ELF: " + e.getMessage());
        }
        if (btfThread != null) v.prefetchers.add(btfThread);
        if (prefetch) {
            // the symbol table, then ORC (whose layout depends on the release the banner names)
            VmlinuxSymbols w = v;
            v.prefetchers.add(Thread.ofPlatform().daemon().name("kdx-symtab-orc").start(() -> {
                try {
                    w.identity.run();
                    w.orc();
                } catch (RuntimeException e) {
                    // reported again to whoever asks for symbols or ORC
                }
            }));
        }
        return v;
    }

    private void identityChecked() throws SymbolsException {
        try {
            identity();
        } catch (UncheckedSymbolsException e) {
            throw e.getCause();
        }
    }

    public ElfFile elf() {
        return elf;
    }

    public SymbolTable symbolTable() {
        return identity().symbols();
    }

    @Override public String buildId() { return buildId; }
    @Override public String release() { return identity().release(); }
    @Override public String banner() { return identity().banner(); }
    @Override public long address(String name) { return identity().symbols().address(name); }
    @Override public SymbolHit lookup(long address) { return identity().symbols().lookup(address); }
    @Override public Path source() { return elf.path(); }

    /** Whether types come from DWARF alone: KDX_TYPES=dwarf (or -Dkdx.types=dwarf). */
    static boolean dwarfOnly() {
        String v = System.getProperty("kdx.types", System.getenv("KDX_TYPES"));
        return "dwarf".equalsIgnoreCase(v);
    }

    @Override
    public Types types() {
        Types t = types;
        if (t == null) {
            synchronized (this) {
                t = types;
                if (t == null) {
                    io.kdx.symbols.btf.BtfTypes btf = dwarfOnly() ? null : btf();
                    t = btf != null ? new VmlinuxTypes(btf, this::dwarfTypes) : dwarfTypes();
                    types = t;
                }
            }
        }
        return t;
    }

    /** The .BTF types, or null when the file has no .BTF or it cannot be read (DWARF then answers everything). */
    private io.kdx.symbols.btf.BtfTypes btf() {
        btfTask.run(); // no-op when the prefetch thread ran or runs it; get() then waits for it
        try {
            return btfTask.get();
        } catch (java.util.concurrent.ExecutionException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static io.kdx.symbols.btf.BtfTypes readBtf(ElfFile elf) {
        try {
            java.lang.foreign.MemorySegment data = elf.data(".BTF");
            if (data == null) return null;
            return io.kdx.symbols.btf.BtfTypes.open(io.kdx.symbols.btf.BtfFile.parse(elf.path(), data), name -> {
                ElfSection s = elf.section(name);
                return s == null ? -1 : s.addr();
            });
        } catch (SymbolsException | RuntimeException e) {
            return null; // DWARF is the authority; a damaged .BTF only costs the fast path
        }
    }

    private static void joinQuietly(Thread t) {
        if (t == null) return;
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether type questions are answered from .BTF (see {@link #types()}). */
    public boolean typesFromBtf() {
        return types() instanceof VmlinuxTypes;
    }

    /** The DWARF types, indexing them now if need be; the pack cache is written after this first index. */
    public DwarfTypes dwarfTypes() {
        DwarfTypes t = dwarf;
        if (t == null) {
            synchronized (this) {
                t = dwarf;
                if (t == null) {
                    if (typesFailure != null) throw new UncheckedSymbolsException(typesFailure); // do not rescan a bad file
                    try {
                        t = DwarfTypes.open(elf);
                    } catch (SymbolsException e) {
                        typesFailure = e;
                        throw new UncheckedSymbolsException(e);
                    }
                    dwarf = t;
                    if (cacheAfterIndex) startCacheWriter();
                }
            }
        }
        return t;
    }

    /** Indexes DWARF now, reporting a bad file as a checked exception (the pack writer's way in). */
    public DwarfTypes dwarfTypesChecked() throws SymbolsException {
        try {
            return dwarfTypes();
        } catch (UncheckedSymbolsException e) {
            throw e.getCause();
        }
    }

    /** Types as {@link #types()} gives them, reporting a bad file as a checked exception (the CLI's way in). */
    public Types typesChecked() throws SymbolsException {
        try {
            return types();
        } catch (UncheckedSymbolsException e) {
            throw e.getCause();
        }
    }

    /** ORC rows, reporting a bad table as a checked exception. */
    public OrcIndex orcChecked() throws SymbolsException {
        try {
            return orc();
        } catch (UncheckedSymbolsException e) {
            throw e.getCause();
        }
    }

    @Override
    public OrcIndex orc() {
        if (!orcRead) {
            synchronized (orcLock) {
                if (!orcRead) {
                    try {
                        orc = OrcReader.read(elf, release());
                    } catch (SymbolsException e) {
                        throw new UncheckedSymbolsException(e);
                    }
                    orcRead = true;
                }
            }
        }
        return orc;
    }

    /** Whether a cache pack is being written now (close() will wait for it). */
    public boolean writingCache() {
        Thread t = cacheWriter;
        return t != null && t.isAlive();
    }

    /** Asks for the pack to be written to the cache once DWARF has been indexed (see {@link io.kdx.symbols.pack.PackCache}). */
    public void cacheAfterIndex() {
        cacheAfterIndex = true;
    }

    /**
     * Writes the cache pack on a background thread: the caller's analysis goes on meanwhile, and
     * {@link #close()} waits for the write. The file appears atomically, or not at all.
     */
    private void startCacheWriter() {
        Thread t = Thread.ofPlatform().daemon().name("kdx-symbol-pack").unstarted(() -> {
            try {
                io.kdx.symbols.pack.PackCache.store(this);
            } catch (SymbolsException | RuntimeException e) {
                // the cache is an optimisation: a failed write leaves no file and costs a later re-index
            }
        });
        cacheWriter = t;
        t.start();
    }

    @Override
    public void close() {
        for (Thread p : prefetchers) joinQuietly(p); // they read the mapping that close() unmaps
        Thread t = cacheWriter;
        if (t != null) {
            try {
                t.join(120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        elf.close();
    }
}
