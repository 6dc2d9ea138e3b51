package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.stack.Frame;
import java.util.List;
import java.util.Set;

/**
 * Where a sleeping task waits, as /proc/PID/wchan says it: the first frame outside the scheduler.
 * Scheduler functions are those the kernel marks __sched (the .sched.text section, between
 * __sched_text_start and __sched_text_end), plus the context-switch helpers below them.
 */
final class WaitChannel {
    static final Set<String> SWITCH = Set.of("__switch_to_asm", "__switch_to", "context_switch", "finish_task_switch",
            "finish_task_switch.isra.0", "__schedule", "schedule", "schedule_timeout", "io_schedule", "io_schedule_timeout",
            "schedule_preempt_disabled", "schedule_hrtimeout_range_clock", "schedule_hrtimeout_range");

    private final long schedStart, schedEnd;

    WaitChannel(Kernel k) {
        schedStart = k.symbol("__sched_text_start");
        schedEnd = k.symbol("__sched_text_end");
    }

    boolean scheduler(Frame f) {
        if (f.function() != null && SWITCH.contains(f.function())) return true;
        return schedStart != 0 && Long.compareUnsigned(f.address(), schedStart) >= 0
                && Long.compareUnsigned(f.address(), schedEnd) < 0;
    }

    /** The wait channel's function name, or null when the stack has no frame outside the scheduler. */
    String of(List<Frame> frames) {
        for (Frame f : frames) {
            if (!f.reliable()) continue;
            if (!scheduler(f)) return f.function() != null ? f.function() : Fmt.format("0x%x", f.address());
        }
        return null;
    }
}
