package io.tunnelscope.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tunnelscope gui} as a command ({@link Launcher} in a process of its own, headless): every
 * option in {@code --help}; a bad tab, filter, option or file exits 2 with a clear message and
 * writes no PNG; a good snapshot exits 0.
 */
class SnapshotCommandTest {
    /** Exit status, stdout and stderr of one run. */
    private record Run(int exit, String out, String err) {
    }

    private static Run gui(String... args) throws IOException, InterruptedException {
        return gui(null, args);
    }

    /** A run with {@code stdin} (when not null) piped into its standard input. */
    private static Run gui(byte[] stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dtunnelscope.headless=true",
                "-Dtunnelscope.gui.noPrefs=true", "io.tunnelscope.gui.Launcher"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        if (stdin != null) {
            try (var in = p.getOutputStream()) {
                in.write(stdin);
            }
        }
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "finished");
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    private static String sample() {
        return MainWindowTest.samples("vxlan-masq").resolve("host1-ens33.pcap").toString();
    }

    @Test
    void helpListsEveryOption() throws Exception {
        Run r = gui("--help");
        assertEquals(0, r.exit());
        for (String option : List.of("--filter", "--decode-as", "--time-format", "--snapshot", "--size", "--tab",
                "--select", "--timings", "--help")) {
            assertTrue(r.out().contains(option), option + " in:\n" + r.out());
        }
        for (String tab : TunnelscopeApp.TABS) {
            assertTrue(r.out().contains(tab), tab);
        }
    }

    @Test
    void badInputsExitTwoWithoutAPng(@TempDir Path tmp) throws Exception {
        Path png = tmp.resolve("out.png");
        Run tab = gui("--snapshot", png.toString(), "--tab", "Bogus", sample());
        assertEquals(2, tab.exit());
        assertTrue(tab.err().startsWith("tunnelscope gui: --tab: no tab 'Bogus' (tabs: Packets, Findings,"), tab.err());
        Run filter = gui("--snapshot", png.toString(), "--filter", "udp.port == ", sample());
        assertEquals(2, filter.exit());
        assertTrue(filter.err().startsWith("tunnelscope gui: --filter: expected a value after '==' at position 11"),
                filter.err());
        Run missing = gui("--snapshot", png.toString(), tmp.resolve("nothing.pcap").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("nothing.pcap: no such file or directory"), missing.err());
        Run option = gui("--snapshot", png.toString(), "--colour", "red", sample());
        assertEquals(2, option.exit());
        assertTrue(option.err().contains("unknown option --colour"), option.err());
        Run decodeAs = gui("--snapshot", png.toString(), "--decode-as", "udp.port=8472:otv", sample());
        assertEquals(2, decodeAs.exit());
        assertTrue(decodeAs.err().contains("unknown dissector 'otv'"), decodeAs.err());
        assertFalse(Files.exists(png), "no PNG written");
    }

    @Test
    void aGoodSnapshotIsWritten(@TempDir Path tmp) throws Exception {
        Path png = tmp.resolve("conversations.png");
        Run r = gui("--snapshot", png.toString(), "--size", "1200x760", "--tab", "Conversations", "--timings", sample());
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.size(png) > 10_000);
        assertTrue(r.err().contains("rows shown after "), r.err());
    }

    @Test
    void aCapturePipedInIsReadLikeAFile() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long spoolsBefore = spools(tmp);
        byte[] capture = Files.readAllBytes(Path.of(sample()));
        Path png = Files.createTempFile("piped", ".png");
        try {
            // Standard input beside a file: both loaded, the piped one named after stdin.
            Run r = gui(capture, "--snapshot", png.toString(), "--timings", "-", sample());
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.err().contains("(254 packets)"), "127 piped and 127 from the file: " + r.err());
            assertEquals(spoolsBefore, spools(tmp), "the copy of the stream is deleted at exit");
        } finally {
            Files.deleteIfExists(png);
        }
    }

    private static long spools(Path tmp) throws IOException {
        try (var listing = Files.list(tmp)) {
            return listing.filter(p -> p.getFileName().toString().startsWith("tunnelscope-streams-")).count();
        }
    }
}
