package io.kdx.analyzer.oops;

import io.kdx.analyzer.log.KernelLog;
import io.kdx.analyzer.log.LogRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the kernel printed about a panic or an oops, in its own words (arch/x86/kernel/dumpstack.c
 * __show_regs and show_ip, lib/dump_stack.c, arch/x86/mm/fault.c): the first report line, the
 * "CPU: c [UID: u] PID: p Comm: c Tainted|Not tainted" line after it, the RIP line and the register block,
 * and the fault address of a page fault.
 *
 * @param message      "Kernel panic - not syncing: ..." or the oops's first line
 * @param oops         the first oops line ("BUG: ...", "Oops: ...", "general protection fault", "kernel BUG at"), or null
 * @param cpu          from the CPU line, -1 when absent
 * @param ip           the RIP line's "function+0xoff/0xsize" for a kernel ip, else "SEG:0xADDRESS", or null
 * @param registers    the register block after the report: name (lower case, "rip", "rsp", "eflags", "orig_rax", ...) to value
 * @param faultAddress the address of "unable to handle page fault for address: X" / "NULL pointer dereference, address: X", or -1
 * @param taint        the CPU line's taint column ("Not tainted", or the letters after "Tainted: ")
 * @param bugLocation  "kernel BUG at FILE:LINE!" as FILE:LINE, or null
 * @param corruption   the data-corruption report the kernel printed just before the oops
 *                     (lib/list_debug.c with CONFIG_DEBUG_LIST / CONFIG_LIST_HARDENED: "list_add corruption. ...",
 *                     "list_del corruption, ..."), or null
 */
