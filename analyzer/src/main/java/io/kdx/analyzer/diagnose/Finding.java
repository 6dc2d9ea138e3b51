package io.kdx.analyzer.diagnose;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.audit.AuditLog;
import io.kdx.analyzer.audit.AuditState;
import io.kdx.analyzer.log.LogRecord;
import java.util.List;
import java.util.Map;

/** One thing kdx found, with its evidence. {@link #kind()} names it in the JSON. */
public sealed interface Finding {
    String kind();

    /**
     * A frozen filesystem and the tasks proven (or, when marked, suspected) to wait for it.
     *
     * @param field      the member read, with its width ("s_writers.frozen", 4 bytes)
     * @param mounts     every mount of that super_block: its address and mount point
     * @param suspected  D tasks whose stacks are in the freeze path but are on none of its queues
     * @param freezers   tasks that may have frozen it (in freeze_super/ioctl_fsfreeze, or a known agent by name)
     */
    record FrozenFilesystem(long superBlock, String fstype, String device, String mountpoint, List<Map.Entry<Long, String>> mounts,
            int level, String levelName, String field, List<BlockedTask> blocked, List<BlockedTask> suspected,
            List<String> freezers, List<String> remedy) implements Finding {
        public String kind() {
            return "frozen-filesystem";
        }
    }

    /** The audit subsystem under pressure: records lost, the backlog limit hit, or its daemon stuck. */
    record AuditBacklog(AuditState state, AuditLog.Evidence log, BlockedTask daemon, String daemonState,
            List<BlockedTask> waitingForBacklog, List<String> reasons) implements Finding {
        public String kind() {
            return "audit-backlog";
        }
    }

    /** D-state tasks grouped by wait channel, and the hung-task watchdog's reports. */
    record HungTasks(Map<String, List<BlockedTask>> byWaitChannel, double longestSeconds, List<LogRecord> watchdog)
            implements Finding {
        public String kind() {
            return "hung-tasks";
        }

        public int count() {
            return byWaitChannel.values().stream().mapToInt(List::size).sum();
        }
    }

    /** The kernel panicked: the message, the task that called panic(), and the crash's details. */
    record Panic(String message, int pid, String comm, int cpu, List<String> frames, CrashDetails details) implements Finding {
        public Panic(String message, int pid, String comm, int cpu, List<String> frames) {
            this(message, pid, comm, cpu, frames, null);
        }

        public String kind() {
            return "panic";
        }
    }

    /**
     * The kernel oopsed (BUG, page fault, general protection fault, kernel BUG at) and did not panic:
     * the task was killed and the machine ran on. Task, CPU and stack are the log's (the task may be gone).
     */
    record Oops(String message, int pid, String comm, int cpu, List<String> frames, CrashDetails details) implements Finding {
        public String kind() {
            return "oops";
        }
    }

    /**
     * What is known of a panic or oops beyond its message.
     *
     * @param ip             the faulting instruction as the oops's RIP line gives it (function+0xoff/0xsize), null for a bare panic
     * @param caller         the function that called panic(), from the dump's stack of the panicking task, else null
     * @param oops           the oops line that preceded a panic, or null
     * @param faultAddress   the page fault's address, -1 when none (a kernel address is negative as a long: compare with -1)
     * @param bugAt          "FILE:LINE" of a BUG(): the log's "kernel BUG at", else the dump's bug table at the faulting ip, or null
     * @param bugTable       "FILE:LINE" of the dump's bug table entry (lib/bug.c find_bug) at the faulting ip, or null
     * @param corruption     the data-corruption report printed just before the oops ("list_add corruption. ..."), or null
     * @param taint          tainted_mask from the dump, decoded
     * @param logTaint       the taint column of the report's CPU line ("Not tainted", "OE", ...), or null
     * @param logRegisters   the register block the kernel printed (kernel-mode for an oops, the user entry state for a panic)
     * @param cpuRegisters   the crashing CPU's saved registers (NT_PRSTATUS), or null
     * @param cpuIp          their instruction pointer as function+0xoff [module]
     * @param entryRegisters the task's entry pt_regs from its stack (user state for a task in a system call), or null
     */
    record CrashDetails(String ip, String caller, String oops, long faultAddress, String bugAt, String bugTable, String corruption,
            io.kdx.analyzer.oops.Taint taint, String logTaint, Map<String, Long> logRegisters, Map<String, Long> cpuRegisters,
            String cpuIp, Map<String, Long> entryRegisters, List<String> logStack) {}

