package io.tunnelscope.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunnelscope.anomaly.AnalysisContext;
import io.tunnelscope.anomaly.Analyzer;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The overlays of the other CNIs, recorded by the lab: Calico's VXLAN ({@code calico-vxlan}:
 * vxlan.calico, VNI 4096 on UDP 4789, cali veths with proxy ARP for the pods' gateway 169.254.1.1,
 * no bridge) and IP in IP ({@code ipip}: tunl0, IPv4 protocol 4, cni0). The analysis must know the
 * hosts and their devices, follow every pod-to-pod packet through every device in order, use the
 * tunnel's own overhead (50 bytes for VXLAN, 20 for IP in IP) for the overlay MTU, name the real
 * gateway, and find nothing wrong: nothing is broken in these scenarios.
 */
class OtherCniOverlaysTest {

    /** What each scenario must show: its tunnel, its overhead and per host its devices in outbound order. */
    private record Expected(String encap, Long vni, Integer port, int overhead, Map<String, List<String>> devices,
                            Map<String, String> roles) {
    }

    private static Expected expected(String scenario) {
        return switch (scenario) {
            case "calico-vxlan" -> new Expected("vxlan", 4096L, 4789, 50, Map.of(
                    "node1", List.of("pod", "cali5a1c0de0001", "vxlan.calico", "eth0"),
                    "node2", List.of("pod", "cali5a1c0de0002", "vxlan.calico", "eth0")),
                    Map.of("pod", "pod", "cali5a1c0de0001", "veth", "cali5a1c0de0002", "veth",
                            "vxlan.calico", "overlay-vxlan", "eth0", "underlay"));
            case "ipip" -> new Expected("ipip", null, null, 20, Map.of(
                    "worker1", List.of("pod", "cni0", "tunl0", "eth0"),
                    "worker2", List.of("pod", "cni0", "tunl0", "eth0")),
                    Map.of("pod", "pod", "cni0", "bridge", "tunl0", "overlay-tun", "eth0", "underlay"));
            default -> throw new IllegalArgumentException(scenario);
        };
    }

    private static AnalysisReport analyze(List<Path> files) throws Exception {
        Analyzer.Options options = new Analyzer.Options();
        options.correlation.keepJourneys = true;
        return Analyzer.analyze(files, options);
    }

    @ParameterizedTest
    @ValueSource(strings = {"calico-vxlan", "ipip"})
    void hostsAndDevicesAreRecognised(String name) throws Exception {
        Path scenario = SampleCaptures.root().resolve(name);
        Expected e = expected(name);
        AnalysisReport report = analyze(SampleCaptures.devicePoints(scenario));
        assertEquals(List.of(), report.errors());
        Map<String, Map<String, String>> found = new TreeMap<>();
        for (CorrelationReport.CaptureHost host : report.hosts()) {
            Map<String, String> devices = new TreeMap<>();
            host.devices().forEach(d -> devices.put(d.name(), d.role()));
            found.put(host.name(), devices);
        }
        Map<String, Map<String, String>> wanted = new TreeMap<>();
        e.devices().forEach((host, devices) -> {
            Map<String, String> roles = new TreeMap<>();
            devices.forEach(d -> roles.put(d, e.roles().get(d)));
            wanted.put(host, roles);
        });
        assertEquals(wanted, found, name + ": hosts, devices and roles");
    }

    /**
     * Exactly the two pod-to-pod paths, each device once; and every journey between the pods
     * crossed every device of its path in that order (the captures lost nothing).
     */
    @ParameterizedTest
    @ValueSource(strings = {"calico-vxlan", "ipip"})
    void podToPodJourneysCrossEveryDeviceInOrder(String name) throws Exception {
        Path scenario = SampleCaptures.root().resolve(name);
        Expected e = expected(name);
        List<String> hosts = new ArrayList<>(new TreeSet<>(e.devices().keySet()));
        List<String> there = SampleCaptures.crossHostPath(e.devices(), hosts.get(0), hosts.get(1));
        List<String> back = SampleCaptures.crossHostPath(e.devices(), hosts.get(1), hosts.get(0));
        AnalysisReport report = analyze(SampleCaptures.devicePoints(scenario));

        Set<List<String>> paths = new java.util.HashSet<>();
        for (CorrelationReport.Path p : report.paths()) {
            List<String> devices = new ArrayList<>();
            p.hops().forEach(h -> devices.add(h.host() + " " + h.device()));
            paths.add(devices);
        }
        assertEquals(Set.of(there, back), paths, name + ": paths");

        Map<String, String> pods = SampleCaptures.podHosts(scenario);
        int checked = 0;
        for (CorrelationReport.Journey journey : report.journeys()) {
            List<CorrelationReport.Hop> hops = journey.hops();
            String from = pods.get(bare(hops.get(0).src()));
            String to = pods.get(bare(hops.get(hops.size() - 1).dst()));
            if (from == null || to == null) {
                continue;
            }
            List<String> devices = new ArrayList<>();
            hops.forEach(h -> devices.add(h.host() + " " + h.device()));
            assertEquals(from.equals(hosts.get(0)) ? there : back, devices, name + ": journey " + hops);
            // The hops on the underlay carry the tunnel, the others the bare pod packet.
            for (CorrelationReport.Hop hop : hops) {
                boolean underlay = hop.device().equals("eth0");
                assertEquals(underlay ? e.encap() : null, hop.encap(), name + ": " + hop);
                if (underlay) {
                    assertEquals(e.vni(), hop.vni(), name + ": " + hop);
                }
            }
            checked++;
        }
        assertTrue(checked >= 60, name + ": only " + checked + " pod-to-pod journeys");
    }

