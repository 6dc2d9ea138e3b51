package io.kdx.analyzer.cli;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.log.DmesgFormat;
import io.kdx.analyzer.log.KernelLog;
import io.kdx.analyzer.log.KernelLogs;
import io.kdx.analyzer.log.LogRecord;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code kdx log}: the kernel log from the dump, line for line as makedumpfile --dump-dmesg writes it. */
@Command(name = "log", mixinStandardHelpOptions = true,
        description = {"Print the kernel log (dmesg) held in the dump: the lockless printk ring (5.10+), the record buffer (3.5 to 5.9) or the plain buffer.",
                "Lines are as makedumpfile --dump-dmesg writes them. JSON keys: layout, records [{seq, ts_nsec, level, facility, text}], problems."})
public final class LogCommand extends KernelCommand {

    @Override
    protected int run(Kernel kernel) throws Exception {
        KernelLog log = KernelLogs.read(kernel);
        PrintStream out = out();
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>(log.records().size());
            for (LogRecord r : log.records()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("seq", r.seq());
                m.put("ts_nsec", r.tsNsec());
                m.put("level", r.level());
                m.put("facility", r.facility());
                m.put("text", r.message());
                rows.add(m);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("layout", log.layout());
            doc.put("records", rows);
            doc.put("problems", log.problems());
            doc.put("unreadable_records", log.unreadable());
            out.println(Json.MAPPER.writeValueAsString(doc));
        } else {
            StringBuilder sb = new StringBuilder(log.records().size() * 80);
            for (LogRecord r : log.records()) sb.append(DmesgFormat.line(r)).append('\n');
            out.print(sb);
            out.flush();
            errorLine(log).ifPresent(System.err::println);
        }
        // a log that cannot be read is an incomplete answer from a dump that opened, as for every other command: 4
        return log.problems().isEmpty() ? ExitCodes.OK : ExitCodes.INCOMPLETE_DUMP;
    }

    /**
     * What was not read, as every command says it: the details as notes, then one line naming the
     * dump that says what the answer lacks (none read, or the records read so far), last on stderr.
     */
    private java.util.Optional<String> errorLine(KernelLog log) {
        if (log.problems().isEmpty()) return java.util.Optional.empty();
        for (String p : log.problems().subList(1, log.problems().size())) System.err.println("kdx: note: " + p);
        String what = log.records().isEmpty() ? "the kernel log could not be read"
                : "the kernel log could not be read in full (" + log.records().size() + " records printed)";
        String why = log.problems().getFirst();
        if (why.startsWith("kernel log unreadable: ")) why = why.substring("kernel log unreadable: ".length());
        return java.util.Optional.of("kdx: " + dumpPath + ": " + what + ": " + why);
    }
}
