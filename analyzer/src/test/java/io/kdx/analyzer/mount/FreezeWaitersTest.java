package io.kdx.analyzer.mount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdx.analyzer.testkit.FakeKernel;
import io.kdx.analyzer.testkit.FakeLinux;
import io.kdx.analyzer.testkit.FakeLinux.FreezeLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tasks queued on a frozen super_block, for the three layouts: 5.8+ percpu_rw_semaphore.waiters,
 * 4.3-5.7 rw_sem.wait_list of rwsem_waiter, and the pre-3.6 s_wait_unfrozen wait queue.
 */
class FreezeWaitersTest {
    // wait_queue_head {lock; head} and wait_queue_entry {flags; private; func; entry} as in 6.1
    static void waitQueueTypes(FakeKernel k) {
        k.types.struct("wait_queue_head", 24).member("head", 8, 16);
        k.types.struct("wait_queue_entry", 40).member("private", 8, 8).member("entry", 24, 16);
    }

    /** Appends entries (private = task) to the list head at {@code head}; returns their addresses. */
    static List<Long> enqueue(FakeKernel k, long head, long linkOff, long taskOff, long entrySize, long... tasks) {
        List<Long> out = new ArrayList<>();
        k.putU64(head, head);
        k.putU64(head + 8, head);
        for (long t : tasks) {
            long e = k.alloc(entrySize);
            k.putU64(e + taskOff, t);
            long link = e + linkOff, tail = k.readU64(head + 8);
            k.putU64(tail, link);
            k.putU64(link + 8, tail);
            k.putU64(link, head);
            k.putU64(head + 8, link);
            out.add(e);
        }
        return out;
    }

    /** A 5.8+ kernel: each s_writers semaphore keeps its sleepers on a wait queue, percpu_rw_semaphore.waiters. */
    static FakeLinux fiveEight() {
        FakeLinux l = new FakeLinux(FreezeLayout.SB_WRITERS_INT);
        waitQueueTypes(l.k);
        l.k.types.struct("percpu_rw_semaphore", 96).member("waiters", 64, 24);
        return l;
    }

    @Test
    void percpuRwsemWaitersFromFiveEight() {
        FakeLinux l = fiveEight();
        long sb = l.superBlock("ext4", "vda");
        l.freeze(sb, 4);
        long t1 = l.task(106, "auditd", l.initNs), t2 = l.task(109, "appwriter", l.initNs), t3 = l.task(300, "pagefaulter", l.initNs);
        long sem0 = sb + FakeLinux.RW_SEM, sem1 = sem0 + 96, sem2 = sem1 + 96;
        List<Long> e = enqueue(l.k, sem0 + 64 + 8, 24, 8, 40, t1, t2);
        enqueue(l.k, sem1 + 64 + 8, 24, 8, 40, t3);
        enqueue(l.k, sem2 + 64 + 8, 24, 8, 40);
        List<io.kdx.analyzer.kernel.Unreadable> problems = new ArrayList<>();
        Map<Long, FreezeWaiters.Waiter> w = FreezeWaiters.of(l.k, FreezeLevel.of(l.k), sb, problems);
        assertEquals(List.of(), problems);
        assertEquals(List.of(t1, t2, t3), List.copyOf(w.keySet()));
        FreezeWaiters.Waiter a = w.get(t1);
        assertEquals("s_writers.rw_sem[0].waiters", a.queue());
        assertEquals(sem0 + 64, a.queueAddress());
        assertEquals(sem0, a.semaphore());
        assertEquals(1, a.level()); // SB_FREEZE_WRITE: plain writers
        assertEquals(e.getFirst(), a.entry());
        assertEquals("s_writers.rw_sem[1].waiters", w.get(t3).queue());
        assertEquals(2, w.get(t3).level()); // SB_FREEZE_PAGEFAULT
    }

