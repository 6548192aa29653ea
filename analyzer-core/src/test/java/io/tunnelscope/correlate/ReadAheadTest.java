package io.tunnelscope.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.tunnelscope.report.CorrelationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Reading every file on its own thread gives exactly what reading inline gives. */
class ReadAheadTest {
    private static List<Path> scenarios() throws IOException {
        Path root = Path.of(System.getProperty("tunnelscope.root", ".."), "samples", "captures");
        List<Path> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.filter(Files::isDirectory).sorted().forEach(out::add);
        }
        return out;
    }

    private static List<Path> captures(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".pcap") || f.toString().endsWith(".pcapng")
                    || f.toString().endsWith(".gz")).sorted().toList();
        }
    }

    @Test
    void parallelAndSequentialReadsGiveTheSameReport() throws IOException {
        List<Path> scenarios = scenarios();
        assertFalse(scenarios.isEmpty());
        for (Path scenario : scenarios) {
            List<Path> files = captures(scenario);
            CorrelationReport sequential = correlate(files, false);
            CorrelationReport parallel = correlate(files, true);
            assertEquals(sequential, parallel, scenario.toString());
        }
    }

    private static CorrelationReport correlate(List<Path> files, boolean readAhead) throws IOException {
        Correlator.Options options = new Correlator.Options();
        options.readAhead = readAhead;
        options.keepJourneys = true;
        return Correlator.correlate(files, options);
    }
}
