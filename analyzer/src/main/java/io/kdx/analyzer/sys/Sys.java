package io.kdx.analyzer.sys;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.analyzer.kernel.Unreadable;
import io.kdx.analyzer.log.KernelLog;
import io.kdx.analyzer.log.LogRecord;
import io.kdx.analyzer.tasks.Tasks;
import io.kdx.symbols.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads the values of crash's {@code sys} from the dumped kernel. */
public final class Sys {
    // kernel/sched/loadavg.c: FSHIFT 11, FIXED_1 = 1 << FSHIFT; /proc/loadavg adds FIXED_1/200 to round.
    static final int FSHIFT = 11;
    static final long FIXED_1 = 1L << FSHIFT;

    private Sys() {}

    /** {@code tasks} is the task count (the caller has walked them); {@code log} the kernel log. */
    public static SysInfo read(Kernel k, int tasks, KernelLog log) {
        return read(k, tasks, List.of(), log);
    }

    /** From the task walk itself: what it could not read makes TASKS a count of what was found, and is said. */
    public static SysInfo read(Kernel k, Tasks.Result walked, KernelLog log) {
        return read(k, walked.tasks().size(), walked.unreadable(), log);
    }

    /**
     * Every value is read where it lives; a read that fails leaves the value unknown (-1 or null), names
     * it in {@code unknown} and becomes a record built from its fault, naming the variable or object read.
     */
    static SysInfo read(Kernel k, int tasks, List<Unreadable> taskGaps, KernelLog log) {
        List<Unreadable> gaps = new ArrayList<>();
        Map<String, String> unknown = new LinkedHashMap<>();
        var md = k.dump().metadata();
        String dumpfile = md.files().stream().map(Object::toString).collect(Collectors.joining(" "));
        boolean partial = md.dumpLevel() > 0 || md.incomplete() || md.truncated();
        String kernel = k.symbols() == null || k.symbols().source() == null ? null
                : k.symbols() instanceof io.kdx.analyzer.dumpsymbols.DumpSymbols ? "(kallsyms + BTF + ORC read from the dump)"
                : k.symbols().source().toString();

        // crash counts the present CPUs and flags those panic() took offline (smp_send_stop).
        int present = maskWeight(k, "__cpu_present_mask", gaps);
        int online = maskWeight(k, "__cpu_online_mask", gaps);
        int cpus = present > 0 ? present : k.nrCpus();
        int offline = online >= 0 ? Math.max(0, cpus - online) : -1;
        if (online == -2) gaps.add(Unreadable.of(Unreadable.KERNEL, "__cpu_online_mask", "no symbol __cpu_online_mask: the offline CPUs are unknown"));
        if (offline < 0) unknown.put("cpus_offline", gaps.getLast().text());
        long date = -1, uptime = -1;
        long tk = 0;
        try {
            tk = timekeeper(k);
            date = k.readU64(tk + k.offsetOf("timekeeper", "xtime_sec"));
            long shift = k.readU32(tk + k.offsetOf("timekeeper", "tkr_mono.shift"));
            long xnsec = k.readU64(tk + k.offsetOf("timekeeper", "tkr_mono.xtime_nsec")) >>> shift;
            long wtmSec = k.readU64(tk + k.offsetOf("timekeeper", "wall_to_monotonic.tv_sec"));
            long wtmNsec = k.readU64(tk + k.offsetOf("timekeeper", "wall_to_monotonic.tv_nsec"));
            long offsBoot = k.hasMember("timekeeper", "offs_boot") ? k.readU64(tk + k.offsetOf("timekeeper", "offs_boot")) : 0;
            long monoNs = (date + wtmSec) * 1_000_000_000L + xnsec + wtmNsec;
            uptime = (monoNs + offsBoot) / 1_000_000_000L;
        } catch (MemoryFault | MissingTypeException e) {
            date = -1;
            // the record names the timekeeper read: tk_core's (3.17+), else shadow_timekeeper
            String tkName = tk == 0 ? "tk_core.timekeeper, shadow_timekeeper" : tk == k.symbol("shadow_timekeeper") ? "shadow_timekeeper"
                    : "tk_core.timekeeper";
            gap(gaps, unknown, Unreadable.of(Unreadable.KERNEL, tkName, e, "timekeeper unreadable (DATE, UPTIME): " + e.getMessage()),
                    "date", "date_seconds", "uptime", "uptime_seconds");
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
            load = new double[] {-1, -1, -1};
            gap(gaps, unknown, Unreadable.of(Unreadable.KERNEL, "avenrun", e, "avenrun unreadable (LOAD AVERAGE): " + e.getMessage()),
                    "load_average");
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
            Unreadable u = Unreadable.of(Unreadable.KERNEL, "init_uts_ns.name", e,
                    "init_uts_ns unreadable (NODENAME, RELEASE, VERSION, MACHINE): " + e.getMessage());
            gaps.add(u);
            // what was read before the fault stands; the rest is unknown
            if (nodename == null) unknown.put("nodename", u.text());
            if (release == null) unknown.put("release", u.text());
            if (version == null) unknown.put("version", u.text());
            if (machine == null) unknown.put("machine", u.text());
        }

        long memory = -1;
        String[] reading = {null};
        try {
            memory = presentPages(k, reading) * k.dump().pageSize();
        } catch (MemoryFault | MissingTypeException e) {
            gap(gaps, unknown, Unreadable.of(Unreadable.MEMORY, reading[0], e, "node_present_pages unreadable (MEMORY): " + e.getMessage()),
                    "memory_bytes");
        }
        long mhz = -1;
        try {
            if (k.symbol("cpu_khz") != 0) mhz = (k.readU32(k.symbol("cpu_khz")) & 0xffffffffL) / 1000;
        } catch (MemoryFault e) {
            gaps.add(Unreadable.of(Unreadable.KERNEL, "cpu_khz", e, "cpu_khz unreadable: " + e.getMessage()));
        }

        gaps.addAll(taskGaps);
        if (!taskGaps.isEmpty()) unknown.put("tasks", "the tasks could not be read in full (" + taskGaps.size()
                + (taskGaps.size() == 1 ? " gap" : " gaps") + ", the first: " + taskGaps.getFirst().text() + "): " + tasks + " found");
        String panic = panicMessage(k, log);
        if (log != null && !log.unreadable().isEmpty()) {
            gaps.addAll(log.unreadable());
            // a log not read in full cannot say there was no panic (issue #12: nothing healthy that was not read)
            if (panic.isEmpty()) {
                panic = null;
                unknown.put("panic", "the kernel log could not be read in full: " + log.unreadable().getFirst().text());
            }
        } else if (log == null) {
            panic = null;
            unknown.put("panic", "the kernel log was not read");
        }
        return new SysInfo(kernel, dumpfile, partial, cpus, offline, date, uptime, load, tasks, nodename, release, version,
                machine, memory, mhz, panic, java.util.Collections.unmodifiableMap(unknown), List.copyOf(gaps));
    }

