package io.kdx.analyzer.stack;

import static org.junit.jupiter.api.Assertions.*;

import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.SyntheticKernel;
import io.kdx.analyzer.tasks.SyntheticTasks;
import io.kdx.analyzer.tasks.TaskInfo;
import io.kdx.analyzer.tasks.TaskStates;
import io.kdx.analyzer.tasks.Tasks;
import io.kdx.symbols.OrcRow;
import io.kdx.symbols.OrcTable;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class UnwinderTest {
    static final long TEXT = SyntheticKernel.START_KERNEL_MAP + 0x10_0000;
    static final long F1 = TEXT + 0x100, F2 = TEXT + 0x200, F3 = TEXT + 0x300;

    /** ORC rows by start address: {spReg, spOffset, type}. */
    static final class FakeOrc implements OrcTable {
        final TreeMap<Long, int[]> rows = new TreeMap<>();

        FakeOrc row(long ip, int spReg, int spOffset, int type) {
            rows.put(ip, new int[] {spReg, spOffset, type});
            return this;
        }

        @Override
        public boolean find(long ip, OrcRow out) {
            var e = rows.floorEntry(ip);
            if (e == null) return false;
            out.spReg = e.getValue()[0];
            out.spOffset = e.getValue()[1];
            out.type = e.getValue()[2];
            out.bpReg = OrcRow.REG_UNDEFINED;
            out.bpOffset = 0;
            return true;
        }

        @Override
        public int size() {
            return rows.size();
        }
    }

    SyntheticTasks st;
    long task, stack;

    /** A sleeping task whose saved frame returns into F1; {@code words} follow the frame on the stack. */
    void sleeper(long... words) {
        st = new SyntheticTasks();
        st.s.syms.symbol("_stext", TEXT).symbol("_etext", TEXT + 0x1000).symbol("f1", F1).symbol("f2", F2).symbol("f3", F3);
        task = st.task(50, 50, st.initTask, "sleeper", TaskStates.UNINTERRUPTIBLE, 0);
        st.processes(new long[] {task});
        stack = readStack();
        long saved = stack + SyntheticTasks.THREAD_SIZE - 512;
        st.s.put64(task + SyntheticTasks.THREAD_SP, saved);
        st.s.put64(saved + 48, F1 + 0x10); // inactive_task_frame.ret_addr
        for (int i = 0; i < words.length; i++) st.s.put64(saved + 56 + 8L * i, words[i]);
    }

    private long readStack() {
        try (Kernel k = st.s.open()) {
            return k.readPointer(task + SyntheticTasks.STACK);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    Backtrace trace() throws Exception {
        try (Kernel k = st.s.open()) {
            TaskInfo t = Tasks.list(k).stream().filter(x -> x.pid() == 50).findFirst().orElseThrow();
            return Unwinder.trace(k, t);
        }
    }

    @Test
    void orcWalksCallFramesToTheEndOfTheStack() throws Exception {
        // f1's frame: 8 bytes of locals, then the return address into f2; f2's: the return into f3.
        sleeper(0x1111, F2 + 0x20, F3 + 0x30);
        st.s.syms.orc = new FakeOrc().row(F1, OrcRow.REG_SP, 16, OrcRow.TYPE_CALL)
                .row(F2, OrcRow.REG_SP, 8, OrcRow.TYPE_CALL).row(F3, OrcRow.REG_UNDEFINED, 0, OrcRow.TYPE_END_OF_STACK);
        Backtrace bt = trace();
        assertEquals(List.of("f1", "f2", "f3"), bt.frames().stream().map(Frame::function).toList());
        assertEquals(List.of(0x10L, 0x20L, 0x30L), bt.frames().stream().map(Frame::offset).toList());
        assertEquals(List.of("regs", "orc", "orc"), bt.frames().stream().map(Frame::how).toList());
        assertEquals(List.of("task", "task", "task"), bt.stacks());
        assertEquals("end of stack", bt.note());
    }

    @Test
    void aStackPointerThatDoesNotRiseEndsTheWalk() throws Exception {
        sleeper(F2 + 0x20);
        st.s.syms.orc = new FakeOrc().row(F1, OrcRow.REG_SP, -64, OrcRow.TYPE_CALL); // caller below us: corrupt
        Backtrace bt = trace();
        assertEquals(1, bt.frames().size());
        assertTrue(bt.note().contains("does not rise"), bt.note());
    }

    @Test
    void aSavedStackPointerOutsideTheStackEndsTheWalkWithANote() throws Exception {
        sleeper();
        st.s.put64(task + SyntheticTasks.THREAD_SP, stack + 3 * SyntheticTasks.THREAD_SIZE);
        Backtrace bt = trace();
        assertEquals(List.of(), bt.frames());
        assertTrue(bt.note().contains("outside the task's stack"), bt.note());
    }

    @Test
    void aCallerStackPointerOffTheStackEndsTheWalk() throws Exception {
        sleeper(F2 + 0x20);
        st.s.syms.orc = new FakeOrc().row(F1, OrcRow.REG_SP, 1 << 20, OrcRow.TYPE_CALL);
        Backtrace bt = trace();
        assertEquals(1, bt.frames().size());
        assertTrue(bt.note().contains("none of the task's stacks"), bt.note());
    }

    @Test
    void withoutOrcRowsTheRestOfTheStackIsScannedAndMarkedUnreliable() throws Exception {
        sleeper(0x1234, F2 + 0x20, 0xdead_beefL, F3 + 0x30);
        Backtrace bt = trace(); // no ORC table; bp is 0, so no frame pointer either
        assertEquals(List.of("f1", "f2", "f3"), bt.frames().stream().map(Frame::function).toList());
        assertEquals(List.of("regs", "scan", "scan"), bt.frames().stream().map(Frame::how).toList());
        assertFalse(bt.frames().get(1).reliable());
        assertTrue(bt.note().contains("scanning"), bt.note());
    }

    @Test
    void anUnreadableStackEndsTheWalkWithoutThrowing() throws Exception {
        sleeper(F2 + 0x20);
        st.s.syms.orc = new FakeOrc().row(F1, OrcRow.REG_SP, 16, OrcRow.TYPE_CALL);
        st.s.mem.exclude(st.s.phys(stack + SyntheticTasks.THREAD_SIZE - 512));
        Backtrace bt = trace();
        assertEquals(List.of(), bt.frames());
        assertTrue(bt.note().contains("unreadable"), bt.note());
    }
}
