package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.audit.AuditState;
import java.util.List;

/**
 * The whole answer of {@code kdx analyze}: a one-paragraph verdict, the findings with their
 * evidence, the audit state, and what kdx could not read (which limits what it can claim).
 */
public record Diagnosis(String verdict, List<Finding> findings, AuditState audit, int tasks, int blockedTasks,
        String release, String dump, List<String> unreadable, double seconds) {}