    @Test
    void rwsemWaitListFromFourThreeToFiveSeven() {
        FakeLinux l = new FakeLinux(FreezeLayout.SB_WRITERS_INT);
        waitQueueTypes(l.k);
        // 4.3-5.7: {rss; read_count; struct rw_semaphore rw_sem; ...}; rw_semaphore.wait_list; rwsem_waiter {list; task}
        l.k.types.struct("percpu_rw_semaphore", 96).member("rw_sem", 48, 40);
        l.k.types.struct("rw_semaphore", 40).member("wait_list", 16, 16);
        l.k.types.struct("rwsem_waiter", 40).member("list", 0, 16).member("task", 16, 8);
        long sb = l.superBlock("xfs", "sdb1");
        l.freeze(sb, 4);
        long t = l.task(42, "postgres", l.initNs);
        long sem0 = sb + FakeLinux.RW_SEM;
        enqueue(l.k, sem0 + 48 + 16, 0, 16, 40, t);
        for (int i = 1; i < 3; i++) enqueue(l.k, sem0 + 96L * i + 48 + 16, 0, 16, 40);
        Map<Long, FreezeWaiters.Waiter> w = FreezeWaiters.of(l.k, FreezeLevel.of(l.k), sb, new ArrayList<>());
        assertEquals(List.of(t), List.copyOf(w.keySet()));
        assertEquals("s_writers.rw_sem[0].rw_sem.wait_list", w.get(t).queue());
    }

    @Test
    void sWaitUnfrozenBeforeThreeSix() {
        FakeLinux l = new FakeLinux(FreezeLayout.S_FROZEN_PRE_3_6);
        // 2.6.32-3.5: wait_queue_t is struct __wait_queue {flags; private; func; task_list}; head's list is task_list
        l.k.types.struct("wait_queue_head", 24).member("task_list", 8, 16);
        l.k.types.struct("__wait_queue", 40).member("private", 8, 8).member("task_list", 24, 16);
        l.k.types.struct("super_block", 1472).member("s_wait_unfrozen", 248, 24);
        long sb = l.superBlock("ext3", "sda1");
        l.freeze(sb, 2);
        long t = l.task(7, "syslogd", l.initNs);
        enqueue(l.k, sb + 248 + 8, 24, 8, 40, t);
        FreezeLevel f = FreezeLevel.of(l.k);
        assertEquals("SB_FREEZE_TRANS", f.name(f.read(sb)));
        Map<Long, FreezeWaiters.Waiter> w = FreezeWaiters.of(l.k, f, sb, new ArrayList<>());
        assertEquals(List.of(t), List.copyOf(w.keySet()));
        assertEquals("s_wait_unfrozen", w.get(t).queue());
        assertEquals(0, w.get(t).semaphore());
    }

    @Test
    void aCyclicQueueEndsAndABrokenOneIsReported() {
        FakeLinux l = fiveEight();
        long sb = l.superBlock("ext4", "vda");
        long sem0 = sb + FakeLinux.RW_SEM;
        long t = l.task(5, "x", l.initNs);
        List<Long> e = enqueue(l.k, sem0 + 72, 24, 8, 40, t);
        l.k.putU64(e.getFirst() + 24, e.getFirst() + 24); // the entry points to itself: never back to the head
        enqueue(l.k, sem0 + 96 + 72, 24, 8, 40);
        l.k.putU64(sem0 + 192 + 72, 0xdead000000000000L); // rw_sem[2].waiters.next into nowhere
        List<io.kdx.analyzer.kernel.Unreadable> problems = new ArrayList<>();
        Map<Long, FreezeWaiters.Waiter> w = FreezeWaiters.of(l.k, FreezeLevel.of(l.k), sb, problems);
        assertEquals(List.of(t), List.copyOf(w.keySet()));
        // the cycle ends the walk of rw_sem[0] with its waiter kept, and is said (KernelLists), as is rw_sem[2]'s bad link
        assertEquals(2, problems.size(), problems.toString());
        var cycle = problems.getFirst();
        assertTrue(cycle.text().contains("s_writers.rw_sem[0]") && cycle.text().contains("cycle"), problems.toString());
        // a cycle is no unreadable address: the record has none
        assertEquals(null, cycle.address(), cycle.toString());
        assertEquals("wait_queue", cycle.kind());
        assertEquals(String.format("super_block 0x%x .s_writers.rw_sem[0].waiters", sb), cycle.object());
        // the record's address is the walk's own fault: the private of the entry the bad link names
        // (0xdead000000000000 - entry 24 + private 8), and its page state is the fault's
        var bad = problems.get(1);
        assertTrue(bad.text().contains("s_writers.rw_sem[2]"), problems.toString());
        assertEquals(String.format("0x%016x", 0xdead000000000000L - 24 + 8), bad.address(), bad.toString());
        assertEquals("unmapped", bad.pageState(), bad.toString());
        assertEquals(String.format("super_block 0x%x .s_writers.rw_sem[2].waiters", sb), bad.object());
    }
}
