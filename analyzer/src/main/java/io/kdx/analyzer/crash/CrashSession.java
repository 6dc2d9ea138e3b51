package io.kdx.analyzer.crash;

import io.kdx.analyzer.text.Fmt;
import io.kdx.analyzer.kernel.Kernel;
import io.kdx.analyzer.kernel.MemoryFault;
import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.analyzer.log.KernelLog;
import io.kdx.analyzer.log.KernelLogs;
import io.kdx.analyzer.tasks.TaskInfo;
import io.kdx.analyzer.tasks.Tasks;
import io.kdx.dump.Dump;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One crash-compatible session on an open dump: reads command lines, splits off crash's output
 * redirection ({@code > FILE}, {@code >> FILE}, {@code | COMMAND}), and dispatches each command to
 * its printer. A command that fails prints one line naming itself ({@code "bt: no such task"}) and
 * the session goes on, as in crash.
 */
final class CrashSession {
    /** The commands kdx answers, for help and completion. */
    static final List<String> COMMANDS = List.of("analyze", "bt", "cd", "exit", "files", "foreach", "help", "kmem", "log",
            "mod", "mount", "p", "ps", "q", "quit", "rd", "set", "struct", "sym", "sys", "waitq");

    final CrashOptions options;
    final Dump dump;
    final Kernel kernel;
    final PrintStream err;
    Path cwd = Path.of("").toAbsolutePath();
    private List<TaskInfo> tasks;
    private KernelLog log;
    TaskInfo context;
    private boolean quit;
    /** gdb's value history number of the next p. */
    int printCount;
    private SymLetters symLetters;
    private boolean symLettersRead;

    /** A command's failure: one line, printed as "COMMAND: message". */
    static final class CommandError extends RuntimeException {
        /** The name the line starts with when it is not the command's (crash's "gdb: " for what it passes to gdb). */
        final String who;

        CommandError(String message) {
            this(null, message);
        }

        CommandError(String who, String message) {
            super(message, null, false, false);
            this.who = who;
        }
    }

    CrashSession(CrashOptions options, Dump dump, Kernel kernel, PrintStream err) {
        this.options = options;
        this.dump = dump;
        this.kernel = kernel;
        this.err = err;
    }

    boolean quitRequested() {
        return quit;
    }

    List<TaskInfo> tasks() {
        if (tasks == null) {
            List<TaskInfo> t = new ArrayList<>(Tasks.list(kernel));
            t.sort(java.util.Comparator.comparingInt(TaskInfo::pid).thenComparingInt(TaskInfo::cpu));
            tasks = List.copyOf(t);
        }
        return tasks;
    }

    /** The nm letters of the vmlinux given on the command line, read on first use; null without one. */
    SymLetters symLetters() {
        if (!symLettersRead) {
            symLettersRead = true;
            symLetters = SymLetters.read(vmlinuxPath());
        }
        return symLetters;
    }

    /** The modules' part of sym -l, read on first use (DataCommands.moduleLines). */
    List<SymList.ModuleLine> moduleLines;

    private List<String> structNames, symbolNames;

    /** Struct and union names for completion, read on first use. */
    List<String> structNames() {
        if (structNames == null) structNames = StructNames.all(kernel, vmlinuxPath());
        return structNames;
    }

    /** The vmlinux named on the command line, or null. */
    private Path vmlinuxPath() {
        return options == null || options.vmlinux() == null ? null : cwd.resolve(options.vmlinux());
    }

    /** Symbol names for completion, read on first use. */
    List<String> symbolNames() {
        if (symbolNames == null) symbolNames = StructNames.symbols(kernel, symLetters());
        return symbolNames;
    }

    KernelLog log() {
        if (log == null) log = KernelLogs.read(kernel);
        return log;
    }

    /** crash's default context: the panic task, else the task active on the first CPU. */
    TaskInfo context() {
        if (context == null) {
            for (TaskInfo t : tasks()) if (t.panicTask()) return context = t;
            for (TaskInfo t : tasks()) if (t.active()) return context = t;
            if (!tasks().isEmpty()) context = tasks().getFirst();
        }
        return context;
    }

