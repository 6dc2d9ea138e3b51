package io.kdx.analyzer.tasks;

import static org.junit.jupiter.api.Assertions.*;

import io.kdx.analyzer.kernel.Kernel;
import java.util.List;
import org.junit.jupiter.api.Test;

class TasksTest {

    @Test
    void listsIdleTasksProcessesAndThreadsWithParentsStatesAndCpus() throws Exception {
        SyntheticTasks st = new SyntheticTasks();
        long idle1 = st.task(0, 0, 0, "swapper/1", 0, 1);
        st.idle(1, idle1);
        long init = st.task(1, 1, st.initTask, "init", TaskStates.INTERRUPTIBLE, 0);
        long kthreadd = st.task(2, 2, st.initTask, "kthreadd", TaskStates.INTERRUPTIBLE, 1);
        long kw = st.task(3, 3, kthreadd, "kworker/0:0", TaskStates.UNINTERRUPTIBLE | TaskStates.NOLOAD, 0);
        long app = st.task(100, 100, init, "app", TaskStates.UNINTERRUPTIBLE, 1);
        long thr = st.task(101, 100, init, "app-worker", 0, 0);
        long zombie = st.task(102, 102, init, "gone", 0, 0);
        st.s.put32(zombie + SyntheticTasks.EXIT_STATE, TaskStates.EXIT_ZOMBIE);
        st.processes(new long[] {init}, new long[] {kthreadd}, new long[] {kw}, new long[] {app, thr}, new long[] {zombie});
        st.current(0, thr);
        st.current(1, idle1);
        long pc = st.s.variable("panic_cpu", 4);
        st.s.put32(pc, 0);
        try (Kernel k = st.s.open()) {
            Tasks.Result r = Tasks.walk(k);
            assertEquals(List.of(), r.notes());
            List<TaskInfo> t = r.tasks();
            assertEquals(List.of(0, 0, 1, 2, 3, 100, 101, 102), t.stream().map(TaskInfo::pid).toList());
            assertEquals(List.of("swapper/0", "swapper/1", "init", "kthreadd", "kworker/0:0", "app", "app-worker", "gone"),
                    t.stream().map(TaskInfo::comm).toList());
            assertEquals(List.of(0, 0, 0, 0, 2, 1, 1, 1), t.stream().map(TaskInfo::ppid).toList());
            assertEquals(List.of("RU", "RU", "IN", "IN", "ID", "UN", "RU", "ZO"), t.stream().map(TaskInfo::state).toList());
            assertEquals(List.of(0, 1, 0, 1, 0, 1, 0, 0), t.stream().map(TaskInfo::cpu).toList());
            assertEquals(100, t.get(6).tgid());
            assertFalse(t.get(6).isThreadGroupLeader());
            assertEquals(List.of(false, true, false, false, false, false, true, false), t.stream().map(TaskInfo::active).toList());
            assertEquals(List.of(thr), t.stream().filter(TaskInfo::panicTask).map(TaskInfo::task).toList());
        }
    }

    @Test
    void aCycleInTheTaskListEndsTheWalkWithANote() throws Exception {
        SyntheticTasks st = new SyntheticTasks();
        long a = st.task(1, 1, st.initTask, "a", 0, 0);
        long b = st.task(2, 2, st.initTask, "b", 0, 0);
        long c = st.task(3, 3, st.initTask, "c", 0, 0);
        st.processes(new long[] {a}, new long[] {b}, new long[] {c});
        st.s.put64(c + SyntheticTasks.TASKS, b + SyntheticTasks.TASKS); // c -> b: never back to init_task
        try (Kernel k = st.s.open()) {
            Tasks.Result r = Tasks.walk(k);
            assertEquals(List.of(0, 1, 2, 3), r.tasks().stream().map(TaskInfo::pid).toList());
            assertTrue(r.notes().stream().anyMatch(n -> n.contains("init_task.tasks") && n.contains("cycle")), r.notes().toString());
        }
    }

    @Test
    void anUnreadableTaskIsReportedAndTheOthersListed() throws Exception {
        SyntheticTasks st = new SyntheticTasks();
        long a = st.task(1, 1, st.initTask, "a", 0, 0);
        long b = st.task(2, 2, st.initTask, "b", 0, 0);
        st.processes(new long[] {a}, new long[] {b});
        st.s.put64(b + SyntheticTasks.SIGNAL, 0xffff_c900_0bad_0000L); // signal pointer into nothing
        try (Kernel k = st.s.open()) {
            Tasks.Result r = Tasks.walk(k);
            assertEquals(List.of(0, 1, 2), r.tasks().stream().map(TaskInfo::pid).toList());
            assertTrue(r.notes().stream().anyMatch(n -> n.contains("threads of task")), r.notes().toString());
        }
    }

    @Test
    void stateNamesFollowTheKernelsPrecedence() {
        assertEquals("RU", TaskStates.crashName(0));
        assertEquals("IN", TaskStates.crashName(TaskStates.INTERRUPTIBLE));
        assertEquals("UN", TaskStates.crashName(TaskStates.UNINTERRUPTIBLE));
        assertEquals("UN", TaskStates.crashName(TaskStates.UNINTERRUPTIBLE | TaskStates.WAKEKILL)); // TASK_KILLABLE
        assertEquals("ID", TaskStates.crashName(TaskStates.UNINTERRUPTIBLE | TaskStates.NOLOAD));
        assertEquals("ST", TaskStates.crashName(TaskStates.STOPPED | TaskStates.WAKEKILL));
        assertEquals("TR", TaskStates.crashName(TaskStates.TRACED | TaskStates.WAKEKILL));
        assertEquals("ZO", TaskStates.crashName(TaskStates.EXIT_ZOMBIE));
        assertEquals("DE", TaskStates.crashName(TaskStates.DEAD | TaskStates.EXIT_DEAD));
        assertEquals("PA", TaskStates.crashName(TaskStates.PARKED));
        assertEquals('D', TaskStates.procLetter("UN"));
        assertEquals('I', TaskStates.procLetter("ID"));
        assertEquals('S', TaskStates.procLetter("IN"));
    }
}
