package io.kdx.analyzer.crash;

import java.util.Map;

/** One-paragraph help per command: what kdx's version of crash's command takes. */
final class Help {
    static final String VERSION = "0.1.0";

    private static final Map<String, String> TEXT = Map.ofEntries(
            Map.entry("sys", "sys: the dumped system (KERNEL, DUMPFILE, CPUS, DATE, UPTIME, LOAD AVERAGE, TASKS, NODENAME, RELEASE, VERSION, MACHINE, MEMORY, PANIC)."),
            Map.entry("log", "log [-T] [-m]: the kernel log; -T wall-clock times (boot date + timestamp), -m the log level."),
            Map.entry("mod", "mod [-S [DIR]] [-s NAME [FILE]]: loaded modules (MODULE NAME BASE SIZE OBJECT FILE). kdx reads module symbols from the dump; -S/-s only name the object files."),
            Map.entry("ps", "ps [-S] [-m] [PID|TASK|NAME ...]: tasks; -S counts by state, -m how long ago each task last ran."),
            Map.entry("bt", "bt [-a] [-f] [PID|TASK ...]: kernel stacks; -a the active task of each CPU, -f the stack words of each frame."),
            Map.entry("foreach", "foreach [PID|TASK|NAME|STATE|kernel|user ...] bt [-f] | ps: a command for each task chosen (STATE: RU IN UN ST ZO TR DE ID ...)."),
            Map.entry("mount", "mount: the mounts (MOUNT SUPERBLK TYPE DEVNAME DIRNAME)."),
            Map.entry("struct", "struct NAME[.MEMBER[,MEMBER]] [ADDRESS|SYMBOL ...] [-o]: a struct's layout, or its values at ADDRESS."),
            Map.entry("p", "p [-x|-d] EXPRESSION, p/x, p/d: a global VAR with .MEMBER, ->MEMBER, [INDEX]; &EXPRESSION; sizeof(struct NAME)."),
            Map.entry("sym", "sym NAME|ADDRESS: a symbol's address and nm type letter, or the symbol+offset of an address."),
            Map.entry("rd", "rd ADDRESS|SYMBOL [COUNT]: COUNT 64-bit words of memory."),
            Map.entry("waitq", "waitq ADDRESS: the tasks waiting on a wait_queue_head."),
            Map.entry("files", "files [PID|TASK]: a task's root, working directory and open files."),
            Map.entry("set", "set [PID|TASK|-p]: show or change the current task (-p: the panic task)."),
            Map.entry("cd", "cd [DIR]: change the directory that redirected output is written to."),
            Map.entry("analyze", "analyze [--stacks]: kdx's diagnosis (verdict, remedy, evidence)."),
            Map.entry("kmem", "kmem -i: the memory table (pages, size, share of total: TOTAL MEM, FREE, USED, SHARED, BUFFERS, CACHED, SLAB, huge pages, swap, commit limit)."),
            Map.entry("help", "help [COMMAND]: the commands, or one command's options."),
            Map.entry("quit", "quit, q, exit: end the session."));

    private Help() {}

    static String of(String command) {
        String t = TEXT.get(command.equals("q") || command.equals("exit") ? "quit" : command);
        return t == null ? null : t + "\n";
    }
}
