package io.kdx.analyzer.dumpsymbols;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.KernelLists;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.symbols.SymbolsException;
import io.kdx.symbols.btf.BtfFile;
import io.kdx.symbols.btf.BtfTypes;
import io.kdx.symbols.btf.SplitBtf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The loaded modules' BTF, read from the dump. A module's own {@code mod->btf_data} is cleared once
 * the module is initialised (its .BTF section is not kept), so the copy the kernel parsed is read
 * instead: each {@code struct btf_module} on the static {@code btf_modules} list (kernel/bpf/btf.c,
 * CONFIG_DEBUG_INFO_BTF_MODULES, 5.11+) points to a {@code struct btf} whose {@code data} holds the
 * module's split BTF, {@code data_size} its length and {@code start_id}/{@code start_str_off} where
 * it continues the vmlinux BTF. The blobs are joined onto the vmlinux BTF ({@link SplitBtf}).
 */
final class ModuleBtf {
    /** A module's .BTF is tens of KiB; a larger claim is a damaged struct btf. */
    private static final long MAX_MODULE_BTF = 16L << 20;

    /** The joined types (null when no module has BTF), each joined module's BTF as read, and those left out with why. */
    record Read(BtfTypes types, java.util.Map<String, MemorySegment> modules, List<String> skipped) {}

    private ModuleBtf() {}

    /** The joined BTF of every module kdx could read; null types when there is none. */
    static Read read(Kernel k, BtfFile base, Arena arena) {
        List<SplitBtf.Part> parts = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        java.util.Map<String, MemorySegment> names = new java.util.LinkedHashMap<>();
        long head = k.symbol("btf_modules");
        if (head == 0 || !k.hasMember("btf_module", "btf") || !k.hasMember("btf", "start_str_off")) {
            return new Read(null, names, List.of(head == 0 ? "no btf_modules list in kallsyms" : "no struct btf_module in the BTF"));
        }
        try {
            long link = k.offsetOf("btf_module", "list"), btfPtr = k.offsetOf("btf_module", "btf");
            long data = k.offsetOf("btf", "data"), size = k.offsetOf("btf", "data_size"), startId = k.offsetOf("btf", "start_id"),
                    startStr = k.offsetOf("btf", "start_str_off"), name = k.offsetOf("btf", "name");
            long baseStrings = base.strings().byteSize();
            KernelLists.listForEach(k, head, link, 4096, m -> {
                String mod = "?";
                try {
                    long btf = k.readPointer(m + btfPtr);
                    mod = k.readCString(btf + name, 56);
                    long at = k.readPointer(btf + data), len = k.readU32(btf + size) & 0xffff_ffffL;
                    long first = k.readU32(btf + startId) & 0xffff_ffffL, str = k.readU32(btf + startStr) & 0xffff_ffffL;
                    if (first != base.count() + 1L || str != baseStrings) {
                        skipped.add(mod + ": its BTF continues type " + first + " and string " + str + ", not the vmlinux BTF's");
                    } else if (len == 0 || len > MAX_MODULE_BTF) {
                        skipped.add(mod + ": BTF of " + len + " bytes");
                    } else {
                        byte[] b = new byte[(int) len];
                        k.read(at, b, 0, b.length);
                        parts.add(new SplitBtf.Part(mod, arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, b)));
                        names.put(mod, parts.getLast().bytes());
                    }
                } catch (MemoryFault f) {
                    skipped.add(mod + ": " + f.getMessage());
                }
                return true;
            });
            if (parts.isEmpty()) return new Read(null, names, skipped);
            return new Read(joined(k, base, parts, arena, skipped, names), names, skipped);
        } catch (MissingTypeException | MemoryFault e) {
            skipped.add(e.getMessage());
            return new Read(null, java.util.Map.of(), skipped);
        }
    }

    /** All parts joined; a part that does not parse is left out, named in {@code skipped}. */
    private static BtfTypes joined(Kernel k, BtfFile base, List<SplitBtf.Part> parts, Arena arena, List<String> skipped, java.util.Map<String, MemorySegment> names) {
        java.nio.file.Path file = k.dump().path();
        List<SplitBtf.Part> good = new ArrayList<>(parts);
        while (!good.isEmpty()) {
            try {
                MemorySegment joined = SplitBtf.join(file, base, good, arena);
                return BtfTypes.open(BtfFile.parse(file, joined), sec -> -1);
            } catch (SymbolsException e) {
                // find the part at fault alone, and go on without it
                SplitBtf.Part bad = null;
                for (SplitBtf.Part p : good) {
                    try {
                        SplitBtf.join(file, base, List.of(p), Arena.ofAuto());
                    } catch (SymbolsException one) {
                        bad = p;
                        skipped.add(p.name() + ": " + one.getMessage());
                        break;
                    }
                }
                if (bad == null) {
                    skipped.add(e.getMessage());
                    return null;
                }
                good.remove(bad);
                names.remove(bad.name());
            }
        }
        return null;
    }
}