    /** One record, and the JSON fields it leaves unknown. */
    private static void gap(List<Unreadable> gaps, Map<String, String> unknown, Unreadable u, String... fields) {
        gaps.add(u);
        for (String f : fields) unknown.put(f, u.text());
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
        return presentPages(k, new String[1]);
    }

    /** The same; {@code reading[0]} names the object being read, so that a fault names it. */
    static long presentPages(Kernel k, String[] reading) {
        reading[0] = "pglist_data.node_present_pages";
        long off = k.offsetOf("pglist_data", "node_present_pages");
        long nodeData = k.symbol("node_data");
        if (nodeData != 0) {
            // struct pglist_data *node_data[MAX_NUMNODES]: the symbol's ELF size gives MAX_NUMNODES
            long link = nodeData - k.kaslrOffset();
            io.kdx.symbols.SymbolHit h = k.symbols().lookup(link);
            long n = h != null && h.start() == link && h.size() >= 8 ? h.size() / 8 : 64;
            long sum = 0;
            // node_data has MAX_NUMNODES slots (1024 on Debian): read in one piece (one translation per page,
            // not per slot), slot by slot only when that fails, to name the slot. The name of what was read is
            // made only when a read fails: formatting one per slot cost 12 ms of every `kdx analyze`.
            byte[] slots = new byte[(int) (8 * n)];
            try {
                k.read(nodeData, slots, 0, slots.length);
            } catch (MemoryFault f) {
                slots = null;
            }
            for (int i = 0; i < n; i++) {
                long pgdat;
                try {
                    pgdat = slots != null ? io.kdx.analyzer.kernel.Scalars.raw(slots, 8L * i, 8) : k.readPointer(nodeData + 8L * i);
                } catch (MemoryFault f) {
                    reading[0] = "node_data[" + i + "]";
                    throw f;
                }
                if (pgdat == 0) continue;
                try {
                    sum += k.readU64(pgdat + off);
                } catch (MemoryFault f) {
                    reading[0] = Fmt.format("pglist_data 0x%x .node_present_pages (node %d)", pgdat, i);
                    throw f;
                }
            }
            return sum;
        }
        long contig = k.symbol("contig_page_data");
        if (contig == 0) {
            reading[0] = null;
            throw new MissingTypeException("neither node_data nor contig_page_data");
        }
        reading[0] = "contig_page_data.node_present_pages";
        return k.readU64(contig + off);
    }

    /** Weight of a cpumask variable (__cpu_present_mask, __cpu_online_mask); -1 when unreadable (a record in {@code gaps}), -2 when absent. */
    static int maskWeight(Kernel k, String name, List<Unreadable> gaps) {
        long mask = k.symbol(name);
        if (mask == 0) return -2;
        try {
            int n = 0;
            int words = Math.max(1, (k.nrCpus() + 63) / 64);
            for (int w = 0; w < words; w++) n += Long.bitCount(k.readU64(mask + 8L * w));
            return n;
        } catch (MemoryFault e) {
            gaps.add(Unreadable.of(Unreadable.KERNEL, name, e, name + " unreadable: " + e.getMessage()));
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
