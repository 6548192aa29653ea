package io.tunnelscope.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunnelscope.anomaly.Analyzer;
import io.tunnelscope.report.AnalysisReport;
import io.tunnelscope.report.Basis;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Findings held to the facts the lab verified (expected.json): each masquerade sample yields its
 * SNAT with the exact addresses and points; the MTU sample yields FRAG_NEEDED, the fragmentation
 * findings and MTU_MISMATCH with the right values; the clean Kubernetes sample yields no NAT and no
 * MTU finding, only its offload artefacts.
 */
class FindingsSamplesTest {
    private static final Set<String> MTU_KINDS = Set.of("FRAG_NEEDED", "INNER_FRAGMENTATION",
            "OUTER_FRAGMENTATION", "OVERSIZE_FOR_OVERLAY", "MTU_MISMATCH", "MSS_MISMATCH", "PMTU_BLACKHOLE");

    static List<Path> scenarios() throws Exception {
        return SampleCaptures.scenarios();
    }

    private static AnalysisReport analyze(Path scenario) throws Exception {
        return Analyzer.analyze(SampleCaptures.capturesOf(scenario), new Analyzer.Options());
    }

    private static List<Finding> of(AnalysisReport report, String kind) {
        return report.findings().stream().filter(f -> f.kind().equals(kind)).toList();
    }

