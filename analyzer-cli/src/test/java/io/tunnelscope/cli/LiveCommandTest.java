package io.tunnelscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Usage errors of {@code tunnelscope live}: none of them opens a capture. */
class LiveCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpDescribesTheOptions() {
        assertEquals(0, run("live", "--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        for (String option : new String[] {"--list", "--interface", "--filter", "--count", "--duration", "--write",
            "--json", "--summary-every", "setcap"}) {
            assertTrue(help.contains(option), option + " in\n" + help);
        }
    }

    @Test
    void noInterfaceIsAUsageError() {
        assertEquals(2, run("live", "--count", "3"));
        assertTrue(err().contains("name at least one interface with -i"), err());
    }

    @Test
    void badNumbersAreUsageErrors() {
        assertEquals(2, run("live", "-i", "eth0", "--count", "0"));
        assertTrue(err().contains("--count must be a positive number"), err());
        assertEquals(2, run("live", "-i", "eth0", "--duration", "soon"));
        assertTrue(err().contains("--duration takes a number of seconds"), err());
        assertEquals(2, run("live", "-i", "eth0", "--summary-every", "-1"));
        assertTrue(err().contains("--summary-every must be a positive number of seconds"), err());
    }

    @Test
    void aStrayArgumentIsAUsageError() {
        assertEquals(2, run("live", "-i", "eth0", "udp", "port", "8472"));
        assertTrue(err().contains("a BPF filter goes after --filter"), err());
    }
}
