package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.log.LogMatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Every task in D state grouped by wait channel, with the hung-task watchdog's reports (kernel/hung_task.c). */
final class HungTasksDiagnostic implements Diagnostic {
    static final Pattern WATCHDOG = Pattern.compile("INFO: task .+:\\d+ blocked for more than \\d+ seconds");

    @Override
    public int rank() {
        return 300;
    }

    @Override
    public List<Finding.HungTasks> examine(AnalysisContext c) {
        if (c.dState().isEmpty()) return List.of();
        Map<String, List<BlockedTask>> groups = new LinkedHashMap<>();
        double longest = -1;
        List<BlockedTask> d = c.stacks().values().stream().filter(b -> "UN".equals(b.state())).toList();
        for (BlockedTask b : d) {
            groups.computeIfAbsent(b.waitingIn() == null ? "(unknown)" : b.waitingIn(), x -> new ArrayList<>()).add(b);
            longest = Math.max(longest, b.blockedSeconds());
        }
        Map<String, List<BlockedTask>> sorted = new LinkedHashMap<>();
        groups.entrySet().stream().sorted((x, y) -> y.getValue().size() - x.getValue().size())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return List.of(new Finding.HungTasks(sorted, longest, LogMatch.all(c.log(), WATCHDOG, 1000)));
    }
}
