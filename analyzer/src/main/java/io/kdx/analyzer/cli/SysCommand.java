package io.kdx.analyzer.cli;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.log.KernelLogs;
import io.kdx.analyzer.sys.Sys;
import io.kdx.analyzer.sys.SysInfo;
import io.kdx.analyzer.sys.SysText;
import io.kdx.analyzer.tasks.Tasks;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code kdx sys}: the machine and the moment of the dump, as crash's sys shows them. */
@Command(name = "sys", mixinStandardHelpOptions = true,
        description = {"Show the dumped system: kernel, CPUs, date, uptime, load, tasks, utsname, memory and the panic message, as crash's sys does.",
                "JSON keys: kernel, dumpfile, partial, cpus, cpus_offline, date, date_seconds, uptime, uptime_seconds, load_average, tasks, nodename, release, version, machine, memory_bytes, panic, problems,",
                "unknown {field: reason} (a field that could not be read is null), unreadable_records [{kind, address, page_state, object, text}]."})
public final class SysCommand extends KernelCommand {
    @Override
    protected int run(Kernel kernel) throws Exception {
        SysInfo s = Sys.read(kernel, Tasks.walk(kernel), KernelLogs.read(kernel));
        PrintStream out = out();
        if (json) {
            out.println(Json.MAPPER.writeValueAsString(doc(s)));
            return s.unreadable().isEmpty() ? ExitCodes.OK : ExitCodes.INCOMPLETE_DUMP;
        }
        out.print(SysText.render(s));
        for (String p : s.problems()) System.err.println("kdx: " + dumpPath + ": " + p);
        return s.unreadable().isEmpty() ? ExitCodes.OK : ExitCodes.INCOMPLETE_DUMP; // what was not read was said: 4
    }

    /** The JSON object: a value that could not be read is null, with its reason in {@code unknown} (issue #12). */
    static Map<String, Object> doc(SysInfo s) {
        Map<String, String> unknown = s.unknown();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("kernel", s.kernel());
        o.put("dumpfile", s.dumpfile());
        o.put("partial", s.partial());
        o.put("cpus", s.cpus());
        o.put("cpus_offline", s.cpusOffline() < 0 ? null : s.cpusOffline());
        o.put("date", s.dateSeconds() < 0 ? null : SysText.date(s.dateSeconds()));
        o.put("date_seconds", s.dateSeconds() < 0 ? null : s.dateSeconds());
        o.put("uptime", s.uptimeSeconds() < 0 ? null : SysText.uptime(s.uptimeSeconds()));
        o.put("uptime_seconds", s.uptimeSeconds() < 0 ? null : s.uptimeSeconds());
        o.put("load_average", unknown.containsKey("load_average") ? null : s.loadAverage());
        o.put("tasks", s.tasks()); // what was found; unknown.tasks says when the list could not be read in full
        o.put("nodename", s.nodename());
        o.put("release", s.release());
        o.put("version", s.version());
        o.put("machine", s.machine());
        o.put("memory_bytes", s.memoryBytes() < 0 ? null : s.memoryBytes());
        o.put("panic", s.panic());
        o.put("problems", s.problems());
        o.put("unknown", unknown);
        o.put("unreadable_records", s.unreadable());
        return o;
    }
}