    /** Runs one command line with its redirection; output to {@code out} unless redirected. */
    void execute(String line, PrintStream out) {
        String cmd = line.strip();
        if (cmd.isEmpty() || cmd.startsWith("#")) return;
        int bar = unquoted(cmd, '|');
        if (bar >= 0) {
            pipe(cmd.substring(0, bar).strip(), cmd.substring(bar + 1).strip(), out);
            return;
        }
        int gt = unquoted(cmd, '>');
        if (gt >= 0) {
            boolean append = gt + 1 < cmd.length() && cmd.charAt(gt + 1) == '>';
            String file = cmd.substring(gt + (append ? 2 : 1)).strip();
            String body = cmd.substring(0, gt).strip();
            if (file.isEmpty()) {
                err.println("crash: missing redirection file name");
                return;
            }
            Path target = cwd.resolve(file);
            try (OutputStream os = Files.newOutputStream(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
                 PrintStream ps = new PrintStream(os, false, StandardCharsets.UTF_8)) {
                run(body, ps);
            } catch (IOException e) {
                err.println("crash: " + file + ": cannot open: " + e.getMessage());
            }
            return;
        }
        run(cmd, out);
    }

    /** {@code COMMAND | SHELL-COMMAND}: the output of COMMAND is the standard input of /bin/sh -c SHELL-COMMAND. */
    private void pipe(String body, String shell, PrintStream out) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(buf, false, StandardCharsets.UTF_8)) {
            run(body, ps);
        }
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", shell).directory(cwd.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Thread feeder = Thread.ofVirtual().start(() -> {
                try (OutputStream in = p.getOutputStream()) {
                    buf.writeTo(in);
                } catch (IOException ignored) {
                    // the reader (head, grep -q) may stop early, as a shell pipe allows
                }
            });
            try (InputStream res = p.getInputStream()) {
                res.transferTo(out);
            }
            feeder.join();
            p.waitFor();
            out.flush();
        } catch (IOException e) {
            err.println("crash: cannot run " + shell + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The first C outside double quotes; a '>' of C's "->" (p task->comm) is no redirection, as in crash. */
    private static int unquoted(String s, char c) {
        boolean q = false;
        for (int i = 0; i < s.length(); i++) {
            char x = s.charAt(i);
            if (x == '"') q = !q;
            else if (x == c && !q && !(c == '>' && i > 0 && s.charAt(i - 1) == '-')) return i;
        }
        return -1;
    }

    private void run(String cmd, PrintStream out) {
        List<String> words = new ArrayList<>(Arrays.asList(cmd.split("\\s+")));
        String name = words.removeFirst();
        try {
            dispatch(name, words, out);
        } catch (CommandError e) {
            out.flush();
            err.println((e.who != null ? e.who : name) + ": " + e.getMessage());
        } catch (MemoryFault e) {
            out.flush();
            err.println(name + ": read error: " + e.getMessage());
        } catch (MissingTypeException e) {
            out.flush();
            err.println(name + ": " + e.getMessage());
        } catch (RuntimeException e) {
            out.flush();
            err.println(name + ": failed: " + e);
        }
        out.flush();
    }

    private void dispatch(String name, List<String> args, PrintStream out) {
        switch (name) {
            case "q", "quit", "exit" -> quit = true;
            case "sys" -> SystemCommands.sys(this, args, out);
            case "log", "dmesg" -> SystemCommands.log(this, args, out);
            case "mod" -> SystemCommands.mod(this, args, out);
            case "mount" -> SystemCommands.mount(this, args, out);
            case "kmem" -> SystemCommands.kmem(this, args, out);
            case "analyze" -> SystemCommands.analyze(this, args, out);
            case "ps" -> TaskCommands.ps(this, args, out);
            case "bt" -> TaskCommands.bt(this, args, out);
            case "foreach" -> TaskCommands.foreach(this, args, out);
            case "set" -> TaskCommands.set(this, args, out);
            case "files" -> TaskCommands.files(this, args, out);
            case "struct", "union" -> DataCommands.struct(this, args, out);
            case "p", "print", "px", "pd" -> DataCommands.print(this, name, args, out);
            case "sym" -> DataCommands.sym(this, args, out);
            case "rd" -> DataCommands.rd(this, args, out);
            case "waitq" -> DataCommands.waitq(this, args, out);
            case "cd" -> cd(args, out);
            case "help", "h" -> help(args, out);
            default -> {
                if (name.matches("(p|print)/\\w+")) DataCommands.print(this, name, args, out);
                else err.println("crash: command not found: " + name);
            }
        }
    }

    private void cd(List<String> args, PrintStream out) {
        Path to = args.isEmpty() ? Path.of(System.getProperty("user.home")) : cwd.resolve(args.getFirst()).normalize();
        if (!Files.isDirectory(to)) throw new CommandError("cannot chdir to " + to);
        cwd = to;
        if (!options.silent()) out.println("Working directory " + cwd + ".");
    }

    private void help(List<String> args, PrintStream out) {
        if (!args.isEmpty()) {
            String h = Help.of(args.getFirst());
            if (h == null) throw new CommandError("no help for " + args.getFirst());
            out.print(h);
            return;
        }
        out.println();
        int cols = 5;
        for (int i = 0; i < COMMANDS.size(); i++) {
            out.print(Fmt.format("%-15s", COMMANDS.get(i)));
            if (i % cols == cols - 1 || i == COMMANDS.size() - 1) out.println();
        }
        out.println();
        out.println("kdx " + Help.VERSION + " (crash-compatible front end). Enter \"help COMMAND\" for a command's options.");
        out.println();
    }
}
