package io.kdx.analyzer.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdx.analyzer.audit.AuditLog;
import io.kdx.analyzer.audit.AuditState;
import io.kdx.analyzer.log.KernelLog;
import io.kdx.analyzer.stack.Frame;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The verdict says what the findings prove, and nothing when there is nothing. */
class VerdictTest {
    static final AuditState QUIET = new AuditState(1, 1, 100, 100, 320, 0, 0, 0, 0, 0, 10, 0, List.of());

    static BlockedTask task(int pid, String comm) {
        return new BlockedTask(pid, comm, 0xffff888000000000L + pid, "UN", "percpu_rwsem_wait", 12.5,
                List.of(new Frame(0, 0, 0, "percpu_rwsem_wait", 0x116, null, "orc")), null, List.of(), true);
    }

    @Test
    void nothingFoundSaysSo() {
        String v = Verdict.of(List.of(), QUIET);
        assertTrue(v.startsWith("No frozen filesystem, no panic"), v);
    }

    @Test
    void frozenFilesystemWithItsBlockedTasksAndTheAuditDaemon() {
        BlockedTask auditd = task(106, "auditd");
        var ff = new Finding.FrozenFilesystem(0xffff888001000000L, "ext4", "/dev/vda", "/mnt/data", List.of(Map.entry(1L, "/mnt/data")),
                4, "SB_FREEZE_COMPLETE", "super_block.s_writers.frozen, 4 bytes", List.of(auditd, task(109, "appwriter")), List.of(),
                List.of(), List.of("fsfreeze -u /mnt/data"));
        AuditState a = new AuditState(1, 1, 106, 106, 320, 321, 0, 0, 700, 0, 10, 0, List.of());
        var ev = AuditLog.scan(new KernelLog("lockless ring", List.of(), List.of()));
        var af = new Finding.AuditBacklog(a, ev, auditd, "UN", List.of(), List.of("x"));
        String v = Verdict.of(List.of(ff, af), a);
        assertEquals("The filesystem /mnt/data (ext4 on /dev/vda) is frozen (SB_FREEZE_COMPLETE); 2 tasks are blocked waiting"
                + " for it to thaw: auditd (pid 106), appwriter (pid 109). Audit is losing records: its daemon auditd"
                + " (pid 106) is blocked on the frozen /mnt/data; 700 records lost (audit_lost), backlog 321 of limit 320.", v);
    }

    @Test
    void auditWithoutALostRecordIsNotCalledLosing() {
        AuditState a = new AuditState(1, 1, 106, 106, 320, 12, 0, 0, 0, 0, 10, 0, List.of());
        var ev = AuditLog.scan(new KernelLog("lockless ring", List.of(), List.of()));
        var af = new Finding.AuditBacklog(a, ev, task(106, "auditd"), "UN", List.of(), List.of("x"));
        String v = Verdict.of(List.of(af), a);
        assertEquals("Audit is under pressure (no record lost yet): its daemon auditd (pid 106) is blocked; backlog 12 of limit 320."
                + " No frozen filesystem.", v);
    }

    @Test
    void hungTasksWithoutAFrozenFilesystemSayWhereTheyWait() {
        var h = new Finding.HungTasks(Map.of("io_schedule", List.of(task(1, "a"), task(2, "b"))), 12.5, List.of());
        String v = Verdict.of(List.of(h), QUIET);
        assertEquals("2 tasks are in uninterruptible sleep (D), 2 of them in io_schedule; no frozen filesystem.", v);
    }
}
