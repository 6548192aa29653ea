package io.tunnelscope.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.report.AnalysisReport;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.testing.Corpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Findings on captures from elsewhere, reviewed: the shared corpus (tcpdump's tunnel and offload
 * captures) and {@code captures/third-party} (tcpdump's test captures that are not overlay
 * captures: fuzzed packets and ordinary traffic), each analysed alone, must give exactly the
 * findings of {@code captures/third-party/findings.golden} (kind, severity, basis, confidence,
 * summary). Where no container network shows, no finding that rests on one — an MTU judged
 * against an overlay, a NAT of pod addresses, a VTEP that does not answer — rises above low
 * confidence, and none speaks of pods.
 *
 * <p>After a deliberate change, rewrite the golden file with {@code
 * -Dtunnelscope.golden.write=true} and review its diff before committing it.
 */
class ThirdPartyFindingsGoldenTest {
    /** Kinds that judge against a topology the packets alone do not show. */
    private static final Set<String> TOPOLOGY_KINDS = Set.of("OVERSIZE_FOR_OVERLAY", "MTU_MISMATCH", "MSS_MISMATCH",
            "SNAT", "DNAT", "UNKNOWN_VTEP", "UNDERLAY_LOSS");

    private static Path thirdParty() {
        return Corpus.fixture("third-party/README.md").getParent();
    }

    private static List<Path> captures(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().matches(".*\\.pcap(ng)?$")).sorted().toList();
        }
    }

    /** One line per finding: {@code set/file: SEVERITY KIND basis/confidence: summary}. */
    private static List<String> describe(String set, Path capture, AnalysisReport report) {
        List<String> lines = new ArrayList<>();
        for (Finding f : report.findings()) {
            lines.add(set + "/" + capture.getFileName() + ": " + f.severity().jsonName().toUpperCase(Locale.ROOT) + " "
                    + f.kind() + " " + f.basis().jsonName() + "/" + f.confidence().jsonName() + ": " + f.summary());
        }
        if (lines.isEmpty()) {
            lines.add(set + "/" + capture.getFileName() + ": no findings");
        }
        return lines;
    }

    @Test
    void findingsOnCapturesFromElsewhereAreTheReviewedOnes() throws IOException {
        List<String> actual = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path capture : captures(Corpus.root().resolve("tcpdump"))) {
            actual.addAll(describe("corpus", capture, Analyzer.analyze(List.of(capture), new Analyzer.Options())));
        }
        for (Path capture : captures(thirdParty())) {
            AnalysisReport report = Analyzer.analyze(List.of(capture), new Analyzer.Options());
            actual.addAll(describe("third-party", capture, report));
            for (Finding f : report.findings()) {
                if (TOPOLOGY_KINDS.contains(f.kind()) && f.confidence() != Confidence.LOW) {
                    problems.add(capture.getFileName() + ": " + f.kind() + " above low confidence: " + f.summary());
                }
                String words = (f.summary() + " " + f.recommendation()).toLowerCase(Locale.ROOT);
                if (words.contains(" pod") || words.contains("pods")) {
                    problems.add(capture.getFileName() + ": speaks of pods: " + f.summary() + " / " + f.recommendation());
                }
            }
        }
        assertEquals(List.of(), problems);
        Path golden = thirdParty().resolve("findings.golden");
        if (Boolean.getBoolean("tunnelscope.golden.write")) {
            Path source = Path.of(System.getProperty("tunnelscope.root", ".."), "analyzer-core", "src", "test",
                    "resources", "captures", "third-party", "findings.golden");
            Files.write(source, actual, StandardCharsets.UTF_8);
        }
        assertTrue(Files.exists(golden), "no " + golden + ": write it with -Dtunnelscope.golden.write=true and review it");
        List<String> expected = Files.readAllLines(golden, StandardCharsets.UTF_8);
        List<String> missing = new ArrayList<>(expected);
        missing.removeAll(actual);
        List<String> unexpected = new ArrayList<>(actual);
        unexpected.removeAll(expected);
        assertEquals(List.of(), missing, "findings of the golden file no longer given");
        assertEquals(List.of(), unexpected, "findings the golden file does not have");
        assertEquals(expected, actual, "same findings, another order");
    }

    @Test
    void theThirdPartyCapturesShowNoContainerNetwork() throws IOException {
        List<Path> captures = captures(thirdParty());
        assertFalse(captures.isEmpty());
        for (Path capture : captures) {
            assertTrue(Analyzer.analyze(List.of(capture), new Analyzer.Options()).findings().stream()
                    .noneMatch(f -> f.kind().equals("SNAT") || f.kind().equals("DNAT")), capture.toString());
        }
    }
}