public record OopsLog(String message, String oops, int cpu, int pid, String comm, String ip, Map<String, Long> registers,
        long faultAddress, String taint, String bugLocation, String corruption) {

    // Kernels after 6.1 print "UID: u" before the PID (Debian's 6.12 does; 6.1 does not): optional here.
    public static final Pattern CPU_LINE = Pattern.compile("^CPU: (\\d+) (?:UID: \\d+ )?PID: (\\d+) Comm: (\\S+)");
    static final Pattern CPU = Pattern.compile("^CPU: (\\d+) (?:UID: \\d+ )?PID: (\\d+) Comm: (\\S+) (Not tainted|Tainted: ([A-Z ]*?))\\s+\\d");
    static final Pattern RIP = Pattern.compile("^RIP: ([0-9a-f]{4}):(\\S+(?: \\[\\S+\\])?)");
    static final Pattern REG = Pattern.compile("\\b(R[A-Z0-9]{1,2}|EFLAGS|ORIG_RAX): ([0-9a-f]{4}:)?([0-9a-f]{8,16})\\b");
    static final Pattern FAULT = Pattern.compile("(?:unable to handle page fault for address|NULL pointer dereference, address): ([0-9a-f]+)");
    static final Pattern BUG_AT = Pattern.compile("^kernel BUG at (\\S+)!");

    /** lib/list_debug.c's reports (CHECK_DATA_CORRUPTION), and any "... corruption" line of that form. */
    static final Pattern CORRUPTION = Pattern.compile("^(list_(add|del) corruption|\\S+ corruption)[.,:]");
    /** More oops reports than one dump's log needs told one by one. */
    static final int MAX_REPORTS = 64;

    static boolean isOops(String m) {
        return m.startsWith("BUG: ") || m.startsWith("Oops: ") || m.startsWith("general protection fault") || m.startsWith("kernel BUG at");
    }

    /** The last panic (or, without one, the first oops) and what the kernel printed after it; null when neither is in the log. */
    public static OopsLog scan(KernelLog log) {
        if (log == null) return null;
        List<LogRecord> rs = log.records();
        int panic = -1, oops = -1;
        for (int i = 0; i < rs.size(); i++) {
            String m = rs.get(i).message();
            if (m.startsWith("Kernel panic - not syncing")) panic = i;
            else if (oops < 0 && isOops(m)) oops = i;
        }
        if (panic < 0 && oops < 0) return null;
        // the report's details follow its first line: an oops's, or for a bare panic, the panic's
        int from = oops >= 0 && (panic < 0 || oops < panic) ? oops : panic;
        String message = (panic >= 0 ? rs.get(panic) : rs.get(oops)).message().strip();
        String oopsLine = oops >= 0 ? rs.get(oops).message().strip() : null;
        int end = panic >= 0 ? Math.min(rs.size(), from + 400) : reportEnd(rs, from);
        return read(rs, from, end, message, oopsLine);
    }

    /**
     * Every oops report in the log, in order (a kernel with panic_on_oops off survives several: each
     * task is killed in turn): a report runs from its first oops line to its "---[ end trace" line.
     */
    public static List<OopsLog> oopses(KernelLog log) {
        List<OopsLog> out = new java.util.ArrayList<>();
        if (log == null) return out;
        List<LogRecord> rs = log.records();
        for (int i = 0; i < rs.size() && out.size() < MAX_REPORTS; i++) {
            String m = rs.get(i).message().strip();
            if (m.startsWith("Kernel panic - not syncing")) break; // the panic's own report
            if (!isOops(m)) continue;
            int end = reportEnd(rs, i);
            out.add(read(rs, i, end, m, m));
            i = end - 1;
        }
        return out;
    }

    /** The index after the report starting at {@code from}: after its "---[ end trace" line, or at the next panic. */
    static int reportEnd(List<LogRecord> rs, int from) {
        for (int i = from + 1; i < rs.size() && i < from + 400; i++) {
            String m = rs.get(i).message().strip();
            if (m.startsWith("---[ end trace")) return i + 1;
            if (m.startsWith("Kernel panic - not syncing")) return i;
        }
        return Math.min(rs.size(), from + 400);
    }

    static OopsLog read(List<LogRecord> rs, int from, int end, String message, String oopsLine) {
        int cpu = -1, pid = -1;
        String comm = null, ip = null, taint = null, bugAt = null, corruption = null;
        long fault = -1;
        Map<String, Long> regs = new LinkedHashMap<>();
        boolean regsDone = false;
        for (int i = Math.max(0, from - 2); i < end; i++) {
            String m = rs.get(i).message().strip();
            if (i > from && m.startsWith("Kernel panic - not syncing") && !regs.isEmpty()) break;
            if (i < from && m.startsWith("---[ end trace")) continue; // the previous report's end
            Matcher x = CORRUPTION.matcher(m);
            if (corruption == null && i <= from + 1 && x.find()) corruption = m;
            Matcher f = FAULT.matcher(m);
            if (fault == -1 && f.find()) fault = Long.parseUnsignedLong(f.group(1), 16);
            Matcher b = BUG_AT.matcher(m);
            if (bugAt == null && b.find()) bugAt = b.group(1);
            if (i < from) continue;
            Matcher c = CPU.matcher(m);
            if (cpu < 0 && c.find()) {
                cpu = Integer.parseInt(c.group(1));
                pid = Integer.parseInt(c.group(2));
                comm = c.group(3);
                taint = c.group(4).startsWith("Not") ? "Not tainted" : c.group(5).replace(" ", "");
            }
            Matcher r = RIP.matcher(m);
            if (!regsDone && ip == null && r.find()) ip = r.group(1).equals("0010") ? r.group(2) : r.group(1) + ":" + r.group(2);
            if (!regsDone && ip != null) {
                Matcher g = REG.matcher(m);
                boolean any = false;
                while (g.find()) {
                    String name = g.group(1).toLowerCase(java.util.Locale.ROOT).replaceFirst("^r0", "r"); // R08, R09 print as r8, r9
                    regs.putIfAbsent(name, Long.parseUnsignedLong(g.group(3), 16));
                    any = true;
                }
                if (!any && !regs.isEmpty() && !m.startsWith("Code:") && !m.startsWith("RIP:")) regsDone = true;
            }
        }
        if (ip != null && ip.matches("[0-9a-f]{4}:0x[0-9a-f]+")) regs.putIfAbsent("rip", Long.parseUnsignedLong(ip.substring(7), 16));
        return new OopsLog(message, oopsLine, cpu, pid, comm, ip, regs, fault, taint, bugAt, corruption);
    }
}
