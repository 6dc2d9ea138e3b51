package io.kdx.analyzer.sys;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.analyzer.log.KernelLog;
import io.kdx.analyzer.log.LogRecord;
import io.kdx.symbols.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Reads the values of crash's {@code sys} from the dumped kernel. */
public final class Sys {
    // kernel/sched/loadavg.c: FSHIFT 11, FIXED_1 = 1 << FSHIFT; /proc/loadavg adds FIXED_1/200 to round.
    static final int FSHIFT = 11;
    static final long FIXED_1 = 1L << FSHIFT;

    private Sys() {}

    /** {@code tasks} is the task count (the caller has walked them); {@code log} the kernel log. */
    public static SysInfo read(Kernel k, int tasks, KernelLog log) {
        List<String> problems = new ArrayList<>();
        var md = k.dump().metadata();
        String dumpfile = md.files().stream().map(Object::toString).collect(Collectors.joining(" "));
        boolean partial = md.dumpLevel() > 0 || md.incomplete() || md.truncated();
        String kernel = k.symbols() == null || k.symbols().source() == null ? null
                : k.symbols() instanceof io.kdx.analyzer.dumpsymbols.DumpSymbols ? "(kallsyms + BTF + ORC read from the dump)"
                : k.symbols().source().toString();

        // crash counts the present CPUs and flags those panic() took offline (smp_send_stop).
        int present = maskWeight(k, "__cpu_present_mask", problems);
        int online = maskWeight(k, "__cpu_online_mask", problems);
        int cpus = present > 0 ? present : k.nrCpus();
        int offline = online >= 0 ? Math.max(0, cpus - online) : 0;
        long date = -1, uptime = -1;
        try {
            long tk = timekeeper(k);
            date = k.readU64(tk + k.offsetOf("timekeeper", "xtime_sec"));
            long shift = k.readU32(tk + k.offsetOf("timekeeper", "tkr_mono.shift"));
            long xnsec = k.readU64(tk + k.offsetOf("timekeeper", "tkr_mono.xtime_nsec")) >>> shift;
            long wtmSec = k.readU64(tk + k.offsetOf("timekeeper", "wall_to_monotonic.tv_sec"));
            long wtmNsec = k.readU64(tk + k.offsetOf("timekeeper", "wall_to_monotonic.tv_nsec"));
            long offsBoot = k.hasMember("timekeeper", "offs_boot") ? k.readU64(tk + k.offsetOf("timekeeper", "offs_boot")) : 0;
            long monoNs = (date + wtmSec) * 1_000_000_000L + xnsec + wtmNsec;
            uptime = (monoNs + offsBoot) / 1_000_000_000L;
        } catch (MemoryFault | MissingTypeException e) {
            problems.add("timekeeper unreadable (DATE, UPTIME): " + e.getMessage());
        }

        double[] load = {-1, -1, -1};
        long avenrun = k.symbol("avenrun");
        try {
            if (avenrun == 0) throw new MissingTypeException("no symbol avenrun");
            for (int i = 0; i < 3; i++) {
                long a = k.readU64(avenrun + 8L * i) + FIXED_1 / 200;
                long whole = a >>> FSHIFT;
                long frac = ((a & (FIXED_1 - 1)) * 100) >>> FSHIFT;
                load[i] = whole + frac / 100.0;
            }
        } catch (MemoryFault | MissingTypeException e) {
            problems.add("avenrun unreadable (LOAD AVERAGE): " + e.getMessage());
        }

        String nodename = null, release = null, version = null, machine = null;
        long uts = k.symbol("init_uts_ns");
        try {
            if (uts == 0) throw new MissingTypeException("no symbol init_uts_ns");
            long name = uts + k.offsetOf("uts_namespace", "name");
            nodename = k.readCString(name + k.offsetOf("new_utsname", "nodename"), 65);
            release = k.readCString(name + k.offsetOf("new_utsname", "release"), 65);
            version = k.readCString(name + k.offsetOf("new_utsname", "version"), 65);
            machine = k.readCString(name + k.offsetOf("new_utsname", "machine"), 65);
        } catch (MemoryFault | MissingTypeException e) {
            problems.add("init_uts_ns unreadable (NODENAME, RELEASE, VERSION, MACHINE): " + e.getMessage());
        }

        long memory = -1;
        try {
            memory = presentPages(k) * k.dump().pageSize();
        } catch (MemoryFault | MissingTypeException e) {
            problems.add("node_present_pages unreadable (MEMORY): " + e.getMessage());
        }
        long mhz = -1;
        try {
            if (k.symbol("cpu_khz") != 0) mhz = (k.readU32(k.symbol("cpu_khz")) & 0xffffffffL) / 1000;
        } catch (MemoryFault e) {
            problems.add("cpu_khz unreadable: " + e.getMessage());
        }
        return new SysInfo(kernel, dumpfile, partial, cpus, offline, date, uptime, load, tasks, nodename, release, version,
                machine, memory, mhz, panicMessage(k, log), problems);
    }

