package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.stack.Frame;
import java.util.List;

/**
 * A task in uninterruptible sleep (D, crash's UN) and what is known of its wait.
 *
 * @param waitingIn      the wait channel: first function outside the scheduler
 * @param blockedSeconds time since it last ran (runqueue clock - sched_info.last_arrival), or -1
 * @param chain          the object chain from the task to what it waits on, one "what address" step
 *                       each, empty when none could be proven
 * @param proven         the chain was read from the kernel's own wait queue (not inferred from the stack)
 */
public record BlockedTask(int pid, String comm, long task, String state, String waitingIn, double blockedSeconds,
        List<Frame> frames, String stackNote, List<String> chain, boolean proven) {}
