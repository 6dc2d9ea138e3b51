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
        o.put("fault_address", d.faultAddress() < 0 ? null : JsonReport.hex(d.faultAddress()));
        o.put("bug_at", d.bugAt());
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

    static Map<String, Object> regs(Map<String, Long> m) {
        if (m == null) return null;
        Map<String, Object> o = new LinkedHashMap<>();
        for (var e : m.entrySet()) o.put(e.getKey(), e.getValue() == null ? null : JsonReport.hex(e.getValue()));
        return o;
    }
}
