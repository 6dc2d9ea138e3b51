package io.kdx.analyzer.crash;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The interactive prompt (JLine): line editing, history kept in ~/.cache/kdx/shell_history, and
 * completion of command names, then of struct and union names after struct, of symbol names after sym, p, rd and
 * dis, and of task pids after bt, ps, set and files. Loaded only when standard input is a terminal, so other commands never load JLine.
 */
final class Shell {
    private Shell() {}

    static int run(CrashSession s, PrintStream out, String prompt) {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            // a pty nobody sized (script(1), expect, ssh without a window) reports 0 columns: JLine would cut the prompt
            if (terminal.getWidth() <= 0) terminal.setSize(new org.jline.terminal.Size(80, 24));
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).appName("kdx")
                    .completer(completer(s))
                    .variable(LineReader.HISTORY_FILE, history())
                    .build();
            while (!s.quitRequested()) {
                String line;
                try {
                    line = reader.readLine(prompt);
                } catch (UserInterruptException e) {
                    continue;
                } catch (EndOfFileException e) {
                    break;
                }
                s.execute(line, out);
                out.flush();
            }
            return CrashFront.OK;
        } catch (java.io.IOException e) {
            s.err.println("kdx: cannot open the terminal: " + e.getMessage());
            return CrashFront.BAD_INPUT;
        }
    }

    private static Path history() {
        String c = System.getenv("KDX_CACHE_DIR");
        Path dir = c != null && !c.isBlank() ? Path.of(c) : Path.of(System.getProperty("user.home"), ".cache", "kdx");
        return dir.resolve("shell_history");
    }

    /** At most this many candidates (a prefix of one letter matches thousands of symbols). */
    static final int MAX = 2000;

    /** Completion candidates for the word being typed, given the words before it. */
    static List<String> candidates(CrashSession s, List<String> before, String word) {
        List<String> out = new ArrayList<>();
        if (before.isEmpty()) {
            for (String c : CrashSession.COMMANDS) if (c.startsWith(word)) out.add(c);
            return out;
        }
        switch (before.getFirst()) {
            case "struct", "union" -> out.addAll(StructNames.startingWith(s.structNames(), word, MAX));
            case "sym", "p", "print", "px", "pd", "rd", "dis" -> {
                // p's expressions: the variable before the first . -> [ or &, completed as a whole word
                String w = word.startsWith("&") ? word.substring(1) : word;
                if (w.matches("[A-Za-z_]\\w*|")) {
                    for (String n : StructNames.startingWith(s.symbolNames(), w, MAX)) out.add(word.startsWith("&") ? "&" + n : n);
                }
            }
            case "bt", "ps", "set", "files" -> {
                for (var t : s.tasks()) {
                    String p = Integer.toString(t.pid());
                    if (p.startsWith(word) && !out.contains(p)) out.add(p);
                }
            }
            default -> { }
        }
        return out;
    }

    private static Completer completer(CrashSession s) {
        return (reader, line, candidates) -> {
            List<String> words = new ArrayList<>(line.words().subList(0, line.wordIndex()));
            for (String c : candidates(s, words, line.word().substring(0, line.wordCursor()))) candidates.add(new Candidate(c));
        };
    }
}
