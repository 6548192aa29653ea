package io.tunnelscope.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tunnelscope.report.AnalysisReport;
import io.tunnelscope.testing.RecordedSamples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Analysing every file on its own thread and merging gives exactly the report one analysis of all
 * packets in merged order gives (read-ahead off), on every recorded scenario and on pairs of
 * files, and the progress listener still sees every packet.
 */
class PerFileAnalysisTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);



    @Test
    void perFileAndInlineAnalysesGiveTheSameReport() throws IOException {
        List<Path> scenarios = RecordedSamples.scenarios();
        assertFalse(scenarios.isEmpty());
        for (Path scenario : scenarios) {
            List<Path> files = RecordedSamples.captures(scenario);
            assertEquals(json(files, false), json(files, true), scenario.toString());
        }
    }

    @Test
    void twoFilesAnalysedOnTwoThreadsGiveTheInlineReport() throws IOException {
        for (Path scenario : RecordedSamples.scenarios()) {
            List<Path> files = RecordedSamples.captures(scenario);
            for (int i = 0; i + 1 < files.size(); i += 2) {
                List<Path> pair = List.of(files.get(i), files.get(i + 1));
                assertEquals(json(pair, false), json(pair, true), pair.toString());
                List<Path> reversed = List.of(files.get(i + 1), files.get(i));
                assertEquals(json(reversed, false), json(reversed, true), reversed.toString());
            }
        }
    }

    @Test
    void progressSeesEveryPacketEitherWay() throws IOException {
        List<Path> files = RecordedSamples.captures(RecordedSamples.scenarios().get(0));
        assertEquals(packets(files, false), packets(files, true));
        assertTrue(packets(files, true) > 0);
    }

    /**
     * Without the flow list and the chart series (what the viewer leaves out) every other part of
     * the report, findings included, is the same; those two are empty.
     */
    @Test
    void leavingOutFlowsAndChartsChangesNothingElse() throws IOException {
        int withFlows = 0;
        for (Path scenario : RecordedSamples.scenarios()) {
            List<Path> files = RecordedSamples.captures(scenario);
            Analyzer.Options all = new Analyzer.Options();
            AnalysisReport full = Analyzer.analyze(files, all);
            Analyzer.Options lean = new Analyzer.Options();
            lean.flowsAndCharts = false;
            AnalysisReport without = Analyzer.analyze(files, lean);
            assertTrue(without.flows().isEmpty(), scenario.toString());
            assertTrue(without.charts().throughput().isEmpty() && without.charts().sizes().isEmpty(),
                    scenario.toString());
            withFlows += full.flows().isEmpty() ? 0 : 1;
            assertEquals(withoutFlows(full), withoutFlows(without), scenario.toString());
        }
        assertTrue(withFlows > 0, "no scenario had flows to leave out");
    }

    private static String withoutFlows(AnalysisReport report) throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode tree = JSON.valueToTree(report);
        tree.remove("flows");
        tree.remove("limits");
        return JSON.writeValueAsString(tree) + report.limits().stream()
                .filter(l -> !l.startsWith("flow table full")).toList();
    }

    /** Two files of the same name (in two directories) name their points apart the same way. */
    @Test
    void pointsOfEqualNamesGetTheSameUniqueNames(@TempDir Path dir) throws IOException {
        Path scenario = RecordedSamples.scenarios().get(0);
        List<Path> files = new ArrayList<>();
        for (String host : List.of("a", "b")) {
            for (Path capture : RecordedSamples.captures(scenario)) {
                Path copy = dir.resolve(host).resolve(capture.getFileName());
                Files.createDirectories(copy.getParent());
                Files.copy(capture, copy);
                files.add(copy);
            }
        }
        String inline = json(files, false);
        assertTrue(inline.contains("\"a/") && inline.contains("\"b/"), "points not named by their directories");
        assertEquals(inline, json(files, true));
    }

    /** A file cut short keeps its error and what came before it. */
    @Test
    void aBrokenFileKeepsItsErrorAndItsPackets(@TempDir Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path capture : RecordedSamples.captures(RecordedSamples.scenarios().get(0))) {
            Path copy = dir.resolve(capture.getFileName());
            byte[] bytes = Files.readAllBytes(capture);
            Files.write(copy, files.isEmpty() ? java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3) : bytes);
            files.add(copy);
        }
        String inline = json(files, false);
        assertTrue(inline.contains("\"errors\" : [ \""), inline);
        assertEquals(inline, json(files, true));
    }

    /** A bug met on a reading thread is thrown again on the caller's. */
    @Test
    void aFailureOnAReadingThreadReachesTheCaller() throws IOException {
        List<Path> files = RecordedSamples.captures(RecordedSamples.scenarios().get(0));
        Analyzer.Options options = new Analyzer.Options();
        IllegalStateException bug = new IllegalStateException("bug");
        AtomicLong seen = new AtomicLong();
        options.progress = (point, file, record, stack, view) -> {
            if (seen.incrementAndGet() == 100) {
                throw bug;
            }
        };
        assertSame(bug, assertThrows(IllegalStateException.class, () -> Analyzer.analyze(files, options)));
    }

    private static long packets(List<Path> files, boolean readAhead) throws IOException {
        AtomicLong seen = new AtomicLong();
        Analyzer.Options options = new Analyzer.Options();
        options.correlation.readAhead = readAhead;
        options.progress = (point, file, record, stack, view) -> seen.incrementAndGet();
        Analyzer.analyze(files, options);
        return seen.get();
    }

    private static String json(List<Path> files, boolean readAhead) throws IOException {
        Analyzer.Options options = new Analyzer.Options();
        options.correlation.readAhead = readAhead;
        options.correlation.keepJourneys = true;
        AnalysisReport report = Analyzer.analyze(files, options);
        return JSON.writeValueAsString(report);
    }
}
