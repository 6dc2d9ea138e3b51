package io.kdx.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The plain analyze command lines read without picocli mean what picocli (the contract) makes of them. */
class AnalyzeArgsTest {
    private static final List<String[]> PLAIN = List.of(
            new String[] {"analyze"},
            new String[] {"analyze", "d.kdump"},
            new String[] {"analyze", "d.kdump", "-s", "vmlinux"},
            new String[] {"analyze", "-s", "vmlinux", "d.kdump", "--json"},
            new String[] {"analyze", "--symbols", "dir/", "--stacks", "d.kdump"},
            new String[] {"analyze", "--symbols=dir/x.kdxsym", "d.kdump", "--dump-symbols"},
            new String[] {"analyze", "d.kdump", "--split-part", "p1", "--split-part=p2", "--json", "--stacks", "--dump-symbols"},
            new String[] {"analyze", "/abs/path with space/vmcore", "-s", "a=b"});

    /** Forms left to picocli: help, version, errors, and what only picocli knows how to read. */
    private static final List<String[]> NOT_PLAIN = List.of(
            new String[] {"analyze", "--help"}, new String[] {"analyze", "-h"}, new String[] {"analyze", "-V"},
            new String[] {"analyze", "--version"}, new String[] {"analyze", "--bogus"},
            new String[] {"analyze", "a.kdump", "b.kdump"}, new String[] {"analyze", "-s"},
            new String[] {"analyze", "--json=maybe", "d"}, new String[] {"analyze", "--json=true", "d"},
            new String[] {"analyze", "--split-part"}, new String[] {"analyze", "--", "--json"},
            new String[] {"analyze", "-svmlinux", "d.kdump"}, new String[] {"analyze", "@args.txt"},
            new String[] {"analyze", "d", "-s", "--json"}, new String[] {"analyze", "d", "--json", "--json"},
            new String[] {"analyze", "d", "-s", "a", "--symbols", "b"}, new String[] {"analyze", ""},
            new String[] {"analyze", "-"}, new String[] {"analyze", "d\0x"}, new String[] {"ps", "d"}, new String[] {});

    @Test
    void plainLinesParseAsPicocliParsesThem() {
        for (String[] args : PLAIN) {
            AnalyzeCommand fast = AnalyzeArgs.parse(args);
            assertNotNull(fast, String.join(" ", args));
            CommandLine a = Main.annotated("analyze");
            a.parseArgs(args);
            AnalyzeCommand picocli = a.getSubcommands().get("analyze").getCommand();
            assertEquals(fields(picocli), fields(fast), String.join(" ", args));
        }
    }

    @Test
    void everythingElseGoesToPicocli() {
        for (String[] args : NOT_PLAIN) assertNull(AnalyzeArgs.parse(args), String.join(" ", args));
    }

    @Test
    void aFailureIsOneLineAndTheCodePicocliWouldGive(@TempDir Path dir) {
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true));
        int rc;
        try {
            rc = Main.execute("analyze", dir.resolve("missing.kdump").toString());
        } finally {
            System.setErr(err);
        }
        assertEquals(ExitCodes.BAD_INPUT, rc);
        String text = buf.toString();
        assertEquals(1, text.lines().count(), text);
        assertEquals("kdx: " + dir.resolve("missing.kdump") + ": no such file", text.strip());
    }

    private static List<Object> fields(AnalyzeCommand c) {
        return Arrays.asList(c.dump, c.symbols, c.json, c.stacks, c.dumpSymbols, c.splitParts);
    }
}
