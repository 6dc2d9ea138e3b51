package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.Unreadable;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.analyzer.log.LogRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OOM kills, from the OOM killer's report in the log (mm/oom_kill.c: "COMM invoked oom-killer",
 * the dump_stack CPU line, show_mem's "Mem-Info:" counters, the "Tasks state" table, "oom-kill:
 * constraint=...", "Out of memory: Killed process PID (COMM) total-vm:..kB, anon-rss:..kB,
 * file-rss:..kB, shmem-rss:..kB"), with the dump's memory counters now (totalram_pages and
 * vm_zone_stat[NR_FREE_PAGES]) and whether the victim is still in the task list.
 */
final class OomDiagnostic implements Diagnostic {
    static final Pattern KILLED = Pattern.compile("(?:Out of memory|Memory cgroup out of memory): Killed process (\\d+) \\((.*)\\) "
            + "total-vm:(\\d+)kB, anon-rss:(\\d+)kB, file-rss:(\\d+)kB, shmem-rss:(\\d+)kB");
    static final Pattern INVOKED = Pattern.compile("^(.*) invoked oom-killer: ");
    /** dump_stack's CPU line, with the "UID: u" field 6.10 added before PID (the invoker's pid is group 2). */
    static final Pattern CPU = io.kdx.analyzer.oops.OopsLog.CPU_LINE;
    static final Pattern CONSTRAINT = Pattern.compile("^oom-kill:constraint=(\\w+)");
    static final Pattern TASK = Pattern.compile("^\\[\\s*(\\d+)\\]\\s+\\d+\\s+\\d+\\s+(\\d+)\\s+(\\d+)\\s+\\d+\\s+\\d+\\s+-?\\d+\\s+(.+)$");
    static final Pattern COUNTER = Pattern.compile("(\\w+):(\\d+)\\b");
    static final byte[] OOM = "oom".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Override
    public int rank() {
        return 30;
    }

    @Override
    public List<Finding.OomKill> examine(AnalysisContext c) {
        List<LogRecord> rs = c.log().records();
        List<Integer> kills = new ArrayList<>();
        for (int i = 0; i < rs.size(); i++) {
            byte[] t = rs.get(i).text();
            if (t == null || LockupDiagnostic.indexOf(t, OOM) < 0 && LockupDiagnostic.indexOf(t, "Killed process".getBytes()) < 0) continue;
            if (KILLED.matcher(rs.get(i).message()).find()) kills.add(i);
        }
        if (kills.isEmpty()) return List.of();
        long[] now = memoryNow(c);
        List<Finding.OomKill> out = new ArrayList<>();
        int from = 0;
        for (int kill : kills) {
            Matcher k = KILLED.matcher(rs.get(kill).message());
            k.find();
            int invokerPid = -1;
            String invoker = null, constraint = null;
            Map<String, Long> mem = new LinkedHashMap<>();
            List<Finding.OomTask> tasks = new ArrayList<>();
            List<LogRecord> reports = new ArrayList<>();
            int start = kill;
            for (int i = kill; i >= from && i > kill - 2000; i--) { // back to this report's "invoked oom-killer"
                if (INVOKED.matcher(rs.get(i).message()).find()) {
                    start = i;
                    break;
                }
            }
            boolean inMem = false;
            for (int i = start; i <= kill; i++) {
                String m = rs.get(i).message().strip();
                Matcher inv = INVOKED.matcher(m);
                if (i == start && inv.find()) {
                    invoker = inv.group(1);
                    reports.add(rs.get(i));
                }
                Matcher cpu = CPU.matcher(m);
                if (invokerPid < 0 && cpu.find()) invokerPid = Integer.parseInt(cpu.group(2));
                if (m.startsWith("Mem-Info:")) {
                    inMem = true;
                    continue;
                }
                if (inMem) { // show_mem's global counters: "active_anon:123 inactive_anon:456 ..." up to the per-node lines
                    if (m.startsWith("Node ") || m.startsWith("DMA") || m.contains("pagecache pages")) inMem = false;
                    else for (Matcher cm = COUNTER.matcher(m); cm.find(); ) mem.putIfAbsent(cm.group(1), Long.parseLong(cm.group(2)));
                }
                Matcher ct = CONSTRAINT.matcher(m);
                if (ct.find()) {
                    constraint = ct.group(1);
                    reports.add(rs.get(i));
                }
                Matcher tm = TASK.matcher(m);
                if (tm.find()) tasks.add(new Finding.OomTask(Integer.parseInt(tm.group(1)), tm.group(4).strip(),
                        Long.parseLong(tm.group(3)) * 4, Long.parseLong(tm.group(2)) * 4)); // pages of 4 KiB
            }
            reports.add(rs.get(kill));
            tasks.sort(Comparator.comparingLong(Finding.OomTask::rssKb).reversed());
            int pid = Integer.parseInt(k.group(1));
            long anon = Long.parseLong(k.group(4)), file = Long.parseLong(k.group(5)), shmem = Long.parseLong(k.group(6));
            var present = c.pid(pid);
            out.add(new Finding.OomKill(pid, k.group(2), anon + file + shmem, anon, file, shmem, Long.parseLong(k.group(3)),
                    present != null && k.group(2).equals(present.comm()), invokerPid, invoker, constraint, mem,
                    List.copyOf(tasks.subList(0, Math.min(5, tasks.size()))), now[0], now[1], List.copyOf(reports)));
            from = kill + 1;
        }
        return out;
    }

    /** {totalram_pages, NR_FREE_PAGES} in kB from the dump, -1 where unreadable. */
    static long[] memoryNow(AnalysisContext c) {
        Kernel k = c.kernel();
        long total = -1, free = -1;
        try {
            long tr = k.symbol("_totalram_pages"); // atomic_long_t since 5.0 (totalram_pages before)
            if (tr != 0) total = k.readU64(tr) * 4;
            long vz = k.symbol("vm_zone_stat");
            OptionalLong idx = k.types().enumerator("NR_FREE_PAGES");
            if (vz != 0 && idx.isPresent()) free = k.readU64(vz + 8 * idx.getAsLong()) * 4;
        } catch (MemoryFault | MissingTypeException e) {
            c.unreadable().add(Unreadable.of(Unreadable.MEMORY, "_totalram_pages, vm_zone_stat", e, "the memory counters (totalram_pages, vm_zone_stat) are unreadable: " + e.getMessage()));
        }
        return new long[] {total, free};
    }
}
