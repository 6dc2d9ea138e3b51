package io.kdx.analyzer.diagnose;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kdx.analyzer.stack.Frame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The function a stuck CPU is stuck in: the stack of Debian 6.1.0-57's lockup dump, whose CPU 1 the
 * dump caught inside the timer interrupt (rb_next under __hrtimer_run_queues) on top of kdx_spin,
 * the function the watchdog and RCU stall reports print as RIP.
 */
class LockupStuckInTest {
    static List<Frame> frames(String... fs) {
        List<Frame> out = new ArrayList<>();
        for (String s : fs) {
            boolean scan = s.startsWith("? ");
            String n = scan ? s.substring(2) : s;
            String module = n.endsWith(" [kdxlock]") ? "kdxlock" : null;
            n = n.replace(" [kdxlock]", "");
            String fn = n.substring(0, n.indexOf('+'));
            long off = Long.parseLong(n.substring(n.indexOf("+0x") + 3), 16);
            out.add(new Frame(out.size(), 0, 0, fn, off, module, scan ? "scan" : out.isEmpty() ? "regs" : "orc"));
        }
        return out;
    }

    @Test
    void theInterruptedContextBelowTheTimerInterrupt() {
        List<Frame> f = frames("rb_next+0x3b", "timerqueue_del+0x1b", "__hrtimer_run_queues+0xdf", "hrtimer_interrupt+0xf4",
                "__sysvec_apic_timer_interrupt+0x5d", "sysvec_apic_timer_interrupt+0x69", "asm_sysvec_apic_timer_interrupt+0x16",
                "kdx_spin+0x21 [kdxlock]", "spinner+0x4d [kdxlock]", "kthread+0xda", "ret_from_fork+0x22");
        assertEquals("kdx_spin+0x21 [kdxlock]", LockupDiagnostic.stuckIn(f));
    }

    @Test
    void theInnermostFrameWhenNotInAnInterrupt() {
        assertEquals("kdx_spin+0x21 [kdxlock]", LockupDiagnostic.stuckIn(frames("? rb_next+0x3b", "kdx_spin+0x21 [kdxlock]",
                "spinner+0x4d [kdxlock]", "kthread+0xda", "ret_from_fork+0x22")));
        // an exception entry with nothing reliable below it: the innermost reliable frame
        assertEquals("exc_page_fault+0x10", LockupDiagnostic.stuckIn(frames("exc_page_fault+0x10", "asm_exc_page_fault+0x22", "? foo+0x1")));
        assertNull(LockupDiagnostic.stuckIn(List.of()));
    }
}
