package io.kdx.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How kdx analyze finds the dump of the bundled sample, and its hand-built command model. */
class AnalyzeCommandTest {
    /** The annotated model of `kdx analyze` (the contract) and the hand-built one Main runs. */
    private static CommandLine annotated() {
        return Main.annotated("analyze");
    }

    private static CommandLine handBuilt() {
        return Main.commandLineFor("analyze");
    }

    @Test
    void mainRunsTheHandBuiltModel() {
        assertEquals(HandBuilt.Field.class, handBuilt().getSubcommands().get("analyze").getCommandSpec().findOption("--json").getter().getClass());
        assertNotEquals(HandBuilt.Field.class, annotated().getSubcommands().get("analyze").getCommandSpec().findOption("--json").getter().getClass());
    }

    @Test
    void theHandBuiltModelPrintsTheAnnotatedHelpAndVersion() {
        for (String[] args : List.of(new String[] {"analyze", "--help"}, new String[] {"analyze", "-h"},
                new String[] {"analyze", "--version"}, new String[] {"analyze", "-V"})) {
            assertEquals(run(annotated(), args), run(handBuilt(), args), String.join(" ", args));
        }
        CommandLine a = annotated(), h = handBuilt();
        assertEquals(a.getUsageMessage(), h.getUsageMessage());
        assertEquals(List.of(a.getCommandSpec().version()), List.of(h.getCommandSpec().version()));
        assertEquals(a.getSubcommands().get("analyze").getUsageMessage(), h.getSubcommands().get("analyze").getUsageMessage());
        // the usage text starts with the synopsis: every option and the positional, as the README shows them
        assertTrue(h.getSubcommands().get("analyze").getUsageMessage().startsWith(
                "Usage: kdx analyze [-hV] [--dump-symbols] [--json] [--stacks] [-s=PATH]"), h.getUsageMessage());
    }

    @Test
    void theHandBuiltModelRefusesWhatTheAnnotatedOneRefuses() {
        for (String[] args : List.of(new String[] {"analyze", "--bogus"}, new String[] {"analyze", "a.kdump", "b.kdump"},
                new String[] {"analyze", "-s"}, new String[] {"analyze", "--json=maybe", "d"}, new String[] {"analyze", "--split-part"})) {
            Outcome a = run(annotated(), args);
            assertEquals(a, run(handBuilt(), args), String.join(" ", args));
            assertEquals(ExitCodes.USAGE, a.rc(), String.join(" ", args));
        }
    }

    @Test
    void theHandBuiltModelParsesEveryOptionIntoTheSameFields() {
        for (String[] args : List.of(new String[] {"analyze"}, new String[] {"analyze", "d.kdump"},
                new String[] {"analyze", "d.kdump", "-s", "vmlinux", "--json", "--stacks", "--dump-symbols", "--split-part", "p1", "--split-part=p2"},
                new String[] {"analyze", "--symbols=dir/", "--json", "d.kdump"}, new String[] {"analyze", "-svmlinux", "d.kdump"},
                new String[] {"analyze", "--", "--json"})) {
            CommandLine a = annotated(), h = handBuilt();
            a.parseArgs(args);
            h.parseArgs(args);
            AnalyzeCommand x = a.getSubcommands().get("analyze").getCommand(), y = (AnalyzeCommand) h.getSubcommands().get("analyze").getCommandSpec().userObject();
            assertEquals(fields(x), fields(y), String.join(" ", args));
        }
        CommandLine h = handBuilt();
        h.parseArgs("analyze", "d.kdump", "-s", "v", "--json", "--split-part", "p1", "--split-part=p2");
        AnalyzeCommand y = (AnalyzeCommand) h.getSubcommands().get("analyze").getCommandSpec().userObject();
        assertEquals(Arrays.asList(Path.of("d.kdump"), Path.of("v"), true, false, false, List.of(Path.of("p1"), Path.of("p2"))), fields(y));
    }

    private static List<Object> fields(AnalyzeCommand c) {
        return Arrays.asList(c.dump, c.symbols, c.json, c.stacks, c.dumpSymbols, c.splitParts);
    }

    private record Outcome(int rc, String out, String err) {}

    private static Outcome run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int rc = cl.execute(args);
        return new Outcome(rc, out.toString(), err.toString());
    }
    @Test
    void theSampleDumpIsTheLargestFileNamedLikeADump(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("README.md"), "x".repeat(5000));
        Files.writeString(dir.resolve("vmlinux.kdxsym"), "x".repeat(9000));
        Files.writeString(dir.resolve("frozen-audit.kdump"), "x".repeat(3000));
        Files.createDirectories(dir.resolve("dumps"));
        Files.writeString(dir.resolve("dumps/dmesg.txt"), "x".repeat(8000));
        assertEquals(dir.resolve("frozen-audit.kdump"), AnalyzeCommand.sampleDump(dir));
    }

    @Test
    void aSampleWithoutADumpIsOneClearError(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "x");
        InputException e = assertThrows(InputException.class, () -> AnalyzeCommand.sampleDump(dir));
        assertEquals(dir + ": the bundled sample holds no dump file (vmcore, *.kdump, *.elf, *.flat)", e.getMessage());
    }
}
