package io.tunnelscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the command does when something unforeseen throws: never the findings status. */
class MainTest {
    @Test
    void anInternalErrorExitsTwoWithAMessageNotOneAsFindingsWould() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) {
                throw new IllegalStateException("a bug\u001b[31m");
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Main(new PrintStream(broken, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(new String[] {"version"});
        assertEquals(Main.EXIT_INPUT, code);
        String said = err.toString(StandardCharsets.UTF_8);
        assertTrue(said.startsWith("tunnelscope: internal error (please report it): "
                + "java.lang.IllegalStateException: a bug\\x1b[31m\n"), said);
    }
}
