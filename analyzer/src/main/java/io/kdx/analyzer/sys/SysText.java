package io.kdx.analyzer.sys;

import io.kdx.analyzer.text.Fmt;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** crash's sys layout: the same keys, in the same order, with values in the same form. */
public final class SysText {
    /** ctime's form with the zone: "Tue Nov  4 16:00:25 UTC 2026" (day of month space-padded). */
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss 'UTC' yyyy", Locale.ROOT);

    private SysText() {}

    public static Map<String, String> fields(SysInfo s) {
        Map<String, String> m = new LinkedHashMap<>();
        double[] l = s.loadAverage();
        m.put("KERNEL", s.kernel());
        m.put("DUMPFILE", s.dumpfile() + (s.partial() ? "  [PARTIAL DUMP]" : ""));
        m.put("CPUS", s.cpus() + (s.cpusOffline() > 0 ? " [OFFLINE: " + s.cpusOffline() + "]" : s.cpusOffline() < 0 ? " [OFFLINE: unknown]" : ""));
        m.put("DATE", date(s.dateSeconds()));
        m.put("UPTIME", uptime(s.uptimeSeconds()));
        m.put("LOAD AVERAGE", l[0] < 0 ? UNKNOWN : Fmt.format("%.2f, %.2f, %.2f", l[0], l[1], l[2]));
        // a count from a task list that could not be read in full is what was found, and says so
        m.put("TASKS", s.tasks() + (s.unknown().containsKey("tasks") ? " (at least: the task list could not be read in full)" : ""));
        m.put("NODENAME", known(s.nodename()));
        m.put("RELEASE", known(s.release()));
        m.put("VERSION", known(s.version()));
        m.put("MACHINE", known(s.machine()) + (s.cpuMhz() > 0 ? "  (" + s.cpuMhz() + " Mhz)" : ""));
        m.put("MEMORY", memory(s.memoryBytes()));
        // no panic line in a log kdx could not read in full is not "no panic" (issue #12)
        m.put("PANIC", s.panic() == null ? UNKNOWN : "\"" + s.panic() + "\"");
        return m;
    }

    /** What a value that could not be read prints: its reason follows on stderr (issue #12: never 0, -1 or "null"). */
    public static final String UNKNOWN = "(unknown)";

    /** What could not be read is "(unknown)" (the reason follows on stderr), never "null" (issue #12). */
    static String known(String v) {
        return v == null ? UNKNOWN : v;
    }

    public static String render(SysInfo s) {
        StringBuilder b = new StringBuilder();
        for (var e : fields(s).entrySet()) b.append(Fmt.format("%12s: %s%n", e.getKey(), e.getValue()));
        return b.toString();
    }

    public static String date(long secs) {
        return secs < 0 ? UNKNOWN : DATE.format(Instant.ofEpochSecond(secs).atOffset(ZoneOffset.UTC));
    }

    /** "00:01:02", or "3 days, 04:05:06". */
    public static String uptime(long secs) {
        if (secs < 0) return UNKNOWN;
        long d = secs / 86400, h = secs / 3600 % 24, m = secs / 60 % 60, s = secs % 60;
        String hms = Fmt.format("%02d:%02d:%02d", h, m, s);
        return d == 0 ? hms : d + (d == 1 ? " day, " : " days, ") + hms;
    }

    /** One decimal, ".0" dropped: "255.5 MB", "4 GB". */
    public static String memory(long bytes) {
        if (bytes < 0) return UNKNOWN;
        double v = bytes / 1048576.0;
        String unit = "MB";
        if (v >= 1024) {
            v /= 1024;
            unit = "GB";
        }
        String n = Fmt.format("%.1f", v);
        if (n.endsWith(".0")) n = n.substring(0, n.length() - 2);
        return n + " " + unit;
    }
}
