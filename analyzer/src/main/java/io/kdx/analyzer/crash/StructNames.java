package io.kdx.analyzer.crash;

import io.kdx.analyzer.dumpsymbols.DumpSymbols;
import io.kdx.analyzer.kernel.DumpIdentity;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.btf.BtfFile;
import io.kdx.symbols.elf.ElfFile;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The names the shell completes, read once per session (on the first Tab): every struct and union of
 * the kernel's BTF (the vmlinux's .BTF section, else the dump's), and every symbol (the vmlinux's
 * symbol table, else the dump's kallsyms; with a pack, the dump's are read for the listing). Without
 * a BTF, the kernel objects a crash session looks at most, kept when the kernel's types define them.
 */
final class StructNames {
    private static final List<String> COMMON = List.of("address_space", "bio", "block_device", "cred", "dentry",
            "fdtable", "file", "files_struct", "fs_struct", "gendisk", "inode", "kmem_cache", "list_head", "mm_struct",
            "module", "mount", "mutex", "net_device", "page", "percpu_rw_semaphore", "pid", "request_queue", "rq",
            "rw_semaphore", "sb_writers", "sched_entity", "sk_buff", "sock", "super_block", "task_struct", "timer_list",
            "vfsmount", "vm_area_struct", "wait_queue_entry", "wait_queue_head", "work_struct", "workqueue_struct");

    private StructNames() {}

    /** Sorted struct and union names. */
    static List<String> all(Kernel k, Path vmlinux) {
        TreeSet<String> out = new TreeSet<>();
        try {
            if (k.symbols() instanceof DumpSymbols ds) {
                out.addAll(ds.btf().file().structNames());
            } else if (vmlinux != null && vmlinuxBtf(vmlinux, out)) {
                // the vmlinux's own .BTF
            } else {
                try (KernelSymbols own = DumpIdentity.fromDump(k.dump())) { // a pack: the dump's BTF lists the names
                    if (own instanceof DumpSymbols ds) out.addAll(ds.btf().file().structNames());
                }
            }
        } catch (Exception e) {
            out.clear(); // no BTF to list: the common ones below
        }
        if (out.isEmpty()) for (String n : COMMON) if (k.types().struct(n) != null) out.add(n);
        return List.copyOf(out);
    }

    private static boolean vmlinuxBtf(Path vmlinux, TreeSet<String> out) throws Exception {
        try (ElfFile elf = ElfFile.open(vmlinux)) {
            MemorySegment btf = elf.data(".BTF");
            if (btf == null) return false;
            out.addAll(BtfFile.parse(vmlinux, btf).structNames());
            return true;
        }
    }

    /** Sorted symbol names: the vmlinux's (SymLetters), else the dump's kallsyms; empty when neither can be read. */
    static List<String> symbols(Kernel k, SymLetters letters) {
        if (letters != null) return letters.names();
        TreeSet<String> out = new TreeSet<>();
        if (k.symbols() instanceof DumpSymbols ds) {
            for (int i = 0; i < ds.symbolCount(); i++) out.add(ds.symbolName(i));
        } else {
            try (KernelSymbols own = DumpIdentity.fromDump(k.dump())) {
                if (own instanceof DumpSymbols ds) for (int i = 0; i < ds.symbolCount(); i++) out.add(ds.symbolName(i));
            } catch (Exception e) {
                return List.of(); // nothing to complete from
            }
        }
        return new ArrayList<>(out);
    }

    /** The names of SORTED that start with PREFIX (a binary search, then the run). */
    static List<String> startingWith(List<String> sorted, String prefix, int max) {
        int lo = java.util.Collections.binarySearch(sorted, prefix);
        if (lo < 0) lo = -lo - 1;
        List<String> out = new ArrayList<>();
        for (int i = lo; i < sorted.size() && out.size() < max && sorted.get(i).startsWith(prefix); i++) out.add(sorted.get(i));
        return out;
    }
}
