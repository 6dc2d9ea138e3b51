package io.kdx.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.SyntheticKernel;
import io.kdx.analyzer.kernel.Unreadable;
import io.kdx.analyzer.log.KernelLog;
import io.kdx.analyzer.mem.MemInfo;
import io.kdx.analyzer.stack.Backtrace;
import io.kdx.analyzer.stack.Unwinder;
import io.kdx.analyzer.sys.Sys;
import io.kdx.analyzer.sys.SysInfo;
import io.kdx.analyzer.sys.SysText;
import io.kdx.analyzer.tasks.SyntheticTasks;
import io.kdx.analyzer.tasks.TaskInfo;
import io.kdx.analyzer.tasks.TaskStates;
import io.kdx.analyzer.tasks.Tasks;
import io.kdx.analyzer.testkit.FakeKernel;
import io.kdx.symbols.OrcRow;
import io.kdx.symbols.OrcTable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue #12's typed records in {@code kdx sys}, {@code kdx mem} and {@code kdx bt}: a variable or stack
 * page the (faked) dump lacks comes back as a record built from the fault itself (its address on that
 * page, its page state) naming what was being read, the value it leaves unknown is JSON null with the
 * reason, the text says "(unknown)", never 0, -1 or "null", and nothing unread is called healthy.
 */
class CommandRecordsTest {
    static Unreadable find(List<Unreadable> records, String object) {
        for (Unreadable u : records) if (object.equals(u.object())) return u;
        throw new AssertionError("no record of " + object + " in " + records);
    }

    static void onPage(Unreadable u, long variable, String state) {
        assertTrue(u.address() != null, u.toString());
        long a = Long.parseUnsignedLong(u.address().substring(2), 16);
        assertEquals(variable & ~0xfffL, a & ~0xfffL, "the record's address is on the lost page: " + u);
        assertEquals(state, u.pageState(), u.toString());
    }

