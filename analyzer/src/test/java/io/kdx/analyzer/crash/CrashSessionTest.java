package io.kdx.analyzer.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdx.analyzer.kernel.DumpIdentity;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.Kernels;
import io.kdx.dump.Dump;
import io.kdx.symbols.KernelSymbols;
import io.kdx.symbols.SymbolLocator;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session on the bundled sample (fixtures/sample: a frozen-filesystem dump): redirection, pipes, cd, failing and unknown commands, quit, and the shell's completion.
 */
class CrashSessionTest {
    static final Path SAMPLE = Path.of("../fixtures/sample").toAbsolutePath().normalize();
    /** The sample's kernel release as the guest recorded it (truth/uname.txt: uname -a's third field). */
    static String release;
    static Dump dump;
    static KernelSymbols symbols;
    static Kernel kernel;

    @TempDir
    Path dir;

    @BeforeAll
    static void open() throws Exception {
        release = Files.readString(SAMPLE.resolve("truth/uname.txt")).strip().split("\\s+")[2];
        dump = Dump.open(SAMPLE.resolve("frozen-audit.kdump"));
        Path pack; // the sample's pack where it ships one; else the symbols kdx finds for the dump, as kdx crash does
        try (Stream<Path> s = Files.list(SAMPLE)) {
            pack = s.filter(p -> p.toString().endsWith(".kdxsym")).findFirst().orElse(null);
        }
        symbols = DumpIdentity.locateSymbols(new SymbolLocator(), pack, dump);
        kernel = Kernels.open(dump, symbols);
    }

    @AfterAll
    static void close() {
        kernel.close();
        symbols.close();
        dump.close();
    }

    record Run(String out, String err, boolean quit) {}

