package io.tunnelscope.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.report.AnalysisReport;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import io.tunnelscope.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 22's report cases: rules see only what the decoder validated, a rule that throws is an
 * error and not the end of the report, checksum verdicts that offload does not excuse, black holes
 * only where the packets prove them, and MTU texts that hold.
 */
class RegressionFindingsTest {

    private static AnalysisReport report(Path... files) throws IOException {
        return Analyzer.analyze(List.of(files), new Analyzer.Options());
    }

    private static List<Finding> of(AnalysisReport report, String kind) {
        return report.findings().stream().filter(f -> f.kind().equals(kind)).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp-header-cut.pcapng", "tcp-header-12-bytes.pcap", "tcpdump-tcp_header_heapoverflow.pcap"})
    void aTcpHeaderCutByTheSnaplenIsNoFaultOfTheAnalysis(String fixture) throws IOException {
        AnalysisReport report = report(Corpus.fixture(fixture));
        assertEquals(List.of(), report.errors(), fixture);
        assertEquals(1, of(report, "TRUNCATED_CAPTURE").size(), fixture + ": " + report.findings());
        assertTrue(of(report, "MSS_MISMATCH").isEmpty());
    }

    /** A rule that throws on every third packet, and on the end. */
    private static final class ThrowingRule implements Rule {
        private int packets;

        @Override
        public String kind() {
            return "THROWS";
        }

        @Override
        public String description() {
            return "throws";
        }

        @Override
        public void packet(PacketContext packet) {
            if (packets++ % 3 == 0) {
                throw new IllegalStateException("no field " + packets);
            }
        }

        @Override
        public void mergeFrom(Rule other) {
        }

        @Override
        public void finish(AnalysisContext context, List<Finding> findings) {
            throw new ArithmeticException("cannot conclude");
        }
    }

    @Test
    void aRuleThatThrowsIsAnErrorAndTheReportGoesOn() throws IOException {
        Path capture = Corpus.fixture("checksum-final-destination.pcap");
        for (boolean readAhead : List.of(true, false)) {
            Analyzer.Options options = new Analyzer.Options();
            options.correlation.readAhead = readAhead;
            options.rules = () -> {
                List<Rule> rules = new ArrayList<>(Rules.all());
                rules.add(0, new ThrowingRule());
                return rules;
            };
            AnalysisReport report = Analyzer.analyze(List.of(capture), options);
            assertEquals(List.of(
                    "analysis fault: rule THROWS failed on 3 packets, first " + capture + " frame 1 "
                            + "(IllegalStateException: no field 1); what it reports leaves those packets out",
                    "analysis fault: rule THROWS failed after reading the captures (ArithmeticException: cannot "
                            + "conclude); its findings are missing"), report.errors(), "read-ahead " + readAhead);
            assertEquals(1, of(report, "BAD_CHECKSUM").size(), "the other rules still report: " + report.findings());
        }
    }

    @Test
    void checksumsOverTheFinalDestinationAreRightAndADamagedOneStaysDamage() throws IOException {
        AnalysisReport report = report(Corpus.fixture("checksum-final-destination.pcap"),
                Corpus.fixture("tcpdump-ipv6-routing-header.pcap"), Corpus.fixture("tcpdump-ipv6-srh-insert-cksum.pcap"));
        List<Finding> bad = of(report, "BAD_CHECKSUM");
        assertEquals(1, bad.size(), report.findings().toString());
        assertEquals(1, bad.get(0).count());
        assertEquals(9, bad.get(0).evidence().get(0).frame());
    }

    @Test
    void aDamagedChecksumOnAJumboFrameIsDamageAndOnlyThePseudoHeaderSumIsOffload() throws IOException {
        AnalysisReport report = report(Corpus.fixture("jumbo-checksums.pcap"));
        List<Finding> bad = of(report, "BAD_CHECKSUM");
        assertEquals(1, bad.size());
        assertEquals(2, bad.get(0).count(), "frame 1 (damaged TCP) and 3 (damaged IPv4 header)");
        assertEquals(List.of(1L, 3L), bad.get(0).evidence().stream().map(e -> e.frame()).toList());
        List<Finding> offload = of(report, "OFFLOAD_ARTIFACT");
        assertEquals(1, offload.size());
        assertTrue(offload.get(0).summary().startsWith("Offload artefacts, not errors: 1 packets with partial checksums"),
                offload.get(0).summary());
        assertTrue(offload.get(0).summary().contains("2 GSO/TSO super-frames"),
                "the damaged and the right 8988-byte packets went on the wire at that size: " + offload.get(0).summary());
    }

    @Test
    void aHeaderOfTheOtherIpVersionFeedsNoFinding() throws IOException {
        for (String fixture : List.of("ipv6-on-ipv4-linktype.pcap", "tcpdump-LINKTYPE_IPV4_invalid.pcap")) {
            AnalysisReport report = report(Corpus.fixture(fixture));
            assertEquals(List.of(), report.findings(), fixture);
            assertEquals(List.of(), report.errors(), fixture);
        }
    }

    @Test
    void retransmissionsAsTheCaptureEndsAreANoteNotABlackHole() throws IOException {
        AnalysisReport report = report(Corpus.fixture("pmtu-end-of-trace.pcap"));
        List<Finding> found = of(report, "PMTU_BLACKHOLE");
        assertEquals(1, found.size(), report.findings().toString());
        assertEquals(Severity.INFO, found.get(0).severity());
        assertTrue(found.get(0).summary().contains("these packets do not show it"), found.get(0).summary());
    }

    @Test
    void aSenderThatShrinksWhatItCouldNotGetThroughProvesTheBlackHole() throws IOException {
        AnalysisReport report = report(Corpus.fixture("pmtu-sender-shrinks.pcap"));
        List<Finding> found = of(report, "PMTU_BLACKHOLE");
        assertEquals(1, found.size(), report.findings().toString());
        assertEquals(Severity.ERROR, found.get(0).severity());
        assertTrue(found.get(0).summary().contains("the sender then sent the same data in smaller segments"),
                found.get(0).summary());
    }

    @Test
    void mirroredGsoFramesFragmentedInTheUnderlayClaimNoSmallUnderlay() throws IOException {
        AnalysisReport report = report(Corpus.fixture("erspan-gso-fragments.pcap"));
        assertTrue(of(report, "INNER_FRAGMENTATION").isEmpty(), "GRE's own fragments are outer: " + report.findings());
        assertTrue(of(report, "MTU_MISMATCH").isEmpty(), report.findings().toString());
        List<Finding> outer = of(report, "OUTER_FRAGMENTATION");
        assertEquals(1, outer.size(), report.findings().toString());
        assertEquals(Severity.INFO, outer.get(0).severity());
        assertFalse(outer.get(0).summary().contains("below"), outer.get(0).summary());
    }

    @Test
    void natTraversalOn8472IsNoTunnel() throws IOException {
        for (String fixture : List.of("tcpdump-esp_truncated.pcap", "udp-8472-not-vxlan.pcap")) {
            AnalysisReport report = report(Corpus.fixture(fixture));
            for (String kind : List.of("OUTER_FRAGMENTATION", "MTU_MISMATCH", "OVERSIZE_FOR_OVERLAY")) {
                assertTrue(of(report, kind).isEmpty(), fixture + ": " + report.findings());
            }
            assertTrue(report.tunnels().stream().noneMatch(t -> t.outerSrc().equals("203.0.113.5")
                    || t.outerSrc().equals("0.254.92.182")), fixture + ": " + report.tunnels());
        }
    }

    @Test
    void theUnderlayBracketDecidesWhetherItIsTooSmall() {
        assertTrue(OuterFragmentationRule.underlayBelow(1396, 1500), "1396-1403 is below 1500");
        assertFalse(OuterFragmentationRule.underlayBelow(1500, 1500), "1500-1507 is not below 1500");
        assertFalse(OuterFragmentationRule.underlayBelow(1496, 1500), "1496-1503 may reach 1500");
        assertTrue(OuterFragmentationRule.underlayBelow(1492, 1500));
    }

    static Stream<Path> corpus() throws IOException {
        try (Stream<Path> files = Files.list(Corpus.root().resolve("tcpdump"))) {
            return files.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng"))
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void everyCorpusCaptureIsAnalysedWithoutAFault(Path capture) throws IOException {
        assertEquals(List.of(), report(capture).errors(), capture.toString());
    }

    @Test
    void theWholeCorpusAndTheFixturesTogetherAreAnalysedWithoutAFault() throws IOException {
        List<Path> all = new ArrayList<>(corpus().toList());
        try (Stream<Path> fixtures = Files.list(Corpus.fixture("README.md").getParent())) {
            fixtures.filter(p -> p.toString().matches(".*\\.pcap(ng)?$")).sorted().forEach(all::add);
        }
        AnalysisReport report = Analyzer.analyze(all, new Analyzer.Options());
        assertEquals(List.of(), report.errors());
        assertFalse(report.findings().isEmpty());
    }
}
