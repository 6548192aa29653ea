package io.tunnelscope.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tunnelscope.anomaly.Analyzer;
import io.tunnelscope.proto.Protocols;
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
 * flannel's IPv6 VXLAN backend as the lab recorded it: {@code vxlan-v6} (an IPv6-only cluster:
 * flannel-v6.1 over an IPv6 underlay, /64 pod subnets, pods and cni0 at flannel's MTU 1450 over a
 * 1430 flannel-v6.1, ip6tables MASQUERADE towards an external host) and {@code dual-stack}
 * (flannel.1 over IPv4 and flannel-v6.1 over IPv6 side by side). The analysis must know the hosts
 * and each device as one hop, follow every pod-to-pod packet of either family through its
 * family's overlay device in order, report the IPv6 subnets and VTEPs, take neighbour discovery
 * and MLD for the link traffic it is (no loss), report the pod-to-external SNAT66 as IPv4
 * masquerading is reported and no NAT between pods, and judge the MTUs with the 70 bytes VXLAN
 * costs over IPv6: the Packet Too Big drops are "too big" losses between cni0 and flannel-v6.1.
 */
class Ipv6OverlaysTest {

    private static AnalysisReport analyze(List<Path> files) throws Exception {
        Analyzer.Options options = new Analyzer.Options();
        options.correlation.keepJourneys = true;
        return Analyzer.analyze(files, options);
    }

    private static Path scenario(String name) {
        return SampleCaptures.root().resolve(name);
    }

    /** Per host, its devices in outbound order, per family ("4", "6"). */
    private static Map<String, List<String>> devices(String name, String family) {
        String overlay = family.equals("6") ? "flannel-v6.1" : "flannel.1";
        return Map.of("worker1", List.of("pod", "cni0", overlay, "eth0"),
                "worker2", List.of("pod", "cni0", overlay, "eth0"));
    }

