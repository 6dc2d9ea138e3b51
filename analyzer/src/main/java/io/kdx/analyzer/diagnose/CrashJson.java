package io.kdx.analyzer.diagnose;

import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON of a panic's or oops's details (keys in the README, "kdx analyze --json"). */
final class CrashJson {
    private CrashJson() {}

    static void details(Map<String, Object> o, Finding.CrashDetails d) {
        if (d == null) return;
        o.put("ip", d.ip());
        o.put("caller", d.caller());
        o.put("oops", d.oops());
        o.put("fault_address", d.faultAddress() == -1 ? null : JsonReport.hex(d.faultAddress()));
        o.put("bug_at", d.bugAt());
        o.put("bug_table", d.bugTable());
        o.put("corruption", d.corruption());
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("mask", d.taint() == null || d.taint().mask() < 0 ? null : d.taint().mask());
        t.put("letters", d.taint() == null ? null : d.taint().letters());
        t.put("flags", d.taint() == null ? null : d.taint().names());
        t.put("log", d.logTaint());
        t.put("note", d.taint() == null ? null : d.taint().note());
        o.put("taint", t);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("log", regs(d.logRegisters()));
        Map<String, Object> cpu = null;
        if (d.cpuRegisters() != null) {
            cpu = new LinkedHashMap<>();
            cpu.put("ip", d.cpuIp());
            cpu.put("values", regs(d.cpuRegisters()));
        }
        r.put("cpu", cpu);
        r.put("entry", regs(d.entryRegisters()));
        o.put("registers", r);
        o.put("log_stack", d.logStack());
    }

    static void oom(Map<String, Object> o, Finding.OomKill k) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("pid", k.victimPid());
        v.put("comm", k.victimComm());
        v.put("rss_kb", k.rssKb());
        v.put("anon_rss_kb", k.anonRssKb());
        v.put("file_rss_kb", k.fileRssKb());
        v.put("shmem_rss_kb", k.shmemRssKb());
        v.put("total_vm_kb", k.totalVmKb());
        v.put("in_task_list", k.victimPresent());
        o.put("victim", v);
        Map<String, Object> inv = new LinkedHashMap<>();
        inv.put("pid", k.invokerPid() < 0 ? null : k.invokerPid());
        inv.put("comm", k.invokerComm());
        o.put("invoker", inv);
        o.put("constraint", k.constraint());
        o.put("mem_info_pages", k.memInfo());
        o.put("largest", k.largest().stream().map(t -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pid", t.pid());
            m.put("comm", t.comm());
            m.put("rss_kb", t.rssKb());
            m.put("total_vm_kb", t.totalVmKb());
            return m;
        }).toList());
        Map<String, Object> now = new LinkedHashMap<>();
        now.put("mem_total_kb", k.memTotalKb() < 0 ? null : k.memTotalKb());
        now.put("mem_free_kb", k.memFreeKb() < 0 ? null : k.memFreeKb());
        o.put("now", now);
        o.put("reports", k.reports().stream().map(JsonReport::record).toList());
    }

    static Map<String, Object> regs(Map<String, Long> m) {
        if (m == null) return null;
        Map<String, Object> o = new LinkedHashMap<>();
        for (var e : m.entrySet()) o.put(e.getKey(), e.getValue() == null ? null : JsonReport.hex(e.getValue()));
        return o;
    }
}
