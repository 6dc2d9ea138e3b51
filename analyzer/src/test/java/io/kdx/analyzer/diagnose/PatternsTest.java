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

    /** The OOM report's CPU line names the invoker's pid on 6.1 and on 6.10+, whose dump_stack prints "UID: u" before it. */
    @Test
    void oomInvokerCpuLineBeforeAndAfterTheUidField() {
        for (String l : new String[] {"CPU: 0 PID: 312 Comm: kdx-fill Not tainted 6.1.0-56-cloud-amd64 #1  Debian 6.1.192-2",
                "CPU: 0 UID: 0 PID: 312 Comm: kdx-fill Not tainted 6.12.118+deb12-cloud-amd64 #1  Debian 6.12.118-1~deb12u1"}) {
            var m = OomDiagnostic.CPU.matcher(l);
            assertTrue(m.find(), l);
            org.junit.jupiter.api.Assertions.assertEquals("312", m.group(2), l);
            org.junit.jupiter.api.Assertions.assertEquals("kdx-fill", m.group(3), l);
        }
    }
}