    /**
     * Tasks blocked on one sleeping lock (mutex, rw_semaphore, rt_mutex, percpu_rw_semaphore), proven from the lock's own wait_list,
     * and who holds it.
     *
     * @param lockType   "mutex", "rw_semaphore", "rt_mutex" or "percpu_rw_semaphore"
     * @param name       the global the lock is, when a symbol says so, else null
     * @param container  the slab object the lock lies in (cache, object, offset), when it is in one, else null
     * @param ownerWord  the raw owner member as read
     * @param decoded    the owner and count words decoded for this kernel's version
     * @param owner      the holding task with its stack, or null when none is recorded
     * @param ownerWaitsFor the lock the owner itself waits on, 0 when none
     * @param waiters    the tasks on the lock's wait_list, in queue order
     * @param chain      from this lock: each lock, its owner, what that owner waits on, to the end
     * @param note       why the proof is partial, or null
     */
    record LockContention(long lock, String lockType, String name, io.kdx.analyzer.mem.SlabObject container, long ownerWord, io.kdx.analyzer.locking.LockOwner decoded,
            BlockedTask owner, long ownerWaitsFor, List<BlockedTask> waiters, List<Boolean> waiterWrites, List<LockStep> chain,
            String note) implements Finding {
        public String kind() {
            return "lock-contention";
        }

        /** The lock's name for a sentence: its symbol, else where it lies in a slab object, else null. */
        public String displayName() {
            if (name != null || container == null) return name;
            return Fmt.format("at +0x%x in %s object 0x%x", container.offset(), container.cache(), container.object());
        }

        public double longestSeconds() {
            return waiters.stream().mapToDouble(BlockedTask::blockedSeconds).max().orElse(-1);
        }
    }

    /** One step of a lock chain or cycle: a task, the lock it waits for and the lock it holds. */
    record LockStep(int pid, String comm, long task, String state, long waitsFor, String waitsForType, String waitsForName,
            long holds, String holdsType, String holdsName) {}

    /** Tasks each waiting for a lock the next one holds, round to the first: none of them can run again. */
    record Deadlock(List<LockStep> cycle, List<BlockedTask> tasks) implements Finding {
        public String kind() {
            return "deadlock";
        }
    }

    /**
     * A CPU stuck without scheduling: the soft-lockup or hard-lockup watchdog's report, or an RCU CPU
     * stall, with what the dump says that CPU runs.
     *
     * @param kind         "soft-lockup", "hard-lockup" or "rcu-stall"
     * @param pid          the task the CPU runs in the dump (its current task), else the log's, -1 when unknown
     * @param function     the function the CPU's current task is in (first frame of its stack), or null
     * @param logPid       the task the report names (soft lockup: [comm:pid]), -1 when none
     * @param stuckSeconds the watchdog's "stuck for Ns", -1 when not said
     * @param stillRunning the dump's current task on that CPU is the one the report named
     * @param reports      the report lines (first few)
     */
    record Lockup(String kind, int cpu, int pid, String comm, String function, int logPid, String logComm, double stuckSeconds,
            boolean stillRunning, List<String> stack, List<LogRecord> reports) implements Finding {}

    /**
     * The OOM killer killed a task, as mm/oom_kill.c reported it.
     *
     * @param victimPid     "Out of memory: Killed process PID (COMM)"
     * @param rssKb         anon-rss + file-rss + shmem-rss of the victim when killed
     * @param victimPresent the victim is still in the dump's task list (the kill may not have completed)
     * @param invokerPid    from the CPU line after "COMM invoked oom-killer", -1 when not printed
     * @param constraint    "CONSTRAINT_NONE", "CONSTRAINT_MEMCG", ... from the oom-kill: line, or null
     * @param memInfo       the report's Mem-Info counters (pages), as show_mem printed them
     * @param largest       the report's task table, largest rss first (pid, comm, rss in kB)
     * @param memTotalKb    the dump's totalram_pages now, in kB (-1 unknown)
     * @param memFreeKb     the dump's NR_FREE_PAGES now, in kB (-1 unknown)
     */
    record OomKill(int victimPid, String victimComm, long rssKb, long anonRssKb, long fileRssKb, long shmemRssKb, long totalVmKb,
            boolean victimPresent, int invokerPid, String invokerComm, String constraint, Map<String, Long> memInfo,
            List<OomTask> largest, long memTotalKb, long memFreeKb, List<LogRecord> reports) implements Finding {
        public String kind() {
            return "oom-kill";
        }
    }

    /** A line of the OOM report's task table. */
    record OomTask(int pid, String comm, long rssKb, long totalVmKb) {}
}
