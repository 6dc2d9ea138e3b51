package io.kdx.analyzer.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.kdx.analyzer.kernel.Unreadable;
import io.kdx.analyzer.testkit.FakeKernel;
import io.kdx.analyzer.testkit.FakeLinux;
import io.kdx.analyzer.testkit.FakeLinux.FreezeLayout;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The wait-queue route of task recovery (issue #12): tasks asleep on a super_block's freeze queues,
 * on its percpu_down_write rcuwait and on the audit backlog queue are found from global roots
 * (super_blocks, audit_backlog_wait) without the task list; an entry whose private is not a task is
 * left out, and a broken root is said with its fault's address.
 */
class TaskRecoveryTest {
    static final long S_LIST = 48, THREAD_PID = 0x800, PID_NUMBERS = 0x30;

    final FakeLinux l = new FakeLinux(FreezeLayout.SB_WRITERS_INT);
    final FakeKernel k = l.k;

    TaskRecoveryTest() {
        k.types.struct("wait_queue_head", 24).member("head", 8, 16);
        k.types.struct("wait_queue_entry", 40).member("flags", 0, 4).member("private", 8, 8).member("func", 16, 8).member("entry", 24, 16);
        k.types.struct("percpu_rw_semaphore", 96).member("writer", 56, 8).member("writer.task", 56, 8).member("waiters", 64, 24);
        k.types.struct("super_block", 1472).member("s_list", S_LIST, 16);
        k.types.struct("task_struct", FakeLinux.TASK_SIZE).member("thread_pid", THREAD_PID, 8);
        k.types.struct("pid", 96).member("numbers", PID_NUMBERS, 16);
        k.types.struct("upid", 16).member("nr", 0, 4);
    }

    /** A task whose thread_pid names its own pid, as every real task_struct's does. */
    long task(int pid, String comm) {
        long t = l.task(pid, comm, l.initNs);
        long p = k.alloc(96);
        k.putU32(p + PID_NUMBERS, pid);
        k.putU64(t + THREAD_PID, p);
        return t;
    }

    /** Queues an entry (private, func) on the wait_queue_head at {@code wq}. */
    long enqueue(long wq, long priv, long func) {
        long head = wq + 8;
        if (k.readU64(head) == 0) {
            k.putU64(head, head);
            k.putU64(head + 8, head);
        }
        long e = k.alloc(40);
        k.putU64(e + 8, priv);
        k.putU64(e + 16, func);
        long link = e + 24, tail = k.readU64(head + 8);
        k.putU64(tail, link);
        k.putU64(link + 8, tail);
        k.putU64(link, head);
        k.putU64(head + 8, link);
        return e;
    }

    /** A super_block with its three freeze wait queues empty (each list head pointing to itself), as the kernel inits them. */
    long superBlock(String fstype, String id) {
        long sb = l.superBlock(fstype, id);
        for (int i = 0; i < 3; i++) {
            long head = sb + FakeLinux.RW_SEM + i * 96 + 64 + 8;
            k.putU64(head, head);
            k.putU64(head + 8, head);
        }
        return sb;
    }

    long superBlocks(long... sbs) {
        long head = k.allocSymbol("super_blocks", 16);
        long prev = head;
        for (long sb : sbs) {
            k.putU64(prev, sb + S_LIST);
            k.putU64(sb + S_LIST + 8, prev);
            prev = sb + S_LIST;
        }
        k.putU64(prev, head);
        k.putU64(head + 8, prev);
        return head;
    }

    @Test
    void sleepersOnFreezeAndAuditQueuesAreFoundWithoutTheTaskList() {
        long percpuWake = k.allocSymbol("percpu_rwsem_wake_function", 16), autoremove = k.allocSymbol("autoremove_wake_function", 16);
        long pollwake = k.allocSymbol("pollwake", 16);
        long sb = superBlock("ext4", "vda"), other = superBlock("proc", "proc");
        l.freeze(sb, 4);
        long auditd = task(106, "auditd"), appwriter = task(109, "appwriter"), freezer = task(200, "fsfreeze"), chmod = task(110, "chmodloop");
        long sem0 = sb + FakeLinux.RW_SEM, sem2 = sem0 + 2 * 96;
        enqueue(sem0 + 64, auditd, percpuWake);
        enqueue(sem0 + 64, appwriter, percpuWake);
        k.putU64(sem2 + 56, freezer); // rw_sem[2].writer.task: percpu_down_write waits for the readers to drain
        superBlocks(sb, other);
        long backlog = k.allocSymbol("audit_backlog_wait", 24);
        enqueue(backlog, chmod, autoremove);
        enqueue(backlog, k.alloc(64), pollwake); // a poll entry: its private is a poll_wqueues, not a task
        enqueue(backlog, k.alloc(FakeLinux.TASK_SIZE), autoremove); // a private that does not name itself as a task
        Set<Long> found = new LinkedHashSet<>();
        Unreadable problem = TaskRecovery.byWaitQueues(k, t -> found.add(t));
        assertNull(problem, String.valueOf(problem));
        assertEquals(List.of(auditd, appwriter, freezer, chmod), List.copyOf(found));
    }

    @Test
    void aBrokenSuperBlockListIsSaidWithItsFault() {
        long sb = superBlock("ext4", "vda");
        superBlocks(sb);
        k.putU64(sb + S_LIST, 0xdead000000000100L); // s_list.next into nowhere
        Unreadable u = TaskRecovery.byWaitQueues(k, t -> true);
        assertEquals("wait_queue", u.kind());
        assertEquals("super_blocks", u.object());
        assertEquals("0xdead000000000100", u.address(), u.toString());
        assertEquals("unmapped", u.pageState());
        assertEquals(true, u.text().startsWith("super_blocks: list link unreadable: 0xdead000000000100"), u.text());
    }
}
