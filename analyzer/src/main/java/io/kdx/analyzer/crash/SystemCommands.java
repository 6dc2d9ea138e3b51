package io.kdx.analyzer.crash;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.crash.CrashSession.CommandError;
import io.kdx.analyzer.diagnose.Analyzer;
import io.kdx.analyzer.diagnose.TextReport;
import io.kdx.analyzer.log.DmesgFormat;
import io.kdx.analyzer.log.LogRecord;
import io.kdx.analyzer.mount.MountInfo;
import io.kdx.analyzer.mount.Mounts;
import io.kdx.analyzer.stack.Modules;
import io.kdx.analyzer.sys.Sys;
import io.kdx.analyzer.sys.SysInfo;
import io.kdx.analyzer.sys.SysText;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** sys, log, mod, mount, kmem and analyze, printed in crash's layout. */
final class SystemCommands {
    private SystemCommands() {}

    /** sys's values; KERNEL is the namelist as given on the command line (crash prints it so), not the pack kdx used. */
    static SysInfo sysInfo(CrashSession s) {
        return sysInfo(s, -1);
    }

    /** The same, with UPTIME {@code uptime} seconds when it is not negative (sys prints crash's tick count). */
    private static SysInfo sysInfo(CrashSession s, long uptime) {
        SysInfo i = Sys.read(s.kernel, s.tasks().size(), s.log());
        if (s.options.vmlinux() == null && uptime < 0) return i;
        return i.withKernelAndUptime(s.options.vmlinux() == null ? i.kernel() : s.options.vmlinux().toString(),
                uptime >= 0 ? uptime : i.uptimeSeconds());
    }

    static void sys(CrashSession s, List<String> args, PrintStream out) {
        if (!args.isEmpty()) throw new CommandError("options " + String.join(" ", args) + " are not supported by kdx; plain sys is");
        out.print(SysText.render(sysInfo(s, jiffiesUptime(s.kernel))));
    }

    /**
     * crash's UPTIME counts ticks, not the timekeeper's boot time that kdx sys prints (as /proc/uptime
     * does): jiffies_64 since INITIAL_JIFFIES ((unsigned int)(-300*HZ), include/linux/jiffies.h), in
     * whole seconds of HZ ticks, HZ from tick_nsec (TICK_NSEC, NSEC_PER_SEC/HZ rounded). A guest that
     * lost ticks (QEMU under load) is behind its boot clock, and crash prints the ticks' figure. -1 when
     * either symbol is missing or unreadable: the boot-time figure is printed then.
     */
    static long jiffiesUptime(io.kdx.analyzer.kernel.Kernel k) {
        long j = k.symbol("jiffies_64"), t = k.symbol("tick_nsec");
        if (j == 0 || t == 0) return -1;
        try {
            long tickNsec = k.readU64(t);
            if (tickNsec <= 0 || tickNsec > 100_000_000L) return -1; // HZ below 10: not a tick length
            long hz = Math.round(1e9 / tickNsec);
            long initial = (-300L * hz) & 0xffff_ffffL;
            return Long.divideUnsigned(k.readU64(j) - initial, hz);
        } catch (io.kdx.analyzer.kernel.MemoryFault e) {
            return -1;
        }
    }

