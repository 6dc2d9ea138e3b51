package io.kdx.analyzer.oops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kdx.analyzer.log.KernelLog;
import io.kdx.analyzer.log.LogRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Several oops reports in one log (a kernel that survives each, as the faults fixture's 6.1 guest
 * printed them, abridged): each is its own report, bounded by its end-trace line, so a BUG report
 * does not take the next report's fault address, and the list_debug.c line before a BUG is its
 * corruption.
 */
class OopsLogTest {
    static KernelLog log(String... lines) {
        List<LogRecord> rs = new ArrayList<>();
        for (String l : lines) rs.add(new LogRecord(rs.size(), rs.size() * 1000L, 4, 0, l.getBytes(StandardCharsets.UTF_8)));
        return new KernelLog("test", rs, List.of());
    }

    @Test
    void eachReportIsItsOwn() {
        KernelLog log = log(
                "kdxlock: bug pid=113 comm=sh",
                "kernel BUG at /build/kdxlock/kdxlock.c:254!",
                "invalid opcode: 0000 [#1] PREEMPT SMP NOPTI",
                "CPU: 1 PID: 113 Comm: sh Tainted: G           OE      6.1.0-56-cloud-amd64 #1  Debian 6.1.192-2",
                "RIP: 0010:kdx_bug+0x27/0x29 [kdxlock]",
                "RSP: 0018:ffffd032003dba18 EFLAGS: 00000246",
                "---[ end trace 0000000000000000 ]---",
                "RIP: 0010:kdx_bug+0x27/0x29 [kdxlock]",
                "kdxlock: fault pid=114 comm=sh address=ffffd03200096010",
                "BUG: unable to handle page fault for address: ffffd03200096010",
                "#PF: supervisor write access in kernel mode",
                "Oops: 0002 [#2] PREEMPT SMP NOPTI",
                "CPU: 0 PID: 114 Comm: sh Tainted: G      D    OE      6.1.0-56-cloud-amd64 #1  Debian 6.1.192-2",
                "RIP: 0010:kdx_fault.cold+0x2c/0x3b [kdxlock]",
                "---[ end trace 0000000000000000 ]---",
                "list_add corruption. next->prev should be prev (ffffffffc042a020), but was ffffffffc042a650. (next=ffffffffc042a660).",
                "kernel BUG at lib/list_debug.c:27!",
                "invalid opcode: 0000 [#3] PREEMPT SMP NOPTI",
                "CPU: 0 PID: 115 Comm: sh Tainted: G      D    OE      6.1.0-56-cloud-amd64 #1  Debian 6.1.192-2",
                "RIP: 0010:__list_add_valid.cold+0x4b/0x5b",
                "---[ end trace 0000000000000000 ]---");
        List<OopsLog> os = OopsLog.oopses(log);
        assertEquals(3, os.size());
        assertEquals(List.of(113, 114, 115), os.stream().map(OopsLog::pid).toList());
        assertEquals("/build/kdxlock/kdxlock.c:254", os.get(0).bugLocation());
        assertEquals(-1, os.get(0).faultAddress()); // not the next report's
        assertNull(os.get(0).corruption());
        assertEquals(0xffffd03200096010L, os.get(1).faultAddress());
        assertEquals("BUG: unable to handle page fault for address: ffffd03200096010", os.get(1).oops());
        assertNull(os.get(1).bugLocation());
        assertEquals("kdx_fault.cold+0x2c/0x3b [kdxlock]", os.get(1).ip());
        assertEquals("lib/list_debug.c:27", os.get(2).bugLocation());
        assertEquals("list_add corruption. next->prev should be prev (ffffffffc042a020), but was ffffffffc042a650. (next=ffffffffc042a660).",
                os.get(2).corruption());
        // the single-report view is the first oops, as before
        assertEquals(113, OopsLog.scan(log).pid());
    }
}
