package io.kdx.analyzer.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdx.analyzer.log.KernelLog;
import io.kdx.analyzer.log.LogRecord;
import io.kdx.analyzer.testkit.FakeKernel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditTest {
    FakeKernel k = new FakeKernel();

    void u32(String sym, long v) {
        k.putU32(k.allocSymbol(sym, 8), v);
    }

    void queue(String sym, int len) {
        long q = k.allocSymbol(sym, 24);
        k.putU32(q + 16, len);
    }

    void common() {
        k.types.struct("sk_buff_head", 24).member("qlen", 16, 4);
        k.types.struct("auditd_connection", 40).member("pid", 0, 8).member("portid", 8, 4);
        k.types.struct("pid", 96).member("numbers", 96, 0);
        k.types.struct("upid", 16).member("nr", 0, 4);
        u32("audit_enabled", 1);
        u32("audit_failure", 1);
        u32("audit_backlog_limit", 64);
        u32("audit_lost", 1234);
        u32("audit_rate_limit", 0);
        u32("audit_backlog_wait_time", 15);
        u32("audit_backlog_wait_time_actual", 7);
        queue("audit_queue", 64);
        queue("audit_retry_queue", 0);
        queue("audit_hold_queue", 3);
    }

    @Test
    void readsTheVariablesAndTheDaemonThroughAuditdConn() {
        common();
        long pid = k.alloc(112);
        k.putU32(pid + 96, 321);
        long conn = k.alloc(40);
        k.putU64(conn, pid);
        k.putU32(conn + 8, 321);
        k.putU64(k.allocSymbol("auditd_conn", 8), conn);
        AuditState s = Audit.read(k);
        assertEquals(List.of(), s.problems());
        assertEquals(1, s.enabled());
        assertEquals(321, s.daemonPid());
        assertEquals(64, s.backlogLimit());
        assertEquals(64, s.backlog());
        assertEquals(3, s.holdQueue());
        assertEquals(1234, s.lost());
        assertEquals(15, s.backlogWaitTime());
        assertEquals(7, s.backlogWaitTimeActual());
        assertTrue(s.backlogFull());
    }

    @Test
    void noDaemonIsPidZeroAndOldKernelsUseAuditPid() {
        common();
        k.putU64(k.allocSymbol("auditd_conn", 8), 0);
        assertEquals(0, Audit.read(k).daemonPid());
        FakeKernel old = k;
        k = new FakeKernel();
        common();
        u32("audit_pid", 77);
        assertEquals(77, Audit.read(k).daemonPid());
        assertTrue(old != k);
    }

    @Test
    void beforeFourElevenTheQueuesHadOtherNames() {
        k.types.struct("sk_buff_head", 24).member("qlen", 16, 4);
        u32("audit_enabled", 1);
        u32("audit_pid", 55);
        queue("audit_skb_queue", 12);
        queue("audit_skb_hold_queue", 2);
        AuditState s = Audit.read(k);
        assertEquals(12, s.backlog());
        assertEquals(2, s.holdQueue());
        assertEquals(-1, s.retryQueue());
        assertEquals(55, s.daemonPid());
    }

    @Test
    void aMissingVariableIsNamedNotGuessed() {
        k.types.struct("sk_buff_head", 24).member("qlen", 16, 4);
        u32("audit_enabled", 0);
        AuditState s = Audit.read(k);
        assertEquals(-1, s.backlogLimit());
        assertTrue(s.problems().contains("no symbol audit_backlog_limit"), s.problems().toString());
    }

    @Test
    void logEvidenceIsCountedWithFirstAndLastTimes() {
        KernelLog log = new KernelLog("lockless ring", List.of(
                rec(1, "audit: type=1300 audit(1.2:3): arch=c000003e syscall=90"),
                rec(2, "audit: audit_backlog=65 > audit_backlog_limit=64"),
                rec(3, "audit: audit_lost=1 audit_rate_limit=0 audit_backlog_limit=64"),
                rec(4, "audit: backlog limit exceeded"),
                rec(9, "audit: backlog limit exceeded")), List.of());
        AuditLog.Evidence e = AuditLog.scan(log);
        assertEquals(2, e.limitExceeded().count());
        assertEquals(4_000_000_000L, e.limitExceeded().first().tsNsec());
        assertEquals(9_000_000_000L, e.limitExceeded().last().tsNsec());
        assertEquals(1, e.backlogOverLimit().count());
        assertEquals(1, e.lostSummary().count());
        assertEquals(0, e.holdOverflow().count());
        assertTrue(e.any());
    }

    static LogRecord rec(long secs, String text) {
        return new LogRecord(secs, secs * 1_000_000_000L, 4, 0, text.getBytes(StandardCharsets.UTF_8));
    }
}
