package io.kdx.analyzer.cli;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.log.KernelLogs;
import io.kdx.analyzer.sys.Sys;
import io.kdx.analyzer.sys.SysInfo;
import io.kdx.analyzer.tasks.Tasks;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code kdx sys}: the machine and the moment of the dump, as crash's sys shows them. */
@Command(name = "sys", mixinStandardHelpOptions = true,
        description = {"Show the dumped system: kernel, CPUs, date, uptime, load, tasks, utsname, memory and the panic message, as crash's sys does.",
                "JSON keys: kernel, dumpfile, partial, cpus, cpus_offline, date, date_seconds, uptime, uptime_seconds, load_average, tasks, nodename, release, version, machine, memory_bytes, panic, problems."})
public final class SysCommand extends KernelCommand {
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss 'UTC' yyyy", Locale.ROOT);

    @Override
    protected int run(Kernel kernel) throws Exception {
        SysInfo s = Sys.read(kernel, Tasks.list(kernel).size(), KernelLogs.read(kernel));
        PrintStream out = out();
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("kernel", s.kernel());
            o.put("dumpfile", s.dumpfile());
            o.put("partial", s.partial());
            o.put("cpus", s.cpus());
            o.put("cpus_offline", s.cpusOffline());
            o.put("date", date(s.dateSeconds()));
            o.put("date_seconds", s.dateSeconds());
            o.put("uptime", uptime(s.uptimeSeconds()));
            o.put("uptime_seconds", s.uptimeSeconds());
            o.put("load_average", s.loadAverage());
            o.put("tasks", s.tasks());
            o.put("nodename", s.nodename());
            o.put("release", s.release());
            o.put("version", s.version());
            o.put("machine", s.machine());
            o.put("memory_bytes", s.memoryBytes());
            o.put("panic", s.panic());
            o.put("problems", s.problems());
            out.println(JSON.writeValueAsString(o));
            return ExitCodes.OK;
        }
        double[] l = s.loadAverage();
        out.printf("      KERNEL: %s%n", s.kernel());
        out.printf("    DUMPFILE: %s%s%n", s.dumpfile(), s.partial() ? "  [PARTIAL DUMP]" : "");
        out.printf("        CPUS: %d%s%n", s.cpus(), s.cpusOffline() > 0 ? " [OFFLINE: " + s.cpusOffline() + "]" : "");
        out.printf("        DATE: %s%n", date(s.dateSeconds()));
        out.printf("      UPTIME: %s%n", uptime(s.uptimeSeconds()));
        out.printf("LOAD AVERAGE: %.2f, %.2f, %.2f%n", l[0], l[1], l[2]);
        out.printf("       TASKS: %d%n", s.tasks());
        out.printf("    NODENAME: %s%n", s.nodename());
        out.printf("     RELEASE: %s%n", s.release());
        out.printf("     VERSION: %s%n", s.version());
        out.printf("     MACHINE: %s%s%n", s.machine(), s.cpuMhz() > 0 ? "  (" + s.cpuMhz() + " Mhz)" : "");
        out.printf("      MEMORY: %s%n", memory(s.memoryBytes()));
        out.printf("       PANIC: \"%s\"%n", s.panic());
        for (String p : s.problems()) System.err.println("kdx: " + p);
        return ExitCodes.OK;
    }

    static String date(long secs) {
        return secs < 0 ? "(unknown)" : DATE.format(Instant.ofEpochSecond(secs).atOffset(ZoneOffset.UTC));
    }

    /** crash's form: "00:01:02", or "3 days, 04:05:06". */
    static String uptime(long secs) {
        if (secs < 0) return "(unknown)";
        long d = secs / 86400, h = secs / 3600 % 24, m = secs / 60 % 60, s = secs % 60;
        String hms = String.format("%02d:%02d:%02d", h, m, s);
        return d == 0 ? hms : d + (d == 1 ? " day, " : " days, ") + hms;
    }

    static String memory(long bytes) {
        if (bytes < 0) return "(unknown)";
        double mb = bytes / 1048576.0;
        if (mb >= 1024) return String.format(Locale.ROOT, "%.1f GB", mb / 1024);
        return String.format(Locale.ROOT, "%.1f MB", mb);
    }
}