    /** log [-T] [-m]: crash's "[seconds.micros] text" lines; -T puts the wall-clock time (boot date + timestamp) instead. */
    static void log(CrashSession s, List<String> args, PrintStream out) {
        boolean ctime = false, level = false;
        for (String a : args) {
            if (a.equals("-T")) ctime = true;
            else if (a.equals("-m")) level = true;
            else throw new CommandError("option " + a + " is not supported by kdx (it has -T and -m)");
        }
        long boot = -1;
        if (ctime) {
            if (s.options.minimal()) throw new CommandError("the option '-T' is not available in minimal mode");
            SysInfo si = sysInfo(s);
            if (si.dateSeconds() >= 0 && si.uptimeSeconds() >= 0) boot = si.dateSeconds() - si.uptimeSeconds();
            else throw new CommandError("the boot date is unknown: no -T");
        }
        StringBuilder sb = new StringBuilder(s.log().records().size() * 96);
        for (LogRecord r : s.log().records()) {
            String line = DmesgFormat.line(r);
            String prefix = DmesgFormat.prefix(r);
            if (ctime && !prefix.isEmpty()) {
                long secs = Long.divideUnsigned(r.tsNsec(), 1_000_000_000L);
                String stamp = "[" + SysText.date(boot + secs) + "] ";
                line = stamp + line.substring(prefix.length()).replace("\n" + " ".repeat(prefix.length()),
                        "\n" + " ".repeat(stamp.length()));
            }
            if (level) line = "<" + r.level() + ">" + line;
            sb.append(line).append('\n');
        }
        out.print(sb);
        for (String p : s.log().problems()) s.err.println("log: " + p);
    }