    /** Whether every traffic an expected translation rewrote was sent to a pod (either family). */
    private static boolean towardsPods(Path scenario, JsonNode nat) throws Exception {
        Set<String> pods = new java.util.HashSet<>();
        for (JsonNode host : SampleCaptures.scenario(scenario).get("hosts")) {
            pods.add(host.get("pod").get("address").asText().replaceAll("/.*", ""));
            if (host.has("ipv6")) {
                pods.add(host.get("ipv6").get("podAddress").asText().replaceAll("/.*", ""));
            }
        }
        java.util.Map<String, String> destinations = new java.util.HashMap<>();
        SampleCaptures.scenario(scenario).get("traffic").forEach(t -> destinations.put(t.get("label").asText(),
                t.has("backend") ? t.get("backend").get("dst").asText() : t.get("dst").asText()));
        for (JsonNode label : nat.get("traffic")) {
            if (!pods.contains(destinations.get(label.asText()))) {
                return false;
            }
        }
        return true;
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void everyExpectedTranslationIsReportedAndNoOther(Path scenario) throws Exception {
        AnalysisReport report = analyze(scenario);
        assertEquals(List.of(), report.errors());
        JsonNode expected = SampleCaptures.expected(scenario).get("nat");
        for (String kind : List.of("SNAT", "DNAT")) {
            List<Finding> found = of(report, kind);
            List<JsonNode> wanted = new java.util.ArrayList<>();
            expected.forEach(n -> {
                if (n.get("kind").asText().equals(kind)) {
                    wanted.add(n);
                }
            });
            assertEquals(wanted.size(), found.size(), scenario.getFileName() + " " + kind + ": " + found
                    + " (the reverse translation of replies is not a finding of its own)");
            for (JsonNode nat : wanted) {
                String original = nat.get("original").asText();
                String translated = nat.get("translated").asText();
                Finding finding = found.stream().filter(f -> f.summary().contains(original)
                        && f.summary().contains(translated)).findFirst().orElseThrow(() -> new AssertionError(
                        scenario.getFileName() + ": no " + kind + " " + original + " -> " + translated + " in " + found));
                assertTrue(names(finding.points(), nat.get("from").asText()), finding.points().toString());
                assertTrue(names(finding.points(), nat.get("to").asText()), finding.points().toString());
                // Pod-to-pod masquerade is an error; masquerade to the outside and a service VIP
                // translated to its backend are what NAT is for.
                boolean podToPod = kind.equals("SNAT") && towardsPods(scenario, nat);
                assertEquals(podToPod ? Severity.ERROR : Severity.INFO, finding.severity(), finding.summary());
                assertFalse(finding.evidence().isEmpty());
            }
        }
    }

    /**
     * True when a point is the expected one, or the same device captured in the host's
     * multi-interface file ({@code host2-multi:docker0} is {@code host2-docker0}).
     */
    private static boolean names(List<String> points, String expected) {
        int dash = expected.indexOf('-');
        String host = expected.substring(0, dash);
        String device = expected.substring(dash + 1);
        return points.stream().anyMatch(p -> p.equals(expected) || p.startsWith(host + "-") && p.endsWith(":" + device));
    }

    @Test
    void theMtuSampleShowsEveryMtuProblemWithItsValues() throws Exception {
        Path scenario = SampleCaptures.root().resolve("mtu-trouble");
        AnalysisReport report = analyze(scenario);
        JsonNode events = SampleCaptures.expected(scenario).get("mtuEvents");

        List<Finding> fragNeeded = of(report, "FRAG_NEEDED");
        assertEquals(events.get("fragNeeded").size(), fragNeeded.size(), fragNeeded.toString());
        for (JsonNode event : events.get("fragNeeded")) {
            String sender = event.get("icmpSrc").asText();
            String mtu = "next-hop MTU " + event.get("nextHopMtu").asInt();
            assertTrue(fragNeeded.stream().anyMatch(f -> f.summary().startsWith(sender + " sent")
                    && f.summary().contains(mtu) && f.summary().contains(event.get("quoted").get("src").asText()
                    + " > " + event.get("quoted").get("dst").asText())), sender + " " + mtu + " in " + fragNeeded);
        }

        assertTrue(events.get("innerFragmentation").asBoolean());
        assertEquals(1, of(report, "INNER_FRAGMENTATION").size());

        assertTrue(events.get("outerFragmentation").asBoolean());
        List<Finding> outer = of(report, "OUTER_FRAGMENTATION");
        long firstFragments = events.get("outerFragmentsAt").get("host1-ens33").get("firstFragments").asLong();
        assertEquals(firstFragments, outer.stream().mapToLong(Finding::count).sum(), outer.toString());

        List<Finding> mismatch = of(report, "MTU_MISMATCH");
        assertEquals(2, mismatch.size(), mismatch.toString());
        JsonNode podOverOverlay = events.get("mtuMismatch").get(0);
        assertTrue(mismatch.get(0).summary().contains("at least " + podOverOverlay.get("pod").asInt())
                && mismatch.get(0).summary().contains("MTU " + podOverOverlay.get("overlay").asInt()), mismatch.get(0).summary());
        assertTrue(mismatch.get(0).recommendation().contains("MTU to " + podOverOverlay.get("overlay").asInt()));
        JsonNode overlayOverUnderlay = events.get("mtuMismatch").get(1);
        int underlay = overlayOverUnderlay.get("underlay").asInt();
        String text = mismatch.get(1).summary();
        assertTrue(text.contains(overlayOverUnderlay.get("overlay").asInt() + " plus "
                + overlayOverUnderlay.get("encapsulationOverhead").asInt()), text);
        java.util.regex.Matcher range = java.util.regex.Pattern.compile("about (\\d+)-(\\d+) bytes").matcher(text);
        assertTrue(range.find(), text);
        assertTrue(Integer.parseInt(range.group(1)) <= underlay && underlay <= Integer.parseInt(range.group(2)),
                "the underlay MTU " + underlay + " lies in " + range.group());

        assertEquals(1, of(report, "OVERSIZE_FOR_OVERLAY").size());
        assertEquals(1, of(report, "MSS_MISMATCH").size());
        assertTrue(of(report, "PMTU_BLACKHOLE").isEmpty(), "the ICMP came back: no black hole");
    }

    @Test
    void theCleanKubernetesSampleHasNoNatAndNoMtuFinding() throws Exception {
        Path scenario = SampleCaptures.root().resolve("k8s-vxlan");
        AnalysisReport report = analyze(scenario);
        List<String> kinds = report.findings().stream().map(Finding::kind).toList();
        assertTrue(kinds.stream().noneMatch(k -> k.equals("SNAT") || k.equals("DNAT") || MTU_KINDS.contains(k)), kinds.toString());
        assertTrue(report.nat().isEmpty());
        assertTrue(SampleCaptures.expected(scenario).get("offloads").get("enabled").asBoolean());
        assertEquals(List.of("OFFLOAD_ARTIFACT"), kinds, "offloads are on in this sample: super-frames and partial "
                + "checksums are recognised, never called errors");
        assertEquals(Severity.INFO, report.findings().get(0).severity());
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void findingsAreOnePerCauseWithBoundedEvidence(Path scenario) throws Exception {
        AnalysisReport report = analyze(scenario);
        Set<String> summaries = report.findings().stream().map(Finding::summary).collect(Collectors.toSet());
        assertEquals(report.findings().size(), summaries.size(), "one finding per cause");
        for (Finding f : report.findings()) {
            assertTrue(f.evidence().size() <= 8, f.kind() + " evidence " + f.evidence().size());
            assertFalse(f.recommendation().isBlank());
            assertTrue(f.count() > 0);
        }
        assertFalse(report.flows().isEmpty());
        assertFalse(report.charts().throughput().isEmpty());
    }

    @Test
    void underlayLossIsReportedWithTheVerifiedCounts() throws Exception {
        Path scenario = SampleCaptures.root().resolve("underlay-loss");
        AnalysisReport report = analyze(scenario);
        JsonNode loss = SampleCaptures.expected(scenario).get("losses").get(0);
        List<Finding> found = of(report, "UNDERLAY_LOSS");
        assertEquals(1, found.size(), found.toString());
        assertEquals(loss.get("missing").asLong(), found.get(0).count());
        assertTrue(found.get(0).summary().startsWith(loss.get("missing").asLong() + " of " + loss.get("sent").asLong()
                + " tunnel packets that left host1 ens33 (" + loss.get("from").asText() + ") never reached host2 ens33 ("
                + loss.get("to").asText() + ")"), found.get(0).summary());
        assertEquals(Severity.ERROR, found.get(0).severity());
        assertEquals(loss.get("missing").asInt(), found.get(0).evidence().size());
    }

    @Test
    void aPmtuBlackHoleIsOneFindingForItsFlow() throws Exception {
        Path scenario = SampleCaptures.root().resolve("pmtu-blackhole");
        AnalysisReport report = analyze(scenario);
        JsonNode hole = SampleCaptures.expected(scenario).get("pmtuBlackhole").get(0);
        List<Finding> found = of(report, "PMTU_BLACKHOLE");
        assertEquals(1, found.size(), found.toString());
        assertEquals(hole.get("retransmittedLargeSegments").asLong(), found.get(0).count());
        assertTrue(found.get(0).summary().startsWith(hole.get("flow").asText() + " retransmitted segments of "
                + hole.get("maxIpPacketSize").asInt() + " bytes"), found.get(0).summary());
        assertTrue(found.get(0).points().contains(hole.get("point").asText()));
        assertTrue(of(report, "FRAG_NEEDED").isEmpty(), "the host dropped its own fragmentation-needed");
    }

    @Test
    void aStaleVtepIsReported() throws Exception {
        Path scenario = SampleCaptures.root().resolve("stale-vtep");
        AnalysisReport report = analyze(scenario);
        JsonNode stale = SampleCaptures.expected(scenario).get("unknownVteps").get(0);
        List<Finding> found = of(report, "UNKNOWN_VTEP");
        assertEquals(1, found.size(), found.toString());
        assertEquals(stale.get("packets").asLong(), found.get(0).count());
        assertTrue(found.get(0).summary().contains(stale.get("vtep").asText()));
        assertTrue(found.get(0).points().contains(stale.get("from").asText()), found.get(0).points().toString());
        assertTrue(of(report, "UNDERLAY_LOSS").isEmpty(), "no receiver to lose them: not underlay loss");
        assertEquals(Severity.WARNING, found.get(0).severity());
        assertEquals(Basis.OBSERVED, found.get(0).basis());
        assertEquals(Confidence.HIGH, found.get(0).confidence(), "unanswered pings where answers are seen: "
                + found.get(0).checked());
    }

    @Test
    void aOneWayMirroringSessionIsNamedNotAMissingVtep() throws Exception {
        Path scenario = SampleCaptures.root().resolve("vxlan-mirror");
        AnalysisReport report = analyze(scenario);
        assertTrue(of(report, "UNKNOWN_VTEP").isEmpty(), report.findings().toString());
        List<Finding> found = of(report, "VXLAN_MIRROR");
        assertEquals(1, found.size(), report.findings().toString());
        Finding mirror = found.get(0);
        assertEquals(Severity.INFO, mirror.severity());
        assertEquals(Basis.INFERRED, mirror.basis());
        assertTrue(mirror.summary().contains("172.16.117.99") && mirror.summary().contains("10.117.1.2 <-> 10.117.2.2"),
                mirror.summary());
        assertTrue(mirror.points().contains("host1-ens33") && mirror.points().contains("collector-eth0"),
                mirror.points().toString());
        assertTrue(mirror.checked().contains("any packet from 172.16.117.99: none"), mirror.checked().toString());
        for (String kind : List.of("UNDERLAY_LOSS", "BAD_CHECKSUM", "PMTU_BLACKHOLE", "TRUNCATED_CAPTURE", "SNAT")) {
            assertTrue(of(report, kind).isEmpty(), kind + ": " + of(report, kind));
        }
    }

    @Test
    void oneCapturePointOfTheStaleVtepStillShowsItWhereItSeesBothDirections() throws Exception {
        Path capture = SampleCaptures.root().resolve("stale-vtep").resolve("host1-ens33.pcap");
        AnalysisReport report = Analyzer.analyze(List.of(capture), new Analyzer.Options());
        List<Finding> found = of(report, "UNKNOWN_VTEP");
        assertEquals(1, found.size(), report.findings().toString());
        assertEquals(Confidence.HIGH, found.get(0).confidence(), found.get(0).checked().toString());
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void everyFindingStatesItsBasisWhatItCheckedAndNamesPodsOnlyWithATopology(Path scenario) throws Exception {
        AnalysisReport report = analyze(scenario);
        for (Finding f : report.findings()) {
            assertFalse(f.checked().isEmpty(), f.kind() + " states what it checked");
            assertTrue(f.basis() != Basis.CONFIRMED, "packets alone confirm nothing: " + f.kind());
            if (f.confidence() == Confidence.LOW) {
                assertFalse(f.severity() == Severity.ERROR, "an error is never a low-confidence guess: " + f);
            }
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"bad-checksum", "bad-checksum-nocsum"})
    void damagedPacketsAreBadChecksumsNotLossesNorOffload(String name) throws Exception {
        Path scenario = SampleCaptures.root().resolve(name);
        AnalysisReport report = analyze(scenario);
        List<Finding> found = of(report, "BAD_CHECKSUM");
        assertEquals(1, found.size(), found.toString());
        assertEquals(Severity.ERROR, found.get(0).severity());
        for (JsonNode point : SampleCaptures.expected(scenario).get("badChecksums")) {
            assertTrue(names(found.get(0).points(), point.get("point").asText()),
                    point.get("point").asText() + " in " + found.get(0).points());
            assertTrue(found.get(0).summary().contains(point.get("point").asText() + " (" + point.get("count").asInt()
                    + ")"), found.get(0).summary());
        }
        assertTrue(of(report, "UNDERLAY_LOSS").isEmpty(), "damaged packets arrived: " + of(report, "UNDERLAY_LOSS"));
        // ... and died in the receiving host, dropped by its kernel for their checksums.
        List<Finding> lost = of(report, "LOST");
        assertEquals(1, lost.size(), lost.toString());
        assertTrue(lost.get(0).summary().contains("in host2 between ens33 and flannel.1")
                && lost.get(0).summary().contains("wrong checksum"), lost.get(0).summary());
        assertEquals(Severity.WARNING, lost.get(0).severity());
        assertTrue(of(report, "OFFLOAD_ARTIFACT").isEmpty(), "offloads are off in this scenario");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"vxlan-masq", "k8s-vxlan", "udp-masq", "hostgw-masq",
        "vxlan-3host", "mtu-trouble", "k8s-service-dnat"})
    void scenariosWithoutFaultsHaveNoFaultFindings(String name) throws Exception {
        AnalysisReport report = analyze(SampleCaptures.root().resolve(name));
        for (String kind : List.of("UNDERLAY_LOSS", "BAD_CHECKSUM", "PMTU_BLACKHOLE", "UNKNOWN_VTEP", "TRUNCATED_CAPTURE")) {
            assertTrue(of(report, kind).isEmpty(), name + ": " + of(report, kind));
        }
    }

    @Test
    void aSnaplenThatCutsInnerHeadersIsReportedWhereItHappened() throws Exception {
        Path scenario = SampleCaptures.root().resolve("short-snaplen");
        AnalysisReport report = analyze(scenario);
        List<Finding> found = of(report, "TRUNCATED_CAPTURE");
        assertEquals(1, found.size(), report.findings().toString());
        long cut = 0;
        for (JsonNode capture : SampleCaptures.expected(scenario).get("truncatedCaptures")) {
            cut += capture.get("packetsWithCutHeaders").asLong();
            assertTrue(names(found.get(0).points(), capture.get("point").asText()), found.get(0).points().toString());
            assertTrue(found.get(0).summary().contains(capture.get("snaplen").asInt() + " bytes kept"));
        }
        assertEquals(cut, found.get(0).count());
        assertTrue(of(report, "BAD_CHECKSUM").isEmpty() && of(report, "UNDERLAY_LOSS").isEmpty(),
                "cut packets are neither damaged nor lost: " + report.findings());
    }
}
