package io.tunnelscope.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunnelscope.correlate.Correlator;
import io.tunnelscope.report.CorrelationReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Correlation proven on the recorded scenarios, against what the lab verified with tshark
 * (expected.json) and what it built (scenario.json): every pod-to-pod packet of each traffic
 * kind is followed through every capture point of its path in order; the masquerade SNATs are
 * reported with their exact addresses and the two points around the rewrite, and no NAT where
 * there is none; roles, subnets and VTEPs are inferred; nothing is lost in the underlay.
 */
class CorrelationSamplesTest {

    static Stream<Path> scenarios() throws Exception {
        return SampleCaptures.scenarios().stream();
    }

    /**
     * The scenarios whose paths, roles and losses the correlation is held to: all of them, the
     * mirror's too (its copies, inside a tunnel that carries both directions of a conversation,
     * are packets of their own from the mirroring host's NIC to the collector).
     */
    static Stream<Path> correlatedScenarios() throws Exception {
        return SampleCaptures.scenarios().stream();
    }

    private static CorrelationReport correlate(Path scenario, boolean journeys) throws Exception {
        Correlator.Options options = new Correlator.Options();
        options.keepJourneys = journeys;
        return Correlator.correlate(SampleCaptures.devicePoints(scenario), options);
    }

    @ParameterizedTest
    @MethodSource("correlatedScenarios")
    void everyExpectedPathIsFollowedThroughEveryPoint(Path scenario) throws Exception {
        CorrelationReport report = correlate(scenario, true);
        assertEquals(List.of(), report.errors());
        Set<List<String>> paths = report.paths().stream().map(CorrelationReport.Path::points)
                .collect(Collectors.toSet());
        for (JsonNode expected : SampleCaptures.expected(scenario).get("paths")) {
            List<String> points = new ArrayList<>();
            expected.get("points").forEach(p -> points.add(p.asText()));
            assertTrue(paths.contains(points), scenario.getFileName() + ": " + expected.get("traffic").asText()
                    + " " + expected.get("direction").asText() + " path " + points + " not among " + paths);
            // The hop-by-hop addresses the lab saw must be how some journey on that path saw them.
            List<String> expectedHops = new ArrayList<>();
            expected.get("hops").forEach(h -> expectedHops.add(
                    h.get("point").asText() + " " + h.get("src").asText() + ">" + h.get("dst").asText()));
            boolean found = report.journeys().stream().anyMatch(j -> {
                List<String> hops = new ArrayList<>();
                j.hops().forEach(h -> hops.add(h.point() + " " + bare(h.src()) + ">" + bare(h.dst())));
                return hops.equals(expectedHops);
            });
            assertTrue(found, scenario.getFileName() + ": no journey looked like " + expectedHops);
        }
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void natIsExactlyWhatTheLabInstalled(Path scenario) throws Exception {
        CorrelationReport report = correlate(scenario, false);
        Set<String> expected = new TreeSet<>();
        for (JsonNode nat : SampleCaptures.expected(scenario).get("nat")) {
            expected.add(nat.get("kind").asText() + " " + nat.get("original").asText() + " -> "
                    + nat.get("translated").asText() + " between " + nat.get("from").asText() + " and "
                    + nat.get("to").asText());
        }
        Set<String> found = new TreeSet<>();
        for (CorrelationReport.Nat nat : report.nat()) {
            found.add(nat.kind() + " " + bare(nat.original()) + " -> " + bare(nat.translated()) + " between "
                    + nat.from() + " and " + nat.to());
        }
        assertEquals(expected, found, scenario.getFileName() + " NAT table");
    }

    @ParameterizedTest
    @MethodSource("correlatedScenarios")
    void rolesSubnetsAndVtepsAreInferred(Path scenario) throws Exception {
        CorrelationReport report = correlate(scenario, false);
        JsonNode description = SampleCaptures.scenario(scenario);
        Map<String, String> roles = new HashMap<>();
        report.points().forEach(p -> roles.put(p.name(), p.role()));
        for (JsonNode capture : description.get("captures")) {
            String file = capture.get("file").asText();
            String role = capture.get("role").asText();
            if (!role.equals("any")) {
                assertEquals(role, roles.get(file.substring(0, file.lastIndexOf('.'))), file);
            }
        }
        Set<String> subnets = new TreeSet<>();
        Set<String> vteps = new TreeSet<>();
        for (JsonNode host : description.get("hosts")) {
            subnets.add(host.get("subnet").asText());
            if (host.has("overlay") && !host.get("overlay").isNull()) {
                vteps.add(host.get("underlay").get("address").asText().replaceAll("/.*", ""));
            }
            if (host.has("ipv6")) {
                // dual stack: the IPv6 subnet behind the node's IPv6 VTEP (flannel-v6.1)
                subnets.add(host.get("ipv6").get("subnet").asText());
                vteps.add(host.get("ipv6").get("underlayAddress").asText().replaceAll("/.*", ""));
            }
        }
        Set<String> inferredSubnets = new TreeSet<>();
        Set<String> inferredVteps = new TreeSet<>();
        for (CorrelationReport.Host host : report.topology().hosts()) {
            if (host.subnet() != null) {
                inferredSubnets.add(host.subnet());
            }
            if (host.vtep() != null) {
                inferredVteps.add(host.vtep());
            }
        }
        assertEquals(subnets, inferredSubnets, scenario.getFileName() + " subnets");
        assertEquals(vteps, inferredVteps, scenario.getFileName() + " VTEPs");
    }

    /**
     * Packets the fault scenarios make vanish inside a host, and why: the lab installed these
     * faults (scenario.json "faults", "mtu"), so the correlation must find exactly these losses
     * there and say what the captures show of the cause; every other pair of devices loses nothing.
     */
    private static final Map<String, List<String>> LOST_IN_HOST = Map.of(
            // DF packets larger than flannel.1's MTU: dropped, and the host says so with ICMP.
            "mtu-trouble", List.of("host1 docker0 -> flannel.1: too big", "host2 docker0 -> flannel.1: too big"),
            // The same, but the ICMP is dropped by the OUTPUT rule: TCP retransmits into the hole.
            "pmtu-blackhole", List.of("host1 docker0 -> flannel.1: retransmitted"),
            // One bit flipped on the switch: the receiving kernel drops the packet for its checksum.
            "bad-checksum", List.of("host2 ens33 -> flannel.1: wrong checksum"),
            "bad-checksum-nocsum", List.of("host2 ens33 -> flannel.1: wrong checksum"),
            // host2's FORWARD chain drops UDP to pod2 port 9001 after decapsulation: nothing says why.
            "drop-in-host", List.of("host2 flannel.1 -> docker0: dropped"),
            // flannel's MTU (underlay - 50) on cni0 and the pods is 20 above flannel-v6.1's (- 70):
            // full-size IPv6 packets are dropped with an ICMPv6 Packet Too Big
            "vxlan-v6", List.of("worker1 cni0 -> flannel-v6.1: too big", "worker2 cni0 -> flannel-v6.1: too big"),
            "dual-stack", List.of("worker1 cni0 -> flannel-v6.1: too big"));

    /**
     * Losses equal what the lab verified and the faults it injected: every pair of underlay
     * captures it lists, with the exact packets sent and missing (a packet damaged on the way
     * arrived, it is not missing there); the in-host losses of {@link #LOST_IN_HOST} with their
     * cause; what a capture missed only where the capture was cut short (short-snaplen); and no
     * loss anywhere else.
     */
    @ParameterizedTest
    @MethodSource("correlatedScenarios")
    void lossesAreExactlyTheVerifiedAndInjectedOnes(Path scenario) throws Exception {
        // Every capture: a pcapng says when it stopped, so a packet lost after a pcap's last one
        // is known to be lost, not merely not captured.
        CorrelationReport report = Correlator.correlate(SampleCaptures.capturesOf(scenario), new Correlator.Options());
        String name = scenario.getFileName().toString();
        JsonNode expected = SampleCaptures.expected(scenario).get("losses");
        Set<String> verified = new TreeSet<>();
        if (expected != null) {
            for (JsonNode loss : expected) {
                String pair = loss.get("from").asText() + " -> " + loss.get("to").asText();
                verified.add(pair);
                CorrelationReport.Loss found = report.losses().stream()
                        .filter(l -> l.kind().equals("network") && (l.from() + " -> " + l.to()).equals(pair))
                        .findFirst().orElseThrow(() -> new AssertionError(name + ": no loss entry " + pair
                                + " in " + report.losses()));
                assertEquals(loss.get("sent").asLong(), found.sent(), name + " " + pair + " sent");
                assertEquals(loss.get("missing").asLong(), found.missing(), name + " " + pair + " missing");
            }
        }
        List<String> inHost = new ArrayList<>();
        Set<String> cut = new TreeSet<>();
        JsonNode truncated = SampleCaptures.expected(scenario).get("truncatedCaptures");
        if (truncated != null) {
            truncated.forEach(c -> cut.add(c.get("point").asText()));
        }
        for (JsonNode capture : SampleCaptures.scenario(scenario).get("captures")) {
            if (capture.has("startedLate") || capture.has("filter")) {
                String file = capture.get("file").asText();
                cut.add(file.substring(0, file.lastIndexOf('.')));
            }
        }
        for (CorrelationReport.Loss loss : report.losses()) {
            if (loss.missing() == 0 || verified.contains(loss.from() + " -> " + loss.to())) {
                continue;
            }
            if (loss.kind().equals("capture")) {
                assertTrue(cut.contains(loss.to()), name + ": a capture that was neither cut, late nor filtered "
                        + "missed packets: " + loss);
                continue;
            }
            assertEquals(loss.lastSeen().host(), loss.firstMissing().host(), name + ": lost between hosts " + loss);
            String cause = loss.reason() == null ? "dropped" : loss.reason().startsWith("too big") ? "too big"
                    : loss.reason().startsWith("retransmitted") ? "retransmitted"
                    : loss.reason().contains("wrong checksum") ? "wrong checksum" : loss.reason();
            inHost.add(loss.lastSeen() + " -> " + loss.firstMissing().device() + ": " + cause);
        }
        assertEquals(LOST_IN_HOST.getOrDefault(name, List.of()), inHost, name + " losses inside hosts");
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void anyAndMultiInterfaceCapturesSplitIntoPoints(Path scenario) throws Exception {
        Correlator.Options options = new Correlator.Options();
        CorrelationReport report = Correlator.correlate(SampleCaptures.capturesOf(scenario), options);
        assertEquals(List.of(), report.errors());
        long split = report.points().stream().filter(p -> p.name().contains(":")).count();
        assertTrue(split >= 2, scenario.getFileName() + ": " + report.points());
    }

    /** Addresses in expected.json carry no ports. */
    private static String bare(String address) {
        if (address.startsWith("[")) {
            return address.substring(1, address.indexOf(']'));
        }
        int colon = address.indexOf(':');
        return colon >= 0 && address.indexOf(':', colon + 1) < 0 ? address.substring(0, colon) : address;
    }

    /**
     * A mirror's copies are packets of their own: the copies (VNI 42 to the collector) go from
     * host1's NIC to the collector, and no journey of the mirrored pods' packets has the collector
     * as a hop or host1's NIC before its flannel.1.
     */
    @org.junit.jupiter.api.Test
    void aMirrorsCopiesTravelTheirOwnPath() throws Exception {
        CorrelationReport report = correlate(SampleCaptures.root().resolve("vxlan-mirror"), false);
        List<String> paths = report.paths().stream().map(p -> String.join(" > ", p.points())).toList();
        assertTrue(paths.stream().anyMatch(p -> p.equals("host1-ens33 > collector-eth0")), paths.toString());
        for (CorrelationReport.Path path : report.paths()) {
            List<String> points = path.points();
            if (points.contains("host1-pod") || points.contains("host2-pod")) {
                assertTrue(!points.contains("collector-eth0"), "a copy's sighting in an original's path: " + points);
                if (points.contains("host1-flannel.1") && points.indexOf("host1-pod") == 0) {
                    assertTrue(points.indexOf("host1-flannel.1") < points.indexOf("host1-ens33"), points.toString());
                }
            }
        }
    }
}
