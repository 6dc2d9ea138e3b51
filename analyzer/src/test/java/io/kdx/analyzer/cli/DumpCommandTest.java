package io.kdx.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdx.analyzer.kernel.MissingTypeException;
import io.kdx.dump.Dump;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What a command says when the dump opened but what it needs could not be read from it. */
class DumpCommandTest {
    static final Path SAMPLE = Path.of("../fixtures/sample/frozen-audit.kdump").toAbsolutePath().normalize();

    /** A command no picocli parse made (no spec), as analyze's inner run is. */
    static class Unparsed extends DumpCommand {
        @Override
        protected int run(Dump dump) {
            throw new MissingTypeException("struct task_struct");
        }
    }

    @Test
    void aMissingTypeIsOneLineAndExit4EvenWithoutAPicocliSpec() throws Exception {
        assertEquals(4, ExitCodes.INCOMPLETE_DUMP);
        for (DumpCommand c : new DumpCommand[] {new Unparsed(), new Unparsed() {
            @Override
            protected String commandName() {
                return "analyze";
            }
        }}) {
            c.dumpPath = SAMPLE;
            PrintStream saved = System.err;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int rc;
            try {
                System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
                rc = c.call();
            } finally {
                System.setErr(saved);
            }
            String text = err.toString(StandardCharsets.UTF_8);
            assertEquals(ExitCodes.INCOMPLETE_DUMP, rc, text);
            assertEquals(1, text.lines().count(), text);
            assertTrue(text.startsWith("kdx: " + SAMPLE + ": could not read what " + c.commandName() + " needs: "), text);
            assertTrue(text.contains("struct task_struct"), text);
        }
    }
}