    static JsonNode json(Map<String, Object> doc) throws Exception {
        return Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(doc));
    }

    /** A kernel with sys's variables laid out (6.1's offsets, trimmed): timekeeper, avenrun, utsname, cpumasks, memory. */
    static final class SysKernel {
        final FakeKernel k = new FakeKernel();
        final long timekeeper, avenrun, online, contig, uts;

        SysKernel() {
            k.nrCpus = 2;
            k.types.struct("timekeeper", 256).member("xtime_sec", 72, 8).member("tkr_mono.shift", 24, 4)
                    .member("tkr_mono.xtime_nsec", 32, 8).member("wall_to_monotonic.tv_sec", 80, 8)
                    .member("wall_to_monotonic.tv_nsec", 88, 8);
            k.types.struct("pglist_data", 4096).member("node_present_pages", 0x100, 8);
            k.types.struct("uts_namespace", 400).member("name", 4, 390);
            k.types.struct("new_utsname", 390).member("nodename", 65, 65).member("release", 130, 65)
                    .member("version", 195, 65).member("machine", 260, 65);
            timekeeper = k.allocSymbol("shadow_timekeeper", 256);
            k.putU64(timekeeper + 72, 1_795_536_025L);
            avenrun = k.allocSymbol("avenrun", 24);
            k.putU64(avenrun, 2048); // 1.00
            k.putU64(k.allocSymbol("__cpu_present_mask", 8), 0b11);
            online = k.allocSymbol("__cpu_online_mask", 8);
            k.putU64(online, 0b01);
            contig = k.allocSymbol("contig_page_data", 4096);
            k.putU64(contig + 0x100, 65536);
            uts = k.allocSymbol("init_uts_ns", 400);
            k.putBytes(uts + 4 + 65, "guest\0".getBytes());
            k.putBytes(uts + 4 + 130, "6.1.0-fake\0".getBytes());
            k.putBytes(uts + 4 + 195, "#1\0".getBytes());
            k.putBytes(uts + 4 + 260, "x86_64\0".getBytes());
        }
    }

    @Test
    void sysReadInFullHasNoRecordAndEveryValue() throws Exception {
        SysKernel s = new SysKernel();
        SysInfo i = Sys.read(s.k, new Tasks.Result(List.of(), List.of()), new KernelLog("lockless", List.of(), List.of()));
        assertEquals(List.of(), i.unreadable());
        JsonNode j = json(SysCommand.doc(i));
        assertEquals(1795536025L, j.get("date_seconds").asLong());
        assertEquals(1, j.get("cpus_offline").asInt());
        assertEquals(65536L * 4096, j.get("memory_bytes").asLong());
        assertEquals("", j.get("panic").asText(), "a log read in full without a panic line: no panic");
        assertEquals(0, j.get("unreadable_records").size());
        assertEquals(0, j.get("unknown").size());
    }

    @Test
    void sysLostVariablesAreRecordsNamingThemAndTheirValuesAreUnknown() throws Exception {
        SysKernel s = new SysKernel();
        s.k.lose(s.timekeeper + 72).lose(s.online).lose(s.contig + 0x100);
        Unreadable logGap = Unreadable.of(Unreadable.LOG, "printk text data ring 0xffff888000200000", "1 of its pages unreadable");
        SysInfo i = Sys.read(s.k, new Tasks.Result(List.of(), List.of()), new KernelLog("lockless", List.of(), List.of(logGap)));

        Unreadable tk = find(i.unreadable(), "shadow_timekeeper");
        assertEquals("kernel", tk.kind());
        onPage(tk, s.timekeeper + 72, "absent");
        Unreadable mask = find(i.unreadable(), "__cpu_online_mask");
        onPage(mask, s.online, "absent");
        Unreadable mem = find(i.unreadable(), "contig_page_data.node_present_pages");
        assertEquals("memory", mem.kind());
        onPage(mem, s.contig + 0x100, "absent");
        assertTrue(i.unreadable().contains(logGap), "the log's own record is carried: " + i.unreadable());
        assertEquals(i.problems(), i.unreadable().stream().map(Unreadable::text).toList());

        JsonNode j = json(SysCommand.doc(i));
        for (String f : List.of("date", "date_seconds", "uptime", "uptime_seconds", "cpus_offline", "memory_bytes", "panic")) {
            assertTrue(j.get(f).isNull(), f + " is null when unknown: " + j);
            assertFalse(j.get("unknown").path(f).asText().isEmpty(), f + " has its reason: " + j.get("unknown"));
        }
        assertEquals(1.0, j.get("load_average").get(0).asDouble(), 1e-9, "what was read stands");
        assertEquals(i.unreadable().size(), j.get("unreadable_records").size());
        assertEquals(j.get("problems").size(), j.get("unreadable_records").size());
        JsonNode rec = j.get("unreadable_records").get(0);
        for (String key : List.of("kind", "address", "page_state", "object", "text")) assertTrue(rec.has(key), rec.toString());

        Map<String, String> text = SysText.fields(i);
        assertEquals("(unknown)", text.get("DATE"));
        assertEquals("(unknown)", text.get("MEMORY"));
        assertEquals("2 [OFFLINE: unknown]", text.get("CPUS"));
        assertEquals("(unknown)", text.get("PANIC"), "no panic line in a log not read in full is not 'no panic'");
        String rendered = SysText.render(i);
        assertFalse(rendered.contains("null") || rendered.contains("-1"), rendered);
    }

    @Test
    void sysCountsTasksFoundAsAtLeastWhenTheListIsCut() {
        SysKernel s = new SysKernel();
        Unreadable cut = new Unreadable(Unreadable.TASK_LIST, "0xffff888000123000", "absent", Tasks.INIT_TASKS, "the task list is cut");
        SysInfo i = Sys.read(s.k, new Tasks.Result(List.of(), List.of(cut)), new KernelLog("lockless", List.of(), List.of()));
        assertTrue(i.unreadable().contains(cut));
        assertTrue(i.unknown().containsKey("tasks"), i.unknown().toString());
        assertEquals("0 (at least: the task list could not be read in full)", SysText.fields(i).get("TASKS"));
    }

    /** A kernel with mem's counters: totalram, the vm stat arrays, no swap, one node of one zone. */
    static final class MemKernel {
        final FakeKernel k = new FakeKernel();
        final long totalram, zoneStat, nodeStat, pgdat;

        MemKernel() {
            k.types.enumerator("NR_FREE_PAGES", 0).enumerator("NR_FILE_PAGES", 2).enumerator("NR_SLAB_RECLAIMABLE_B", 3)
                    .enumerator("NR_SLAB_UNRECLAIMABLE_B", 4);
            k.types.struct("pglist_data", 0x3000).member("node_zones", 0, 8).member("nr_zones", 0x2000, 4);
            k.types.struct("zone", 0x800).member("vm_stat", 0x1400, 8).member("present_pages", 0x80, 8).member("name", 0x90, 8);
            totalram = k.allocSymbol("_totalram_pages", 8);
            k.putU64(totalram, 1000);
            zoneStat = k.allocSymbol("vm_zone_stat", 64);
            k.putU64(zoneStat, 400);
            nodeStat = k.allocSymbol("vm_node_stat", 64);
            k.putU64(nodeStat + 16, 300);
            k.putU64(nodeStat + 24, 10);
            k.putU64(nodeStat + 32, 20);
            k.allocSymbol("nr_swapfiles", 4);
            // no block device inode: Buffers 0
            k.types.struct("super_block", 1472).member("s_inodes", 0x500, 16);
            k.types.struct("inode", 600).member("i_sb_list", 0x100, 16).member("i_mapping", 48, 8);
            k.types.struct("address_space", 200).member("nrpages", 88, 8);
            long sb = k.alloc(1472);
            k.putU64(sb + 0x500, sb + 0x500);
            k.putU64(sb + 0x508, sb + 0x500);
            k.putU64(k.allocSymbol("blockdev_superblock", 8), sb);
            long nodeData = k.allocSymbol("node_data", 8 * 64); // MAX_NUMNODES pointers, one node
            pgdat = k.alloc(0x3000);
            k.putU64(nodeData, pgdat);
            k.putU32(pgdat + 0x2000, 1);
            k.putU64(pgdat + 0x80, 1000);
            k.putU64(pgdat + 0x90, k.string("Normal"));
            k.putU64(pgdat + 0x1400, 400); // the zone's vm_stat, on the node's second page
        }
    }

    @Test
    void memLostCountersAreRecordsNamingThemAndTheirValuesAreNull() throws Exception {
        MemKernel m = new MemKernel();
        m.k.lose(m.totalram).lose(m.nodeStat).lose(m.pgdat + 0x1400); // the zone's vm_stat: its own page
        MemInfo i = MemInfo.read(m.k);

        Unreadable total = find(i.unreadable(), "_totalram_pages");
        assertEquals("memory", total.kind());
        onPage(total, m.totalram, "absent");
        onPage(find(i.unreadable(), "vm_node_stat[NR_FILE_PAGES]"), m.nodeStat + 16, "absent");
        onPage(find(i.unreadable(), "vm_node_stat[NR_SLAB_RECLAIMABLE_B]"), m.nodeStat + 24, "absent");
        Unreadable zone = find(i.unreadable(), String.format("zone 0x%x (node 0, zone 0) .vm_stat[NR_FREE_PAGES]", m.pgdat));
        onPage(zone, m.pgdat + 0x1400, "absent");
        assertEquals(i.problems(), i.unreadable().stream().map(Unreadable::text).toList());

        JsonNode j = json(MemCommand.doc(i));
        for (String f : List.of("mem_total_kb", "cached_kb", "slab_kb")) assertTrue(j.get(f).isNull(), f + ": " + j);
        assertEquals(1600, j.get("mem_free_kb").asLong(), "what was read stands");
        assertEquals(1, j.get("zones").size(), "a zone whose free count is lost is still listed: " + j);
        assertTrue(j.get("zones").get(0).get("free_kb").isNull(), j.toString());
        assertEquals(4000, j.get("zones").get(0).get("present_kb").asLong());
        assertEquals(j.get("problems").size(), j.get("unreadable_records").size());

        var buf = new java.io.ByteArrayOutputStream();
        var out = new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8);
        MemCommand.line(out, "MemTotal", i.memTotalKb());
        assertEquals("MemTotal:       (unknown)", buf.toString().strip());
    }

    @Test
    void memReadInFullHasNoRecord() throws Exception {
        MemInfo i = MemInfo.read(new MemKernel().k);
        assertEquals(List.of(), i.unreadable());
        JsonNode j = json(MemCommand.doc(i));
        assertEquals(4000, j.get("mem_total_kb").asLong());
        assertEquals(0, j.get("unreadable_records").size());
    }

    /** 5.12+: SwapCached is the NR_SWAPCACHE node counter, and Cached leaves it out. */
    @Test
    void memSwapCacheFromTheNodeCounter() throws Exception {
        MemKernel m = new MemKernel();
        m.k.types.enumerator("NR_SWAPCACHE", 5);
        m.k.putU64(m.nodeStat + 40, 7);
        m.k.putU32(m.k.symbol("nr_swapfiles"), 1); // a swap area: read all the same
        MemInfo i = MemInfo.read(m.k);
        assertEquals(List.of(), i.unreadable());
        assertEquals(28, i.swapCacheKb());
        assertEquals(300 * 4 - 28, i.cachedKb());
    }

    /**
     * Before 5.12: the sum of nrpages over each swap type's address spaces (swapper_spaces[type], an
     * array of nr_swapper_spaces[type]); a type swapped off has none. A lost address space is a record
     * naming it, and SwapCached and Cached are unknown, not 0.
     */
    @Test
    void memSwapCacheFromTheSwapAddressSpaces() throws Exception {
        MemKernel m = new MemKernel();
        m.k.putU32(m.k.symbol("nr_swapfiles"), 3);
        long nrSpaces = m.k.allocSymbol("nr_swapper_spaces", 4 * 32), spaces = m.k.allocSymbol("swapper_spaces", 8 * 32);
        long a0 = m.k.alloc(2 * 200), a2 = m.k.alloc(200);
        m.k.putU32(nrSpaces, 2);
        m.k.putU64(spaces, a0);
        m.k.putU64(a0 + 88, 3);
        m.k.putU64(a0 + 200 + 88, 4);
        m.k.putU32(nrSpaces + 8, 1); // type 1 swapped off (0 spaces, null array); type 2 one space
        m.k.putU64(spaces + 16, a2);
        m.k.putU64(a2 + 88, 5);
        MemInfo i = MemInfo.read(m.k);
        assertEquals(List.of(), i.unreadable());
        assertEquals(12 * 4, i.swapCacheKb());
        assertEquals(300 * 4 - 48, i.cachedKb());

        m.k.lose(a2);
        MemInfo lost = MemInfo.read(m.k);
        assertEquals(-1, lost.swapCacheKb());
        assertEquals(-1, lost.cachedKb());
        Unreadable r = find(lost.unreadable(), String.format("address_space 0x%x .nrpages (swapper_spaces[2][0])", a2));
        onPage(r, a2 + 88, "absent");
        JsonNode j = json(MemCommand.doc(lost));
        assertTrue(j.get("swap_cached_kb").isNull() && j.get("cached_kb").isNull(), j.toString());
    }

    // bt: a sleeping task's stack in a synthetic dump with real page states (makedumpfile's excluded pages)
    static final long TEXT = SyntheticKernel.START_KERNEL_MAP + 0x10_0000, F1 = TEXT + 0x100, F2 = TEXT + 0x200;

    static final class OneRow implements OrcTable {
        final int spOffset;

        OneRow(int spOffset) {
            this.spOffset = spOffset;
        }

        @Override
        public boolean find(long ip, OrcRow out) {
            if (ip < F1 || ip >= F2) return false;
            out.spReg = OrcRow.REG_SP;
            out.spOffset = spOffset;
            out.type = OrcRow.TYPE_CALL;
            out.bpReg = OrcRow.REG_UNDEFINED;
            return true;
        }

        @Override
        public int size() {
            return 1;
        }
    }

    SyntheticTasks st;
    long task, saved;

    /** A D-state task whose saved frame, 512 bytes below its stack's top, returns into f1. */
    void sleeper() throws Exception {
        st = new SyntheticTasks();
        st.s.syms.symbol("_stext", TEXT).symbol("_etext", TEXT + 0x1000).symbol("f1", F1).symbol("f2", F2);
        task = st.task(50, 50, st.initTask, "sleeper", TaskStates.UNINTERRUPTIBLE, 0);
        st.processes(new long[] {task});
        long stack;
        try (Kernel k = st.s.open()) {
            stack = k.readPointer(task + SyntheticTasks.STACK);
        }
        saved = stack + SyntheticTasks.THREAD_SIZE - 512;
        st.s.put64(task + SyntheticTasks.THREAD_SP, saved);
        st.s.put64(saved + 48, F1 + 0x10); // inactive_task_frame.ret_addr
        st.s.put64(saved + 64, F2 + 0x20); // a text address above, for the scan
    }

    JsonNode bt() throws Exception {
        try (Kernel k = st.s.open()) {
            TaskInfo t = Tasks.list(k).stream().filter(x -> x.pid() == 50).findFirst().orElseThrow();
            Backtrace b = Unwinder.trace(k, t);
            return json(BtCommand.doc(t, b));
        }
    }

    static Unreadable record(JsonNode j) throws Exception {
        assertEquals(1, j.get("unreadable_records").size(), j.toString());
        return Json.MAPPER.treeToValue(j.get("unreadable_records").get(0), Unreadable.class);
    }

    @Test
    void btALostSavedFrameIsTheStackRecordOfThatTaskAndFrame() throws Exception {
        sleeper();
        st.s.mem.exclude(st.s.phys(saved));
        JsonNode j = bt();
        Unreadable u = record(j);
        assertEquals("stack", u.kind());
        assertEquals(String.format("stack of task_struct 0x%x: inactive_task_frame 0x%x", task, saved), u.object());
        onPage(u, saved, "excluded");
        assertTrue(u.text().startsWith("the stack of pid 50 (sleeper) could not be read in full: saved frame unreadable"), u.text());
    }

    @Test
    void btACallerOnALostPageNamesTheFrameTheWalkWasLeaving() throws Exception {
        sleeper();
        // f1's row puts its return address 4 KiB below: on the stack page under the saved frame's
        st.s.syms.orc = new OneRow(-4096);
        long lost = saved + 56 - 4096 - 8;
        st.s.mem.exclude(st.s.phys(lost));
        JsonNode j = bt();
        Unreadable u = record(j);
        assertEquals(String.format("stack of task_struct 0x%x: caller of frame #0 f1+0x10", task), u.object());
        onPage(u, lost, "excluded");
        assertEquals("f1", j.get("frames").get(0).get("function").asText());
        assertTrue(j.get("frames").size() >= 2, "the scan above it goes on: " + j.get("frames"));
    }

    @Test
    void btAStackReadInFullHasNoRecord() throws Exception {
        sleeper();
        st.s.syms.orc = new OneRow(16);
        JsonNode j = bt();
        assertEquals(0, j.get("unreadable_records").size(), j.toString());
        assertTrue(j.get("frames").size() >= 2, j.toString());
    }
}