    /** With the any and multi-interface captures as well, each device is still one hop of a path. */
    @ParameterizedTest
    @ValueSource(strings = {"calico-vxlan", "ipip"})
    void everyDeviceIsOneHopWithAllCaptures(String name) throws Exception {
        Path scenario = SampleCaptures.root().resolve(name);
        AnalysisReport report = analyze(SampleCaptures.capturesOf(scenario));
        assertEquals(List.of(), report.errors());
        assertEquals(2, report.paths().size(), name + ": " + report.paths());
        for (CorrelationReport.Path p : report.paths()) {
            Set<String> devices = new TreeSet<>();
            for (CorrelationReport.PathHop hop : p.hops()) {
                assertTrue(devices.add(hop.host() + " " + hop.device()), name + ": twice " + hop + " in " + p.hops());
            }
            assertTrue(p.hops().size() >= 8, name + ": " + p.hops());
        }
    }

    /** The tunnel as it is on the wire, and its overhead in the overlay MTU the rules used. */
    @ParameterizedTest
    @ValueSource(strings = {"calico-vxlan", "ipip"})
    void theTunnelAndItsOverheadAreTheBackends(String name) throws Exception {
        Path scenario = SampleCaptures.root().resolve(name);
        Expected e = expected(name);
        AnalysisReport report = analyze(SampleCaptures.capturesOf(scenario));
        Set<String> underlays = new TreeSet<>();
        for (JsonNode host : SampleCaptures.scenario(scenario).get("hosts")) {
            underlays.add(host.get("underlay").get("address").asText().replaceAll("/.*", ""));
        }
        assertEquals(2, report.tunnels().size(), report.tunnels().toString());
        for (CorrelationReport.Tunnel tunnel : report.tunnels()) {
            assertEquals(e.encap(), tunnel.encap(), tunnel.toString());
            assertEquals(e.vni(), tunnel.vni(), tunnel.toString());
            if (e.port() != null) {
                assertTrue(tunnel.outerPorts().contains(e.port()), tunnel.toString());
            }
            assertTrue(underlays.contains(tunnel.outerSrc()) && underlays.contains(tunnel.outerDst()), tunnel.toString());
        }
        for (CorrelationReport.Host host : report.topology().hosts()) {
            assertEquals(e.encap(), host.backend(), host.toString());
        }
        assertEquals(e.overhead(), AnalysisContext.overhead(e.encap()));
        JsonNode mtu = SampleCaptures.scenario(scenario).get("mtu");
        int overlay = mtu.get("overlay").asInt();
        assertEquals(mtu.get("underlay").asInt(), overlay + e.overhead(), name + ": the lab sized the overlay so");
        // The overlay MTU the MTU rules used: the full-size DF ping filled the overlay device.
        assertEquals(overlay, report.charts().overlayMtu(), name + ": overlay MTU");
        for (String kind : List.of("MTU_MISMATCH", "OUTER_FRAGMENTATION", "INNER_FRAGMENTATION", "OVERSIZE_FOR_OVERLAY",
                "FRAG_NEEDED", "MSS_MISMATCH", "PMTU_BLACKHOLE")) {
            assertTrue(report.findings().stream().noneMatch(f -> f.kind().equals(kind)), name + ": " + report.findings());
        }
    }

    /** Calico's pods route via 169.254.1.1 (proxy ARP on the cali veth); cni0 pods via the subnet's .1. */
    @ParameterizedTest
    @ValueSource(strings = {"calico-vxlan", "ipip"})
    void theGatewayIsThePodsGateway(String name) throws Exception {
        Path scenario = SampleCaptures.root().resolve(name);
        AnalysisReport report = analyze(SampleCaptures.capturesOf(scenario));
        Map<String, String> wanted = new TreeMap<>();
        Map<String, String> vteps = new TreeMap<>();
        for (JsonNode host : SampleCaptures.scenario(scenario).get("hosts")) {
            wanted.put(host.get("subnet").asText(), host.get("pod").get("gateway").asText());
            vteps.put(host.get("subnet").asText(), host.get("underlay").get("address").asText().replaceAll("/.*", ""));
        }
        if (name.equals("calico-vxlan")) {
            assertEquals(Set.of("169.254.1.1"), new TreeSet<>(wanted.values()));
        }
        Map<String, String> found = new TreeMap<>();
        Map<String, String> foundVteps = new TreeMap<>();
        for (CorrelationReport.Host host : report.topology().hosts()) {
            assertNotNull(host.subnet(), host.toString());
            found.put(host.subnet(), host.gateway());
            foundVteps.put(host.subnet(), host.vtep());
            assertTrue(host.seen().contains("gateway"), name + ": the gateway is in the captures: " + host);
        }
        assertEquals(wanted, found, name + ": gateways");
        assertEquals(vteps, foundVteps, name + ": VTEPs");
    }

    /** Nothing is broken: no error or warning, no NAT, no loss. */
    @ParameterizedTest
    @ValueSource(strings = {"calico-vxlan", "ipip"})
    void nothingIsFoundWrong(String name) throws Exception {
        AnalysisReport report = analyze(SampleCaptures.capturesOf(SampleCaptures.root().resolve(name)));
        assertEquals(List.of(), report.errors());
        List<Finding> bad = report.findings().stream()
                .filter(f -> f.severity() == Severity.ERROR || f.severity() == Severity.WARNING).toList();
        assertEquals(List.of(), bad, name);
        assertTrue(report.nat().isEmpty(), name + ": " + report.nat());
        for (CorrelationReport.Loss loss : report.losses()) {
            assertEquals(0, loss.missing(), name + ": " + loss);
        }
        assertFalse(report.flows().isEmpty());
    }

    private static String bare(String address) {
        int colon = address.indexOf(':');
        return colon >= 0 && address.indexOf(':', colon + 1) < 0 ? address.substring(0, colon) : address;
    }
}