    /**
     * mod: crash's module table (sorted by base address, as crash sorts it); NAME is the second
     * column. kdx reads each module's symbols from the dump (module->kallsyms), so {@code -S DIR}
     * and {@code -s NAME [FILE]} only name the object files found; nothing needs loading.
     */
    static void mod(CrashSession s, List<String> args, PrintStream out) {
        Path dir = null;
        String only = null;
        String file = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "-S" -> {
                    if (i + 1 < args.size() && !args.get(i + 1).startsWith("-")) dir = s.cwd.resolve(args.get(++i));
                    else dir = Path.of("/lib/modules", s.kernel.release() == null ? "" : s.kernel.release());
                }
                case "-s" -> {
                    if (i + 1 >= args.size()) throw new CommandError("-s needs a module name");
                    only = args.get(++i);
                    if (i + 1 < args.size()) file = args.get(++i);
                }
                default -> throw new CommandError("option " + a + " is not supported by kdx (it has -S [DIR] and -s NAME [FILE])");
            }
        }
        Modules mods = Modules.of(s.kernel);
        List<Modules.Module> list = new ArrayList<>(mods.list());
        list.sort((a, b) -> Long.compareUnsigned(a.base(), b.base()));
        if (only != null) {
            final String n = only;
            list.removeIf(m -> !m.name().equals(n));
            if (list.isEmpty()) throw new CommandError("module " + only + " not loaded");
        }
        if (list.isEmpty()) {
            if (mods.note() != null) s.err.println("mod: " + mods.note());
            return;
        }
        // 6.4+ (struct module_memory mem[]): crash heads the column TEXT_BASE and sizes a module as its
        // core regions together (text, data, rodata, ro_after_init: the mod_mem_type values below MOD_INIT_TEXT)
        boolean memory = !s.kernel.hasMember("module", "core_layout") && s.kernel.hasMember("module", "mem");
        java.util.Map<Long, Long> sizes = new java.util.HashMap<>();
        for (Modules.Module m : mods.list()) sizes.put(m.address(), memory ? coreSize(s, m) : m.size());
        int nameLen = 4, sizeLen = 4;
        for (Modules.Module m : mods.list()) {
            nameLen = Math.max(nameLen, m.name().length());
            sizeLen = Math.max(sizeLen, Long.toString(sizes.get(m.address())).length());
        }
        StringBuilder sb = new StringBuilder();
        sb.append(CrashText.center("MODULE", 16)).append("  ").append(CrashText.ljust("NAME", nameLen)).append("  ")
                .append(CrashText.center(memory ? "TEXT_BASE" : "BASE", 16)).append("  ").append(CrashText.rjust("SIZE", sizeLen))
                .append("  OBJECT FILE\n");
        for (Modules.Module m : list) {
            String object = "(not loaded)  [CONFIG_KALLSYMS]";
            if (file != null) object = s.cwd.resolve(file).toString();
            else if (dir != null) {
                Path f = findObject(dir, m.name());
                if (f != null) object = f.toString();
            }
            sb.append(Fmt.format("%016x  %s  %016x  %s  %s%n", m.address(), CrashText.ljust(m.name(), nameLen), m.base(),
                    CrashText.rjust(Long.toString(sizes.get(m.address())), sizeLen), object));
        }
        out.print(sb);
        if (mods.note() != null) s.err.println("mod: " + mods.note());
    }

    /** The sizes of a 6.4+ module's mem[t] for t below MOD_INIT_TEXT; the text's alone when the enum is unknown. */
    private static long coreSize(CrashSession s, Modules.Module m) {
        long init = s.kernel.types().enumerator("MOD_INIT_TEXT").orElse(1);
        long mem = s.kernel.offsetOf("module", "mem"), each = s.kernel.sizeOf("module_memory");
        long size = s.kernel.offsetOf("module_memory", "size");
        long sum = 0;
        for (long t = 0; t < init; t++) sum += s.kernel.readU32(m.address() + mem + t * each + size) & 0xffffffffL;
        return sum;
    }

    /** NAME.ko (or .ko.debug, .ko.xz), '-' and '_' alike, anywhere under dir; null when absent. */
    static Path findObject(Path dir, String name) {
        if (!Files.isDirectory(dir)) return null;
        String want = name.replace('-', '_');
        try (Stream<Path> files = Files.walk(dir, 12)) {
            return files.filter(p -> {
                String f = p.getFileName().toString().replace('-', '_');
                return f.equals(want + ".ko") || f.equals(want + ".ko.debug") || f.equals(want + ".ko.xz")
                        || f.equals(want + ".ko.zst");
            }).findFirst().orElse(null);
        } catch (IOException | java.io.UncheckedIOException e) {
            return null;
        }
    }

    /** mount: crash's columns (MOUNT, SUPERBLK, TYPE, DEVNAME, DIRNAME) for the first namespace's mounts. */
    static void mount(CrashSession s, List<String> args, PrintStream out) {
        if (!args.isEmpty()) throw new CommandError("options " + String.join(" ", args) + " are not supported by kdx; plain mount is");
        Mounts.Result r = Mounts.list(s.kernel);
        StringBuilder sb = new StringBuilder();
        int devlen = "DEVNAME".length() + 2;
        sb.append(CrashText.center("MOUNT", 16)).append(' ').append(CrashText.center("SUPERBLK", 16)).append(' ')
                .append(CrashText.ljust("TYPE", 6)).append(' ').append(CrashText.ljust("DEVNAME", devlen)).append(" DIRNAME\n");
        long ns = -1;
        for (MountInfo m : r.mounts()) {
            if (ns == -1) ns = m.mntNamespace();
            if (m.mntNamespace() != ns) continue; // crash lists the mounts of the current task's namespace
            sb.append(Fmt.format("%016x %016x %-6s %s %-10s%n", m.mount(), m.superBlock(), m.fstype() == null ? "?" : m.fstype(),
                    CrashText.ljust(m.device() == null ? "(unknown)" : m.device(), devlen), m.mountpoint() == null ? "?" : m.mountpoint()));
        }
        out.print(sb);
        for (String p : r.problems()) s.err.println("mount: " + p);
    }

    /** kmem -i: crash's memory table (KmemInfo); kmem's other options are not answered. */
    static void kmem(CrashSession s, List<String> args, PrintStream out) {
        if (!args.equals(List.of("-i"))) throw new CommandError("kdx answers kmem -i only");
        KmemInfo.Rows r = KmemInfo.read(s.kernel);
        out.print(KmemInfo.render(r));
        for (String p : r.problems()) s.err.println("kmem: " + p);
    }

    static void analyze(CrashSession s, List<String> args, PrintStream out) {
        boolean stacks = args.contains("--stacks");
        out.print(TextReport.of(Analyzer.analyze(s.kernel), stacks));
    }
}
