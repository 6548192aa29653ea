package io.tunnelscope.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.testing.Corpus;
import io.tunnelscope.testing.RecordedSamples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A single capture point that sees each packet once is correlated without the calibration pass
 * and without holding packets for the match window: the report must be exactly the one the full
 * matching gives.
 */
class SinglePointTest {

    @Test
    void oneFileReportsAsIfMatched() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path scenario : RecordedSamples.scenarios()) {
            files.addAll(RecordedSamples.captures(scenario));
        }
        try (Stream<Path> corpus = Files.walk(Corpus.tcpdump(""))) {
            corpus.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng"))
                    .sorted().forEach(files::add);
        }
        int shortcut = 0;
        int matched = 0;
        for (Path file : files) {
            if (onePoint(file)) {
                shortcut++;
            } else {
                matched++;
            }
            CorrelationReport quick = correlate(file, false);
            CorrelationReport full = correlate(file, true);
            assertEquals(full, quick, file.toString());
        }
        // Both kinds are among the inputs: classic pcap files take the shortcut, pcapng files and
        // any captures (Linux cooked) do not.
        assertTrue(shortcut > 50, shortcut + " files taken as one point");
        assertTrue(matched > 10, matched + " files matched");
    }

    @Test
    void onlyClassicPcapOfOneNonRepeatingPointIsOnePoint() throws IOException {
        Path scenario = RecordedSamples.scenarios().stream()
                .filter(s -> s.getFileName().toString().equals("bad-checksum-nocsum")).findFirst().orElseThrow();
        assertTrue(onePoint(scenario.resolve("host1-pod.pcap")));
        assertTrue(onePoint(scenario.resolve("host1-ens33.pcap")));
        // Linux cooked v1: an any capture sees a routed packet once per interface.
        assertFalse(onePoint(scenario.resolve("host1-any.pcap")));
        // pcapng: interfaces may be declared anywhere in the file.
        assertFalse(onePoint(scenario.resolve("host2-ens33.pcapng")));
    }

    @Test
    void shortcutHoldsNoPacketsForTheWindow() throws IOException {
        // With room for a single open journey, matching closes journeys early and says so; the
        // shortcut has nothing to close.
        Path file = RecordedSamples.captures(RecordedSamples.scenarios().get(0)).stream()
                .filter(SinglePointTest::onePointUnchecked).findFirst().orElseThrow();
        Correlator.Options options = new Correlator.Options();
        options.maxOpenJourneys = 1;
        CorrelationReport quick = Correlator.correlate(List.of(file), options);
        options.matchOnOnePoint = true;
        CorrelationReport full = Correlator.correlate(List.of(file), options);
        assertTrue(full.limits().stream().anyMatch(l -> l.startsWith("match table full")), full.limits().toString());
        assertTrue(quick.limits().isEmpty(), quick.limits().toString());
    }

    private static boolean onePoint(Path file) throws IOException {
        try (CaptureCursor cursor = new CaptureCursor(file, file.toString(), DecodeTables.defaults(), new Registry(), 0)) {
            return cursor.onePoint();
        }
    }

    private static boolean onePointUnchecked(Path file) {
        try {
            return onePoint(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static CorrelationReport correlate(Path file, boolean match) throws IOException {
        Correlator.Options options = new Correlator.Options();
        options.keepJourneys = true;
        options.matchOnOnePoint = match;
        return Correlator.correlate(List.of(file), options);
    }

    /** Points for a cursor opened only to ask about its file. */
    private static final class Registry implements CaptureCursor.PointRegistry {
        private int next;

        @Override
        public CapturePoint create(HostModel.PointFacts facts) {
            return new CapturePoint(next++, facts.name(), facts.file().toString(), facts.linkType(),
                    facts.interfaceName());
        }

        @Override
        public long offset(int point) {
            return 0;
        }
    }
}
