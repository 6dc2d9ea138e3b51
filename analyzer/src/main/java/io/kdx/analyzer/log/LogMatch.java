package io.kdx.analyzer.log;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The records of a log that match a pattern: how many, the first and last of them (their times
 * and text). Evidence for a diagnosis is counted, never paraphrased.
 */
public record LogMatch(String pattern, int count, LogRecord first, LogRecord last) {

    public static LogMatch find(KernelLog log, Pattern p) {
        int n = 0;
        LogRecord first = null, last = null;
        for (LogRecord r : log.records()) {
            if (p.matcher(r.message()).find()) {
                if (first == null) first = r;
                last = r;
                n++;
            }
        }
        return new LogMatch(p.pattern(), n, first, last);
    }

    /** Every matching record (for evidence that names tasks, such as the hung-task watchdog's). */
    public static List<LogRecord> all(KernelLog log, Pattern p, int cap) {
        List<LogRecord> out = new ArrayList<>();
        for (LogRecord r : log.records()) {
            if (p.matcher(r.message()).find()) {
                out.add(r);
                if (out.size() >= cap) break;
            }
        }
        return out;
    }
}
