package io.kdx.analyzer.cli;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.mem.MemInfo;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code kdx mem}: the dump's memory summary, as /proc/meminfo computes it, and free pages per zone. */
@Command(name = "mem", mixinStandardHelpOptions = true,
        description = {"The dumped machine's memory as /proc/meminfo computes it: MemTotal, MemFree, Buffers, Cached, SwapCached, Slab; free pages per zone.",
                "JSON keys: mem_total_kb, mem_free_kb, buffers_kb, cached_kb, swap_cached_kb, slab_kb (null when unknown, the reason in problems), zones [{node, zone, free_kb, present_kb}], problems,",
                "unreadable_records [{kind, address, page_state, object, text}] (problems as typed records). Exit 4 when anything could not be read."})
public final class MemCommand extends KernelCommand {

    @Override
    protected int run(Kernel kernel) throws Exception {
        MemInfo m = MemInfo.read(kernel);
        PrintStream out = out();
        if (json) {
            out.println(Json.MAPPER.writeValueAsString(doc(m)));
        } else {
            line(out, "MemTotal", m.memTotalKb());
            line(out, "MemFree", m.memFreeKb());
            line(out, "Buffers", m.buffersKb());
            line(out, "Cached", m.cachedKb());
            line(out, "SwapCached", m.swapCacheKb());
            line(out, "Slab", m.slabKb());
            for (MemInfo.Zone z : m.zones()) {
                out.print(Fmt.format("Node %d, zone %-8s free %10s kB of %10s kB present%n", z.node(), z.name(),
                        z.freeKb() < 0 ? UNKNOWN : z.freeKb(), z.presentKb()));
            }
            for (String p : m.problems()) System.err.println("kdx: " + dumpPath + ": " + p);
        }
        // what could not be read was said: 4, as every command that reads the kernel (issue #12)
        return m.unreadable().isEmpty() ? ExitCodes.OK : ExitCodes.INCOMPLETE_DUMP;
    }

    /** A value that could not be read, in the text; its reason is on stderr (issue #12: never 0, -1 or "null"). */
    static final String UNKNOWN = "(unknown)";

    /** The JSON object: an unknown value is null; {@code problems} says why and {@code unreadable_records} types it. */
    static Map<String, Object> doc(MemInfo m) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("mem_total_kb", kb(m.memTotalKb()));
        doc.put("mem_free_kb", kb(m.memFreeKb()));
        doc.put("buffers_kb", kb(m.buffersKb()));
        doc.put("cached_kb", kb(m.cachedKb()));
        doc.put("swap_cached_kb", kb(m.swapCacheKb()));
        doc.put("slab_kb", kb(m.slabKb()));
        List<Map<String, Object>> zs = new ArrayList<>();
        for (MemInfo.Zone z : m.zones()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("node", z.node());
            o.put("zone", z.name());
            o.put("free_kb", kb(z.freeKb()));
            o.put("present_kb", kb(z.presentKb()));
            zs.add(o);
        }
        doc.put("zones", zs);
        doc.put("problems", m.problems());
        doc.put("unreadable_records", m.unreadable());
        return doc;
    }

    static void line(PrintStream out, String name, long kb) {
        if (kb < 0) out.print(Fmt.format("%-16s%s%n", name + ":", UNKNOWN));
        else out.print(Fmt.format("%-16s%8d kB%n", name + ":", kb));
    }

    static Object kb(long v) {
        return v < 0 ? null : v;
    }
}
