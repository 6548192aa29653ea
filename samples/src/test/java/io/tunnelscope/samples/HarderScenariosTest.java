package io.tunnelscope.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunnelscope.anomaly.Analyzer;
import io.tunnelscope.correlate.Correlator;
import io.tunnelscope.report.AnalysisReport;
import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The lab scenarios recorded for what users' captures are like: a handful of packets, a packet
 * dropped inside the receiving host, a capture that missed packets, and {@code any} captures cut
 * short or without interface index beside the per-device ones.
 */
class HarderScenariosTest {

    private static AnalysisReport analyze(String scenario) throws Exception {
        return Analyzer.analyze(SampleCaptures.capturesOf(SampleCaptures.root().resolve(scenario)),
                new Analyzer.Options());
    }

    private static List<Finding> of(AnalysisReport report, String kind) {
        return report.findings().stream().filter(f -> f.kind().equals(kind)).toList();
    }

    /** Three pings between two pods on host-gw with ip-masq: enough to know the topology and call the SNAT an error. */
    @Test
    void threePingsShowThePodToPodSnatAsAnError() throws Exception {
        AnalysisReport report = analyze("hostgw-sparse");
        Set<String> subnets = new TreeSet<>();
        report.topology().hosts().forEach(h -> subnets.add(h.host() + " " + h.subnet()));
        assertEquals(Set.of("host1 10.120.1.0/24", "host2 10.120.2.0/24"), subnets);
        List<Finding> snat = of(report, "SNAT");
        assertEquals(1, snat.size(), report.findings().toString());
        assertEquals(Severity.ERROR, snat.get(0).severity(), snat.get(0).summary());
        assertEquals(6, snat.get(0).count(), "3 requests and their 3 replies, each once: " + snat.get(0).summary());
    }

    /**
     * An iptables DROP in host2's FORWARD chain for one pod port: those datagrams are lost in
     * host2 between flannel.1 (they were decapsulated) and docker0 (they were never forwarded).
     */
    @Test
    void aPacketDroppedInsideTheReceivingHostIsLocalised() throws Exception {
        Path scenario = SampleCaptures.root().resolve("drop-in-host");
        AnalysisReport report = analyze("drop-in-host");
        List<Finding> lost = of(report, "LOST");
        assertEquals(1, lost.size(), report.findings().toString());
        long blocked = 0;
        for (JsonNode traffic : SampleCaptures.scenario(scenario).get("traffic")) {
            if (traffic.get("label").asText().equals("udp-1to2-blocked")) {
                blocked = traffic.get("count").asLong();
                assertEquals(0, traffic.get("received").asLong(), "the pod received nothing on the blocked port");
            }
        }
        assertEquals(blocked, lost.get(0).count());
        assertTrue(lost.get(0).summary().contains("in host2 between flannel.1 and docker0"), lost.get(0).summary());
        assertEquals(Severity.ERROR, lost.get(0).severity());
        assertTrue(of(report, "UNDERLAY_LOSS").isEmpty(), "the underlay delivered them: " + report.findings());
        CorrelationReport.Loss loss = report.losses().stream().filter(l -> l.missing() > 0).findFirst().orElseThrow();
        assertEquals("network", loss.kind());
        assertEquals("host2 flannel.1", loss.lastSeen().toString());
        assertEquals("host2 docker0", loss.firstMissing().toString());
    }

    /**
     * host2's docker0 capture started late and skipped odd echo sequence numbers: what it missed
     * is the capture's loss, never the network's.
     */
    @Test
    void whatACaptureMissedIsCaptureLossNotNetworkLoss() throws Exception {
        AnalysisReport report = analyze("capture-gap");
        assertTrue(of(report, "LOST").isEmpty() && of(report, "UNDERLAY_LOSS").isEmpty(), report.findings().toString());
        List<Finding> missed = of(report, "CAPTURE_LOSS");
        assertFalse(missed.isEmpty(), report.findings().toString());
        for (Finding finding : missed) {
            assertEquals(Severity.INFO, finding.severity());
            assertTrue(finding.points().contains("host2-docker0"), finding.points().toString());
        }
        for (CorrelationReport.Loss loss : report.losses()) {
            assertTrue(loss.kind().equals("capture") || loss.missing() == 0, loss.toString());
        }
    }

    /**
     * Each any capture of the run beside the per-device captures: cut to 96 or 128 bytes (cooked
     * v2, tcpdump) or without interface index (cooked v1, dumpcap), whole or cut. Its interfaces
     * are the devices the per-device files name (or the host side of the pod's veth, which no file
     * captured), and the paths over those devices and the NAT are those of the per-device files.
     */
    @ParameterizedTest
    @ValueSource(strings = {"host1-any96.pcap", "host1-any128.pcap", "host1-any.pcap", "host2-anyv1.pcapng",
        "host2-anyv1s128.pcapng"})
    void anyCapturesOfEveryKindNameTheirDevicesAndChangeNoPath(String any) throws Exception {
        Path scenario = SampleCaptures.root().resolve("any-snaplen");
        List<Path> devices = SampleCaptures.devicePoints(scenario).stream()
                .filter(p -> !p.getFileName().toString().contains("-any")).toList();
        CorrelationReport alone = Correlator.correlate(devices, new Correlator.Options());
        List<Path> with = new ArrayList<>(devices);
        with.add(scenario.resolve(any));
        CorrelationReport report = Correlator.correlate(with, new Correlator.Options());

        Set<String> named = new TreeSet<>();
        alone.hosts().forEach(h -> h.devices().forEach(d -> named.add(h.name() + " " + d.name())));
        for (CorrelationReport.Point point : report.points()) {
            if (point.name().startsWith(any.substring(0, any.indexOf('.')))) {
                boolean ok = named.contains(point.host() + " " + point.device()) || point.role().equals("veth")
                        || point.role().equals("unknown") || point.role().equals("loopback");
                assertTrue(ok, any + ": " + point + " is not a device of " + named);
            }
        }
        assertEquals(paths(alone, named), paths(report, named), any + " paths");
        assertEquals(nat(alone), nat(report), any + " NAT");
    }

    /** Paths over the given devices only (the any capture adds the pod's host-side veth). */
    private static Map<String, Long> paths(CorrelationReport report, Set<String> devices) {
        Map<String, Long> out = new TreeMap<>();
        for (CorrelationReport.Path path : report.paths()) {
            StringBuilder key = new StringBuilder();
            for (CorrelationReport.PathHop hop : path.hops()) {
                if (devices.contains(hop.host() + " " + hop.device())) {
                    key.append(hop.host()).append(' ').append(hop.device()).append(" > ");
                }
            }
            if (key.length() > 0) {
                // (paths over none of them: the host's own loopback traffic in an any capture)
                out.merge(key.toString(), path.packets(), Long::sum);
            }
        }
        return out;
    }

    private static Set<String> nat(CorrelationReport report) {
        Set<String> out = new TreeSet<>();
        report.nat().forEach(n -> out.add(n.kind() + " " + n.original() + " " + n.translated() + " " + n.packets()));
        return out;
    }
}
