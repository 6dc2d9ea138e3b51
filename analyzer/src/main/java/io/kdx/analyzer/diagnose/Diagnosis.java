package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.audit.AuditState;
import java.util.List;

/**
 * The whole answer of {@code kdx analyze}: a one-paragraph verdict, the findings with their
 * evidence, the audit state, and what kdx could not read (which limits what it can claim).
 *
 * @param notAnalyzed why kdx could not analyze the dump (the task list, the mounts or the log
 *                    unreadable, the dump damaged), one sentence each; empty when it could. When not
 *                    empty the verdict says so first, and {@code kdx analyze} exits with 4.
 * @param unreadableRecords {@code unreadable} as typed records (kind, address, page state, object, text),
 *                    one per sentence, in the same order
 */
public record Diagnosis(String verdict, List<Finding> findings, AuditState audit, int tasks, int blockedTasks,
        String release, String dump, List<String> unreadable, double seconds, List<String> notAnalyzed,
        List<io.kdx.analyzer.kernel.Unreadable> unreadableRecords) {

    public Diagnosis(String verdict, List<Finding> findings, AuditState audit, int tasks, int blockedTasks,
            String release, String dump, List<String> unreadable, double seconds, List<String> notAnalyzed) {
        this(verdict, findings, audit, tasks, blockedTasks, release, dump, unreadable, seconds, notAnalyzed, List.of());
    }

    public Diagnosis(String verdict, List<Finding> findings, AuditState audit, int tasks, int blockedTasks,
            String release, String dump, List<String> unreadable, double seconds) {
        this(verdict, findings, audit, tasks, blockedTasks, release, dump, unreadable, seconds, List.of());
    }

    /** kdx read the task list, the mounts and the log: the verdict stands on them. */
    public boolean analyzed() {
        return notAnalyzed.isEmpty();
    }
}