    static Run run(String script, boolean silent) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        CrashOptions o = new CrashOptions(null, List.of(SAMPLE.resolve("frozen-audit.kdump")), silent, null, CrashOptions.Query.NONE, null,
                false, false, false, false, List.of());
        CrashSession s = new CrashSession(o, dump, kernel, new PrintStream(err, true, StandardCharsets.UTF_8));
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        boolean quit = CrashFront.loop(s, new BufferedReader(new StringReader(script)), ps);
        return new Run(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), quit);
    }

    @Test
    void redirectionPipesAndCd() throws Exception {
        Run r = run("cd " + dir + "\nsys > sys.txt\nsys >> sys.txt\nsys | grep RELEASE\nlog | wc -l\n", false);
        assertEquals("", r.err());
        String sys = Files.readString(dir.resolve("sys.txt"));
        assertTrue(sys.contains("     RELEASE: " + release + "\n"), sys);
        assertEquals(2, sys.split("RELEASE").length - 1, "appended");
        String[] lines = r.out().split("\n");
        assertEquals("Working directory " + dir + ".", lines[0]);
        assertEquals("     RELEASE: " + release, lines[1]);
        int logLines = Integer.parseInt(lines[2].strip());
        assertTrue(logLines > 100, r.out());
    }

    @Test
    void failuresAndUnknownCommandsDoNotEndTheSession() throws Exception {
        Run r = run("nosuch\nbt 99999\nstruct no_such_struct\nkmem -s\nsys\nquit\nsys\n", true);
        assertTrue(r.quit());
        assertEquals("crash: command not found: nosuch\nbt: invalid task or pid value: 99999\n"
                + "struct: invalid data structure reference: no_such_struct\n", r.err().substring(0, r.err().indexOf("kmem: ")));
        assertEquals(1, r.out().split("RELEASE").length - 1, "sys once, none after quit: " + r.out());
    }

    @Test
    void psAndForeachAgree() throws Exception {
        Run r = run("ps\nforeach UN bt\n", true);
        long un = r.out().lines().filter(l -> l.matches("^[ >] +\\d+ +\\d+ +\\d+  [0-9a-f]{16}  UN .*")).count();
        long stacks = r.out().lines().filter(l -> l.startsWith("PID: ")).count();
        assertTrue(un > 0, r.out());
        assertEquals(un, stacks, r.out());
        assertFalse(r.out().contains(" ? "), "crash's frame lines carry no '?' column");
    }

    /** The fallback for dumps without VMCOREINFO: the release of the linux_banner found in memory. */
    @Test
    void releaseFromTheBannerInMemory() {
        assertEquals(release, DumpRelease.bannerRelease(dump));
        assertEquals(dump.vmcoreinfo().osRelease(), DumpRelease.bannerRelease(dump));
    }

    @Test
    void shellCompletion() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CrashSession s = new CrashSession(null, dump, kernel, new PrintStream(err));
        assertEquals(List.of("bt"), Shell.candidates(s, List.of(), "b"));
        assertTrue(Shell.candidates(s, List.of("struct"), "super").contains("super_block"));
        assertTrue(Shell.candidates(s, List.of("bt"), "1").contains("1"));
        assertTrue(Shell.candidates(s, List.of(), "").containsAll(CrashSession.COMMANDS));
    }

    /** Struct names from the dump's BTF (every one a struct or union the types know), symbols from its kallsyms. */
    @Test
    void shellCompletesStructAndSymbolNames() throws Exception {
        CrashSession s = new CrashSession(null, dump, kernel, new PrintStream(new ByteArrayOutputStream()));
        List<String> all = Shell.candidates(s, List.of("struct"), "");
        assertTrue(all.size() > 1000, "BTF lists thousands of structs: " + all.size());
        List<String> task = Shell.candidates(s, List.of("struct"), "task_");
        assertTrue(task.contains("task_struct") && task.contains("task_group"), task.toString());
        for (String n : task) assertTrue(n.startsWith("task_") && kernel.types().struct(n) != null, n);
        List<String> j = Shell.candidates(s, List.of("p"), "jiffies");
        assertTrue(j.contains("jiffies") && j.contains("jiffies_64"), j.toString());
        for (String n : j) assertTrue(n.startsWith("jiffies") && kernel.symbol(n) != 0, n);
        assertEquals(Shell.candidates(s, List.of("sym"), "init_ta"), Shell.candidates(s, List.of("rd"), "init_ta"));
        assertTrue(Shell.candidates(s, List.of("sym"), "init_ta").contains("init_task"));
        assertTrue(Shell.candidates(s, List.of("p"), "&init_ta").contains("&init_task"));
        assertEquals(List.of(), Shell.candidates(s, List.of("p"), "init_task."));
        assertEquals(List.of(), Shell.candidates(s, List.of("sym"), "no_such_symbol_prefix_"));
    }

    /** p's expressions on the sample (its symbols read from the dump): members, pointers, addresses, sizes, formats. */
    @Test
    void printExpressions() throws Exception {
        long initTask = kernel.symbol("init_task");
        Run r = run("p init_task.pid\np/x init_task.pid\np sizeof(struct list_head)\np &init_task\np init_task.comm\n"
                + "p -x jiffies\np init_task.tasks.next->prev\np nosuch.x\n", true);
        String[] l = r.out().split("\n");
        assertEquals("$1 = 0", l[0]);
        assertEquals("$2 = 0x0", l[1]);
        assertEquals("$3 = 16", l[2]);
        assertEquals(String.format("$4 = (struct task_struct *) 0x%x <init_task>", initTask), l[3]);
        assertEquals("$5 = \"swapper/0\\000\\000\\000\\000\\000\\000\"", l[4]);
        assertTrue(l[5].matches("jiffies = \\$6 = 0x[0-9a-f]+"), l[5]);
        // the first task's prev is init_task's own tasks member
        long tasks = initTask + kernel.offsetOf("task_struct", "tasks");
        assertEquals(String.format("$7 = (struct list_head *) 0x%x <init_task+%d>", tasks, tasks - initTask), l[6]);
        assertEquals("p: gdb request failed: p nosuch.x\n", r.err());
    }

    /**
     * p's arithmetic, casts and dereferences on the sample, each line as crash 8.0.2 printed the same
     * expression on a 6.1 dump (CrashFrontIT compares them live); failures are crash's one line and take
     * no history number.
     */
    @Test
    void printArithmeticCastsAndDereferences() throws Exception {
        long initTask = kernel.symbol("init_task");
        long tasks = initTask + kernel.offsetOf("task_struct", "tasks");
        long comm = initTask + kernel.offsetOf("task_struct", "comm");
        Run r = run(String.join("\n", "p 1 + 2 * 3", "p (1 + 2) * 3", "p 7 / 2", "p 7 % 3", "p 1 << 4", "p 2147483647 + 1", "p 1 << 63",
                "p 1UL << 63", "p 0xffffffff", "p (unsigned char)300", "p (char)65", "p (int)-1", "p (unsigned int)-1", "p ~0", "p 1 ? 2 : 3",
                "p 'a' + 1", "p/x -1", "p/d (unsigned char)200", "p (struct task_struct *)&init_task", "p ((struct task_struct *)&init_task)->comm",
                "p *(struct list_head *)&init_task.tasks == init_task.tasks", "p &((struct task_struct *)0)->tasks", "p init_task.comm + 1",
                "p *init_task.comm", "p sizeof(init_task.comm)", "p sizeof init_task == sizeof(struct task_struct)", "p nosuch + 1", "p 1 +",
                "p 1/0", "p *(struct task_struct *)0", "p/x nosuch", "px nosuch", "p -5", "p init_task.pid + 1", "p init_task.fs[0].users == init_task.fs->users",
                "p -xd jiffies", "p jiffies - jiffies", "p (long)&init_task.tasks - (long)&init_task") + "\n", true);
        List<String> l = List.of(r.out().split("\n"));
        int n = 0;
        assertEquals(List.of("$1 = 7", "$2 = 9", "$3 = 3", "$4 = 1", "$5 = 16", "$6 = -2147483648", "$7 = 0", "$8 = 9223372036854775808",
                "$9 = 4294967295", "$10 = 44 ','", "$11 = 65 'A'", "$12 = -1", "$13 = 4294967295", "$14 = -1", "$15 = 2", "$16 = 98",
                "$17 = 0xffffffff", "$18 = -56", String.format("$19 = (struct task_struct *) 0x%x <init_task>", initTask),
                "$20 = \"swapper/0\\000\\000\\000\\000\\000\\000\""), l.subList(0, 20));
        n = 20;
        assertEquals("p: gdb request failed: p *(struct list_head *)&init_task.tasks == init_task.tasks", r.err().lines().toList().getFirst(),
                "a struct compared with ==");
        assertEquals(String.format("$21 = (struct list_head *) 0x%x", tasks - initTask), l.get(n++));
        assertEquals(String.format("$22 = 0x%x <init_task+%d> \"wapper/0\"", comm + 1, comm + 1 - initTask), l.get(n++));
        assertEquals("$23 = 115 's'", l.get(n++));
        assertEquals("$24 = 16", l.get(n++));
        assertEquals("$25 = 1", l.get(n++));
        assertEquals("Usage:", l.get(n++));
        n += 2;
        assertEquals("$26 = 1", l.get(n++));
        assertEquals("$27 = 1", l.get(n++));
        assertEquals("jiffies = $28 = 0", l.get(n++));
        assertEquals("$29 = " + (tasks - initTask), l.get(n++));
        assertEquals(n, l.size());
        assertEquals(List.of("p: gdb request failed: p *(struct list_head *)&init_task.tasks == init_task.tasks",
                "p: gdb request failed: p nosuch + 1", "p: gdb request failed: p 1 +", "p: gdb request failed: p 1/0",
                "p: gdb request failed: p *(struct task_struct *)0", "gdb: gdb request failed: p/x nosuch", "p: gdb request failed: p nosuch",
                "p: invalid option -- '5'", "p: -d and -x are mutually exclusive"), r.err().lines().toList());
    }

    /**
     * gdb's other print formats as gdb spells them: /o octal with a leading 0, /t binary, both "0" for
     * zero, /u unsigned, /z hex padded to the type's width; over the bits of the type, so a negative
     * short is 16 bits of ones; /c the low byte, signed as its type, and its character; /a hex and the
     * symbol; /s as without it. Pointers bare, char arrays as numbers. CrashFrontIT
     * compares them with crash live.
     */
    @Test
    void printOtherFormats() throws Exception {
        Run r = run(String.join("\n", "p/o 8", "p/o 0", "p/t 5", "p/t 0", "p/o (short)-1", "p/t (unsigned char)-1", "p/u (char)-1",
                "p/z (short)1", "p/z 0", "p/u -1", "p/o &init_task", "p/t init_task.comm[0]", "p/c 321", "p/c -1", "p/c (unsigned char)200",
                "p/a &init_task", "p/a 5", "p/s init_task.comm", "p/s init_task.pid", "p/f 1") + "\n", true);
        long initTask = kernel.symbol("init_task");
        assertEquals(List.of("$1 = 010", "$2 = 0", "$3 = 101", "$4 = 0", "$5 = 0177777", "$6 = 11111111", "$7 = 255", "$8 = 0x0001",
                "$9 = 0x00000000", "$10 = 4294967295", "$11 = 0" + Long.toOctalString(initTask), "$12 = 1110011", "$13 = 65 'A'",
                "$14 = -1 '\\377'", "$15 = 200 '\\310'", String.format("$16 = 0x%x <init_task>", initTask), "$17 = 0x5",
                "$18 = \"swapper/0\\000\\000\\000\\000\\000\\000\"", "$19 = 0"), r.out().lines().toList());
        assertEquals("p/f: kdx prints the formats /x, /d, /u, /o, /t, /z, /c, /a and /s, not /f", r.err().strip());
    }

    /** p of a per-CPU variable with the sample's symbols from the dump: crash's declaration and addresses, and one CPU's instance. */
    @Test
    void printPerCpuVariables() throws Exception {
        Run r = run("p runqueues\np runqueues:0\np nr_cpu_ids\n", true);
        long rq = kernel.symbol("runqueues");
        StringBuilder want = new StringBuilder("PER-CPU DATA TYPE:\n  struct rq runqueues;\nPER-CPU ADDRESSES:\n");
        for (int c = 0; c < kernel.nrCpus(); c++) want.append(String.format("  [%d]: %x%n", c, kernel.perCpu(rq, c)));
        assertTrue(r.out().startsWith(want + "per_cpu(runqueues, 0) = $1 = {\n  __lock = {\n"), r.out());
        assertTrue(r.out().endsWith("}\nnr_cpu_ids = $2 = " + kernel.nrCpus() + "\n"), r.out());
        assertEquals("", r.err());
    }

    /** An enumerator alone prints by name, in arithmetic as a number (the sample's BTF has every enum). */
    @Test
    void printEnumerators() throws Exception {
        Run r = run("p SB_FREEZE_COMPLETE\np SB_FREEZE_COMPLETE + 1\np -x SB_FREEZE_COMPLETE\np NO_SUCH_ENUMERATOR_X\n", true);
        assertEquals("$1 = SB_FREEZE_COMPLETE\n$2 = 5\n$3 = SB_FREEZE_COMPLETE\n", r.out());
        assertEquals("p: gdb request failed: p NO_SUCH_ENUMERATOR_X\n", r.err());
    }
}