    /**
     * The timekeeper: tk_core.timekeeper (3.17+), else shadow_timekeeper. tk_core is the anonymous
     * struct {seqcount_raw_spinlock_t seq (seqcount_t before 5.10); struct timekeeper timekeeper;}
     * of kernel/time/timekeeping.c, so the timekeeper starts at the seqcount's size rounded up to the
     * timekeeper's 8-byte alignment; named types answer that (BTF has no type for tk_core itself).
     */
    static long timekeeper(Kernel k) {
        long core = k.symbol("tk_core");
        if (core != 0 && k.types() != null) {
            Type seq = k.types().named("seqcount_raw_spinlock_t");
            if (seq == null) seq = k.types().named("seqcount_t");
            if (seq != null && seq.size() > 0) return core + ((seq.size() + 7) & ~7L);
        }
        long shadow = k.symbol("shadow_timekeeper");
        if (shadow != 0) return shadow;
        throw new MissingTypeException("neither tk_core nor shadow_timekeeper");
    }

    /**
     * RAM present in the machine, as crash's MEMORY counts it: the sum of pglist_data.node_present_pages
     * over node_data[] (NUMA kernels) or contig_page_data.
     */
    public static long presentPages(Kernel k) {
        long off = k.offsetOf("pglist_data", "node_present_pages");
        long nodeData = k.symbol("node_data");
        if (nodeData != 0) {
            // struct pglist_data *node_data[MAX_NUMNODES]: the symbol's ELF size gives MAX_NUMNODES
            long link = nodeData - k.kaslrOffset();
            io.kdx.symbols.SymbolHit h = k.symbols().lookup(link);
            long n = h != null && h.start() == link && h.size() >= 8 ? h.size() / 8 : 64;
            long sum = 0;
            for (int i = 0; i < n; i++) {
                long pgdat = k.readPointer(nodeData + 8L * i);
                if (pgdat != 0) sum += k.readU64(pgdat + off);
            }
            return sum;
        }
        long contig = k.symbol("contig_page_data");
        if (contig == 0) throw new MissingTypeException("neither node_data nor contig_page_data");
        return k.readU64(contig + off);
    }

    /** Weight of a cpumask variable (__cpu_present_mask, __cpu_online_mask), or -1 when unreadable. */
    static int maskWeight(Kernel k, String name, List<String> problems) {
        long mask = k.symbol(name);
        if (mask == 0) return -1;
        try {
            int n = 0;
            int words = Math.max(1, (k.nrCpus() + 63) / 64);
            for (int w = 0; w < words; w++) n += Long.bitCount(k.readU64(mask + 8L * w));
            return n;
        } catch (MemoryFault e) {
            problems.add(name + " unreadable: " + e.getMessage());
            return -1;
        }
    }

    /**
     * The panic message from the log: the last "Kernel panic - not syncing" line, else the first
     * oops line (BUG:, Oops:, general protection fault, kernel BUG at); "" when none.
     */
    public static String panicMessage(Kernel k, KernelLog log) {
        if (log == null) return "";
        String panic = null, oops = null;
        for (LogRecord r : log.records()) {
            String m = r.message();
            if (m.startsWith("Kernel panic - not syncing")) panic = m;
            else if (oops == null && (m.startsWith("BUG: ") || m.startsWith("Oops: ") || m.startsWith("general protection fault")
                    || m.startsWith("kernel BUG at"))) oops = m;
        }
        return panic != null ? panic.strip() : oops != null ? oops.strip() : "";
    }
}
