package io.kdx.analyzer.diagnose;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The log lines kdx counts, in the kernel's own words (kernel/hung_task.c). */
class PatternsTest {
    @Test
    void hungTaskWatchdogReport() {
        assertTrue(HungTasksDiagnostic.WATCHDOG.matcher("INFO: task auditd:106 blocked for more than 120 seconds.").find());
        assertTrue(HungTasksDiagnostic.WATCHDOG.matcher("INFO: task kworker/u4:2:87 blocked for more than 122 seconds.").find());
        assertFalse(HungTasksDiagnostic.WATCHDOG.matcher("task auditd:106 state:D stack:0 pid:106").find());
    }
}
