package io.tunnelscope.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.report.AnalysisReport;
import io.tunnelscope.report.Basis;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import io.tunnelscope.testing.Corpus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 20: every finding says what it rests on and how sure it is; values outside what links
 * allow are suspicious traffic, not configuration; silence is a finding only where the captures
 * could have shown an answer.
 */
class FindingBasisTest {

    private static AnalysisReport report(Path... files) throws IOException {
        return Analyzer.analyze(List.of(files), new Analyzer.Options());
    }

    private static List<Finding> of(AnalysisReport report, String kind) {
        return report.findings().stream().filter(f -> f.kind().equals(kind)).toList();
    }

    @Test
    void aNextHopMtuNoLinkHasIsSuspiciousNotAnMtuToConfigure() throws IOException {
        List<Finding> found = of(report(Corpus.fixture("frag-needed-impossible-mtu.pcap")), "FRAG_NEEDED");
        assertEquals(2, found.size(), found.toString());
        Finding real = found.get(0);
        assertEquals(Severity.WARNING, real.severity());
        assertTrue(real.summary().startsWith("192.0.2.67 sent 1 fragmentation-needed message with next-hop MTU 1400"));
        assertEquals(Confidence.HIGH, real.confidence());
        Finding forged = found.get(1);
        assertEquals(Severity.INFO, forged.severity());
        assertEquals(Confidence.LOW, forged.confidence());
        assertTrue(forged.summary().contains("next-hop MTU 40, which no link has"), forged.summary());
        assertFalse(forged.recommendation().contains("Set"), "no MTU to set from it: " + forged.recommendation());
        assertTrue(forged.checked().get(0).endsWith("40, impossible"), forged.checked().toString());
        assertTrue(real.recommendation().contains("Lower the senders' MTU"),
                "no container network in this capture, so no pods: " + real.recommendation());
    }

    @Test
    void tinyFragmentsOfATunnelPacketAreSuspiciousTrafficNotAnUnderlayMtu() throws IOException {
        AnalysisReport report = report(Corpus.fixture("vxlan-tiny-fragments.pcap"));
        List<Finding> outer = of(report, "OUTER_FRAGMENTATION");
        assertEquals(1, outer.size(), report.findings().toString());
        assertTrue(outer.get(0).summary().contains("far below any real link's MTU"), outer.get(0).summary());
        assertFalse(outer.get(0).summary().contains("underlay MTU is about"), outer.get(0).summary());
        assertTrue(outer.get(0).checked().contains("the fragment size against what real links carry ("
                + LinkLimits.describe(false) + "): impossible"), outer.get(0).checked().toString());
        assertTrue(of(report, "MTU_MISMATCH").isEmpty(), "no underlay to resize: " + report.findings());
    }

    @Test
    void anIcmpUnreachableAboutTheVxlanPortShowsNoVtepAnswers() throws IOException {
        List<Finding> found = of(report(Corpus.fixture("vxlan-port-unreachable.pcap")), "UNKNOWN_VTEP");
        assertEquals(1, found.size());
        assertEquals(Severity.WARNING, found.get(0).severity());
        assertEquals(Basis.OBSERVED, found.get(0).basis());
        assertEquals(Confidence.HIGH, found.get(0).confidence());
        assertTrue(found.get(0).summary().contains("1 ICMP destination unreachable message came back"));
    }

    @Test
    void requestsUnansweredWhereTheCaptureCannotSeeAnswersAreMediumConfidence() throws IOException {
        List<Finding> found = of(report(Corpus.fixture("vxlan-unanswered-one-way.pcap")), "UNKNOWN_VTEP");
        assertEquals(1, found.size());
        assertEquals(Severity.WARNING, found.get(0).severity());
        assertEquals(Confidence.MEDIUM, found.get(0).confidence());
        assertTrue(found.get(0).summary().contains("the 4 requests inside (pings, SYNs) went unanswered for 1.5 s"),
                found.get(0).summary());
        assertFalse(found.get(0).strongerWith().isEmpty());
    }

    @Test
    void oneVxlanPacketAloneIsALowConfidenceNoteThatSaysWhatWouldTell() throws IOException {
        List<Finding> found = of(report(Corpus.tcpdump("gso-ipv4-vxlan-ipv4.pcap")), "UNKNOWN_VTEP");
        assertEquals(1, found.size());
        assertEquals(Severity.INFO, found.get(0).severity());
        assertEquals(Confidence.LOW, found.get(0).confidence());
        assertTrue(found.get(0).summary().contains("these captures cannot show whether a VTEP answers there"));
        assertTrue(found.get(0).strongerWith().get(0).startsWith("a capture on 10.25.132.13's node"),
                found.get(0).strongerWith().toString());
    }

    /** A rule that claims more packets than any capture holds. */
    private static final class MiscountingRule implements Rule {
        @Override
        public String kind() {
            return "MISCOUNT";
        }

        @Override
        public String description() {
            return "counts";
        }

        @Override
        public void mergeFrom(Rule other) {
        }

        @Override
        public void finish(AnalysisContext context, List<Finding> findings) {
            findings.add(new Finding(kind(), Severity.WARNING, "a million packets", List.of(), List.of(), 1_000_000,
                    "none", Basis.OBSERVED, Confidence.HIGH, List.of("nothing"), List.of()));
        }
    }

    @Test
    void aCountAboveThePacketsReadIsAMiscountTrustedLess() throws IOException {
        Analyzer.Options options = new Analyzer.Options();
        options.rules = () -> {
            List<Rule> rules = new ArrayList<>(Rules.all());
            rules.add(new MiscountingRule());
            return rules;
        };
        AnalysisReport report = Analyzer.analyze(List.of(Corpus.fixture("jumbo-checksums.pcap")), options);
        Finding miscount = of(report, "MISCOUNT").get(0);
        assertEquals(Confidence.LOW, miscount.confidence());
        assertEquals("the count, 1000000, against the 4 packets read: more, so it is a miscount",
                miscount.checked().get(1));
        for (Finding f : report.findings()) {
            if (!f.kind().equals("MISCOUNT")) {
                assertTrue(f.count() <= 4, f.toString());
            }
        }
    }

    @Test
    void nodeStateConfirmsAFindingThroughTheBasis() {
        Finding observed = new Finding("X", Severity.WARNING, "s", List.of("p"), List.of(), 1, "fix", Basis.INFERRED,
                Confidence.MEDIUM, List.of("a"), List.of("node state"));
        Finding confirmed = observed.confirmedBy("iptables -t nat -S on host1: -A POSTROUTING ... -j MASQUERADE");
        assertEquals(Basis.CONFIRMED, confirmed.basis());
        assertEquals(Confidence.HIGH, confirmed.confidence());
        assertEquals(List.of("a", "iptables -t nat -S on host1: -A POSTROUTING ... -j MASQUERADE"), confirmed.checked());
        assertThrows(IllegalArgumentException.class, () -> new Finding("X", Severity.INFO, "s", List.of(), List.of(),
                1, "fix", null, Confidence.LOW, List.of(), List.of()));
    }
}