    private static List<String> families(String name) {
        return name.equals("dual-stack") ? List.of("4", "6") : List.of("6");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vxlan-v6", "dual-stack"})
    void hostsAndDevicesAreRecognised(String name) throws Exception {
        AnalysisReport report = analyze(SampleCaptures.devicePoints(scenario(name)));
        assertEquals(List.of(), report.errors());
        Map<String, Map<String, String>> found = new TreeMap<>();
        for (CorrelationReport.CaptureHost host : report.hosts()) {
            Map<String, String> devices = new TreeMap<>();
            host.devices().forEach(d -> devices.put(d.name(), d.role()));
            found.put(host.name(), devices);
        }
        Map<String, String> roles = new TreeMap<>(Map.of("pod", "pod", "cni0", "bridge",
                "flannel-v6.1", "overlay-vxlan", "eth0", "underlay"));
        if (name.equals("dual-stack")) {
            roles.put("flannel.1", "overlay-vxlan");
        }
        assertEquals(Map.of("worker1", roles, "worker2", roles), found, name + ": hosts, devices and roles");
    }

    /**
     * The pod-to-pod paths of each family, each device once, and every pod-to-pod journey crossed
     * every device of its family's path in order, VXLAN VNI 1 over the underlay of its own family;
     * the only ones that stopped short stopped at the sender's cni0, as many as the losses the
     * Packet Too Big messages explain.
     */
    @ParameterizedTest
    @ValueSource(strings = {"vxlan-v6", "dual-stack"})
    void podToPodJourneysCrossEveryDeviceInOrder(String name) throws Exception {
        Path scenario = scenario(name);
        AnalysisReport report = analyze(SampleCaptures.devicePoints(scenario));
        Set<List<String>> paths = new java.util.HashSet<>();
        for (CorrelationReport.Path p : report.paths()) {
            List<String> devices = new ArrayList<>();
            p.hops().forEach(h -> devices.add(h.host() + " " + h.device()));
            paths.add(devices);
        }
        for (String family : families(name)) {
            assertTrue(paths.contains(SampleCaptures.crossHostPath(devices(name, family), "worker1", "worker2")), name + " IPv" + family + ": " + paths);
            assertTrue(paths.contains(SampleCaptures.crossHostPath(devices(name, family), "worker2", "worker1")), name + " IPv" + family + ": " + paths);
        }

        Map<String, String> pods = SampleCaptures.podHosts(scenario);
        Map<String, Integer> checked = new TreeMap<>();
        int stoppedAtCni0 = 0;
        for (CorrelationReport.Journey journey : report.journeys()) {
            List<CorrelationReport.Hop> hops = journey.hops();
            String from = pods.get(bare(hops.get(0).src()));
            String to = pods.get(bare(hops.get(hops.size() - 1).dst()));
            if (from == null || to == null || from.equals(to)) {
                continue;
            }
            String family = bare(hops.get(0).src()).indexOf(':') >= 0 ? "6" : "4";
            List<String> want = SampleCaptures.crossHostPath(devices(name, family), from, to);
            List<String> devices = new ArrayList<>();
            hops.forEach(h -> devices.add(h.host() + " " + h.device()));
            if (devices.equals(want.subList(0, 2))) {
                stoppedAtCni0++;
                continue;
            }
            assertEquals(want, devices, name + ": journey " + hops);
            for (CorrelationReport.Hop hop : hops) {
                boolean underlay = hop.device().equals("eth0");
                assertEquals(underlay ? "vxlan" : null, hop.encap(), name + ": " + hop);
                if (underlay) {
                    assertEquals(1L, hop.vni(), name + ": " + hop);
                }
            }
            checked.merge(family, 1, Integer::sum);
        }
        for (String family : families(name)) {
            assertTrue(checked.getOrDefault(family, 0) >= 40, name + ": pod-to-pod journeys per family " + checked);
        }
        long tooBig = 0;
        for (CorrelationReport.Loss loss : report.losses()) {
            if (loss.missing() > 0) {
                assertTrue(loss.reason() != null && loss.reason().startsWith("too big"), name + ": " + loss);
                assertEquals("cni0", loss.lastSeen().device(), name + ": " + loss);
                assertEquals("flannel-v6.1", loss.firstMissing().device(), name + ": " + loss);
                tooBig += loss.missing();
            }
        }
        assertEquals(tooBig, stoppedAtCni0, name + ": journeys that stopped at cni0 are the packets too big");
        assertTrue(tooBig > 0, name + ": the 1450-byte IPv6 packets did not fit flannel-v6.1");
    }

    /** With the any and multi-interface captures as well, each device is still one hop of any path. */
    @ParameterizedTest
    @ValueSource(strings = {"vxlan-v6", "dual-stack"})
    void everyDeviceIsOneHopWithAllCaptures(String name) throws Exception {
        AnalysisReport report = analyze(SampleCaptures.capturesOf(scenario(name)));
        assertEquals(List.of(), report.errors());
        int full = 0;
        for (CorrelationReport.Path p : report.paths()) {
            Set<String> devices = new TreeSet<>();
            for (CorrelationReport.PathHop hop : p.hops()) {
                assertTrue(devices.add(hop.host() + " " + hop.device()), name + ": twice " + hop + " in " + p.hops());
            }
            full += p.hops().size() >= 8 ? 1 : 0;
        }
        assertEquals(2 * families(name).size(), full, name + ": " + report.paths());
        for (CorrelationReport.CaptureHost host : report.hosts()) {
            for (CorrelationReport.CaptureDevice device : host.devices()) {
                assertFalse(device.name().startsWith("worker"), name + ": a device named after its file: " + device);
            }
        }
    }

    /** Each node's /64 (and /24 in dual stack), its VTEP of that family, gateway and overlay address. */
    @ParameterizedTest
    @ValueSource(strings = {"vxlan-v6", "dual-stack"})
    void theTopologyHasTheIpv6SubnetsAndVteps(String name) throws Exception {
        Path scenario = scenario(name);
        AnalysisReport report = analyze(SampleCaptures.capturesOf(scenario));
        Map<String, List<String>> wanted = new TreeMap<>();
        for (JsonNode host : SampleCaptures.scenario(scenario).get("hosts")) {
            List<JsonNode> views = new ArrayList<>();
            views.add(host);
            if (host.has("ipv6")) {
                views.add(host.get("ipv6"));
            }
            for (JsonNode view : views) {
                boolean nested = view != host;
                String subnet = view.get("subnet").asText();
                String vtep = (nested ? view.get("underlayAddress") : view.get("underlay").get("address")).asText()
                        .replaceAll("/.*", "");
                String gateway = nested ? view.get("podGateway").asText() : view.get("pod").get("gateway").asText();
                String overlay = view.get("overlay").get("address").asText().replaceAll("/.*", "");
                String mac = view.get("overlay").get("mac").asText();
                wanted.put(subnet, List.of(host.get("name").asText(), vtep, gateway, overlay, mac));
            }
        }
        Map<String, List<String>> found = new TreeMap<>();
        for (CorrelationReport.Host host : report.topology().hosts()) {
            found.put(host.subnet(), List.of(host.host(), host.vtep(), host.gateway(), host.overlayAddress(),
                    host.vtepMac()));
            assertEquals("vxlan", host.backend(), host.toString());
            assertTrue(host.seen().containsAll(List.of("gateway", "vtep", "vtepMac")), name + ": " + host);
        }
        assertEquals(wanted, found, name + ": topology");
        assertTrue(found.keySet().stream().anyMatch(s -> s.endsWith("::/64")), name + ": an IPv6 /64");
    }

    /**
     * Pod to pod is not NATed; in vxlan-v6 the pod's traffic to the external host is masqueraded
     * to worker1's underlay address between cni0 and eth0 (ip6tables MASQUERADE), reported as IPv4
     * masquerading is: SNAT, information, the original named as a pod address of its /64.
     */
    @ParameterizedTest
    @ValueSource(strings = {"vxlan-v6", "dual-stack"})
    void onlyTheTrafficLeavingTheClusterIsMasqueraded(String name) throws Exception {
        Path scenario = scenario(name);
        AnalysisReport report = analyze(SampleCaptures.devicePoints(scenario));
        Map<String, String> pods = SampleCaptures.podHosts(scenario);
        for (CorrelationReport.Nat nat : report.nat()) {
            for (String peer : nat.peers()) {
                assertFalse(pods.containsKey(bare(peer)), name + ": NAT between pods " + nat);
            }
        }
        List<Finding> snat = report.findings().stream().filter(f -> f.kind().equals("SNAT")).toList();
        if (name.equals("dual-stack")) {
            assertEquals(List.of(), report.nat());
            assertEquals(List.of(), snat);
            return;
        }
        JsonNode expectedNat = SampleCaptures.expected(scenario).get("nat").get(0);
        String external = SampleCaptures.scenario(scenario).get("external").get("address").asText().replaceAll("/.*", "");
        assertEquals(2, report.nat().size(), report.nat().toString());
        for (CorrelationReport.Nat nat : report.nat()) {
            assertEquals("SNAT", nat.kind());
            assertEquals(expectedNat.get("original").asText(), bare(nat.original()));
            assertEquals(expectedNat.get("translated").asText(), bare(nat.translated()));
            assertEquals("worker1-cni0", nat.from());
            assertEquals("worker1-eth0", nat.to());
            assertEquals(List.of(external), nat.peers());
            assertTrue(nat.replyPackets() > 0, nat.toString());
        }
        // one finding for the address, however many connections' ports were remapped
        assertEquals(1, snat.size(), snat.toString());
        for (Finding finding : snat) {
            assertTrue(finding.summary().contains("rewrites pod address " + expectedNat.get("original").asText() + " to "
                    + expectedNat.get("translated").asText() + " between worker1-cni0 and worker1-eth0 on its way to "
                    + external + " ("), finding.summary());
            assertEquals(Severity.INFO, finding.severity(), finding.toString());
            assertTrue(finding.summary().contains("rewrites pod address"), finding.summary());
            assertTrue(finding.checked().contains("whether fd00:10:244:1::2 is a pod address: yes, in fd00:10:244:1::/64"),
                    finding.checked().toString());
            assertTrue(finding.recommendation().startsWith("Masquerading pod traffic that leaves the pod network"),
                    finding.recommendation());
        }
    }

    /**
     * No loss but the packets too big for flannel-v6.1: the neighbour discovery, MLD and router
     * solicitations on every link, link-local or not, are not taken for routed packets; no error.
     */
    @ParameterizedTest
    @ValueSource(strings = {"vxlan-v6", "dual-stack"})
    void linkTrafficIsNotLost(String name) throws Exception {
        AnalysisReport report = analyze(SampleCaptures.capturesOf(scenario(name)));
        assertTrue(report.findings().stream().noneMatch(f -> f.severity() == Severity.ERROR), name + ": "
                + report.findings());
        for (CorrelationReport.Loss loss : report.losses()) {
            if (loss.missing() > 0) {
                assertTrue(loss.reason() != null && loss.reason().startsWith("too big"), name + ": " + loss);
            }
        }
        for (Finding finding : report.findings()) {
            if (finding.kind().equals("LOST")) {
                assertEquals(Severity.WARNING, finding.severity(), finding.toString());
                assertTrue(finding.summary().contains("between cni0 and flannel-v6.1"), finding.summary());
            }
        }
    }

    /**
     * VXLAN over IPv6 costs 70 bytes: from the overlay and underlay captures alone (no Packet Too
     * Big there to report an MTU), the overlay MTU is the 1430 flannel-v6.1 carried, which only a
     * 70-byte overhead makes a full overlay (with 50 it would be taken for flannel's 1450 default).
     */
    @Test
    void vxlanOverIpv6Costs70Bytes() throws Exception {
        assertEquals(70, Protocols.overhead("vxlan", true));
        Path scenario = scenario("vxlan-v6");
        List<Path> tunnelSide = new ArrayList<>();
        for (Path file : SampleCaptures.devicePoints(scenario)) {
            String f = file.getFileName().toString();
            if (f.contains("flannel-v6.1") || f.contains("-eth0")) {
                tunnelSide.add(file);
            }
        }
        assertEquals(4, tunnelSide.size(), tunnelSide.toString());
        JsonNode mtu = SampleCaptures.scenario(scenario).get("mtu");
        assertEquals(mtu.get("underlay").asInt() - 70, mtu.get("overlay").asInt(), "the kernel sized flannel-v6.1 so");
        AnalysisReport report = analyze(tunnelSide);
        assertEquals(mtu.get("overlay").asInt(), report.charts().overlayMtu(), "overlay MTU over IPv6");
    }

    /**
     * flannel's subnet.env MTU (underlay - 50) for cni0 and the pods is 20 above flannel-v6.1's:
     * the MTU rules find it against 1430, per family in dual stack (the IPv4 pods' 1450 over
     * flannel.1 is right, and their MSS 1410 too; the IPv6 pods' MSS 1390 is 20 too large).
     */
    @ParameterizedTest
    @ValueSource(strings = {"vxlan-v6", "dual-stack"})
    void theIpv6OverlayMtuIsJudgedWith70Bytes(String name) throws Exception {
        AnalysisReport report = analyze(SampleCaptures.capturesOf(scenario(name)));
        assertEquals(1430, report.charts().overlayMtu(), name);
        List<Finding> mismatch = report.findings().stream().filter(f -> f.kind().equals("MTU_MISMATCH")).toList();
        assertEquals(1, mismatch.size(), name + ": " + mismatch);
        assertTrue(mismatch.get(0).summary().contains("at least 1450") && mismatch.get(0).summary().contains("MTU 1430"),
                mismatch.get(0).summary());
        List<Finding> tooBig = report.findings().stream().filter(f -> f.kind().equals("FRAG_NEEDED")).toList();
        assertFalse(tooBig.isEmpty(), name);
        for (Finding finding : tooBig) {
            assertTrue(finding.summary().contains("ICMPv6 Packet Too Big") && finding.summary().contains("MTU 1430"),
                    finding.summary());
            assertFalse(finding.recommendation().contains("DF"), finding.recommendation());
        }
        List<Finding> oversize = report.findings().stream().filter(f -> f.kind().equals("OVERSIZE_FOR_OVERLAY")).toList();
        assertEquals(1, oversize.size(), name + ": " + oversize);
        assertTrue(oversize.get(0).summary().contains("at most 1430"), oversize.get(0).summary());
        // IPv4 in dual stack: 1450-byte packets over a 1450 flannel.1 are right, so is MSS 1410. The
        // IPv6 pods' MSS is 1450 - 60 = 1390, above the 1370 that fits 1430: MSS_MISMATCH, IPv6 only.
        List<Finding> mss = report.findings().stream().filter(f -> f.kind().equals("MSS_MISMATCH")).toList();
        assertEquals(1, mss.size(), name + ": " + mss);
        assertTrue(mss.get(0).summary().contains("MSS 1390") && mss.get(0).summary().contains("at most 1370")
                && !mss.get(0).summary().contains("10."), mss.get(0).summary());
        assertTrue(mss.get(0).recommendation().contains("ip6tables"), mss.get(0).recommendation());
        if (name.equals("dual-stack")) {
            long ipv6Packets = report.findings().stream().filter(f -> f.kind().equals("FRAG_NEEDED"))
                    .mapToLong(Finding::count).sum();
            assertEquals(ipv6Packets, oversize.get(0).count(), "only the IPv6 packets were too big: " + oversize);
        }
    }

    private static String bare(String address) {
        if (address.startsWith("[")) {
            return address.substring(1, address.indexOf(']'));
        }
        int colon = address.indexOf(':');
        return colon >= 0 && address.indexOf(':', colon + 1) < 0 ? address.substring(0, colon) : address;
    }
}
