package io.kdx.analyzer.stack;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.symbols.OrcRow;
import io.kdx.symbols.orc.OrcReader;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ORC rows of loaded modules, read from the dump: module->arch {num_orcs, orc_unwind_ip (s32,
 * each relative to its own address), orc_unwind (6-byte struct orc_entry)}, sorted by the module
 * loader. Entries decode by the same layout rules as the vmlinux's (see {@link OrcReader}).
 */
final class ModuleOrc {
    private static final long[] NONE = new long[0];

    private final Kernel k;
    private final int layout;
    private final ConcurrentHashMap<Long, long[]> ips = new ConcurrentHashMap<>();
    private final long numOff, ipOff, rowOff;

    ModuleOrc(Kernel k) {
        this.k = k;
        this.layout = OrcReader.layoutFor(k.release());
        boolean has = k.hasMember("module", "arch.num_orcs");
        numOff = has ? k.offsetOf("module", "arch.num_orcs") : -1;
        ipOff = has ? k.offsetOf("module", "arch.orc_unwind_ip") : -1;
        rowOff = has ? k.offsetOf("module", "arch.orc_unwind") : -1;
    }

    /** The row covering runtime address {@code ip} in module {@code m}; false when none. */
    boolean find(Modules.Module m, long ip, OrcRow out) {
        if (numOff < 0) return false;
        long[] table = ips.computeIfAbsent(m.address(), a -> load(a));
        if (table.length == 0) return false;
        int lo = 0, hi = table.length - 1, found = -1;
        while (lo <= hi) { // the greatest entry ip <= ip, as __orc_find does
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(table[mid], ip) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found < 0) return false;
        try {
            long rows = k.readPointer(m.address() + rowOff);
            long e = rows + 6L * found;
            out.spOffset = (short) k.readU16(e);
            out.bpOffset = (short) k.readU16(e + 2);
            OrcReader.decode(k.readU16(e + 4), layout, out);
            return true;
        } catch (MemoryFault f) {
            return false;
        }
    }

    private long[] load(long module) {
        try {
            int n = k.readU32(module + numOff);
            long ipArr = k.readPointer(module + ipOff);
            if (n <= 0 || n > 1_000_000 || ipArr == 0) return NONE;
            byte[] raw = new byte[n * 4];
            k.read(ipArr, raw, 0, raw.length);
            long[] t = new long[n];
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) t[i] = ipArr + 4L * i + b.getInt(4 * i);
            for (int i = 1; i < n; i++) {
                if (Long.compareUnsigned(t[i - 1], t[i]) > 0) return NONE; // unsorted: not trustworthy
            }
            return t;
        } catch (MemoryFault f) {
            return NONE;
        }
    }
}
