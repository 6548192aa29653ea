package io.tunnelscope.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.report.AnalysisReport;
import io.tunnelscope.report.Finding;
import io.tunnelscope.state.ClusterState;
import io.tunnelscope.state.KubernetesObjects;
import io.tunnelscope.testing.RecordedSamples;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Findings asked about node state: the recorded sample captures (points named {@code HOST-DEVICE},
 * as collect names them) analysed with the state the same lab scenario's hosts recorded
 * ({@code src/test/resources/io/tunnelscope/state}).
 */
class StateEvidenceTest {
    @TempDir
    Path dir;

    private static Path state(String scenario) throws URISyntaxException {
        return Path.of(StateEvidenceTest.class.getResource("/io/tunnelscope/state/" + scenario).toURI());
    }

    private static AnalysisReport analyze(String scenario, Path stateDir) throws IOException {
        Path captures = Path.of(System.getProperty("tunnelscope.root", ".."), "samples", "captures", scenario);
        Analyzer.Options options = new Analyzer.Options();
        options.state = stateDir == null ? null : ClusterState.load(List.of(stateDir), KubernetesObjects.EMPTY);
        return Analyzer.analyze(RecordedSamples.captures(captures), options);
    }

    private static List<Finding> of(AnalysisReport report, String kind) {
        return report.findings().stream().filter(f -> f.kind().equals(kind)).toList();
    }

    @Test
    void withoutStateNothingChanges() throws Exception {
        AnalysisReport plain = analyze("vxlan-masq", null);
        for (Finding f : plain.findings()) {
            assertNull(f.state(), f.kind());
        }
        AnalysisReport withState = analyze("vxlan-masq", state("vxlan-masq"));
        assertEquals(plain.findings().size(), withState.findings().size(), "the lab's MTUs and settings fit");
        for (int i = 0; i < plain.findings().size(); i++) {
            assertEquals(plain.findings().get(i).withState(withState.findings().get(i).state()),
                    withState.findings().get(i));
        }
    }

    @Test
    void podToPodSnatQuotesDockersMasqueradeRule() throws Exception {
        List<Finding> snat = of(analyze("vxlan-masq", state("vxlan-masq")), "SNAT");
        assertTrue(!snat.isEmpty());
        for (Finding f : snat) {
            assertEquals("packets and state", f.state().basis(), f.toString());
            String host = f.summary().contains("pod address 10.102.20.2 ") ? "host1" : "host2";
            String subnet = host.equals("host1") ? "10.102.20.0/24" : "10.102.19.0/24";
            assertTrue(f.state().quotes().contains(host + " iptables-save.txt: iptables -t nat -A POSTROUTING -s " + subnet
                    + " ! -o docker0 -j MASQUERADE"), f.state().toString());
            assertTrue(f.state().summary().startsWith("Confirmed by the state: "), f.state().summary());
        }
    }

    @Test
    void snatWithoutAMatchingRuleSaysSo() throws Exception {
        Path copy = copy(state("vxlan-masq"), dir.resolve("masq"));
        for (String host : List.of("host1", "host2")) {
            Path ipt = copy.resolve(host).resolve("state/iptables-save.txt");
            // a masquerade for another network only
            Files.writeString(ipt, Files.readString(ipt).replaceAll("-A POSTROUTING .*MASQUERADE\n",
                    "-A POSTROUTING -s 10.99.0.0/16 -j MASQUERADE\n"));
            // iptables-nft keeps the same rules in nft's tables: without iptables-save's, those are read
            Files.delete(copy.resolve(host).resolve("state/nft-ruleset.json"));
        }
        for (Finding f : of(analyze("vxlan-masq", copy), "SNAT")) {
            assertEquals("packets", f.state().basis());
            assertTrue(f.state().summary().startsWith("Not confirmed by the state: no NAT rule on host"),
                    f.state().summary());
            assertTrue(f.state().summary().contains("(ends in policy ACCEPT)"), f.state().summary());
        }
    }

    @Test
    void mtuFindingsQuoteConfiguredMtusAndMtuConfigFiresFromStateAlone() throws Exception {
        AnalysisReport report = analyze("mtu-trouble", state("mtu-trouble"));
        for (String kind : List.of("MTU_MISMATCH", "FRAG_NEEDED", "OUTER_FRAGMENTATION", "OVERSIZE_FOR_OVERLAY")) {
            for (Finding f : of(report, kind)) {
                assertEquals("packets and state", f.state().basis(), kind);
                assertTrue(f.state().quotes().contains("host1 flannel.1 (overlay-vxlan) mtu 1450")
                        || f.state().quotes().contains("host2 flannel.1 (overlay-vxlan) mtu 1450"), f.state().toString());
            }
        }
        List<Finding> config = of(report, "MTU_CONFIG");
        assertEquals(4, config.size());
        for (Finding f : config) {
            assertEquals("state", f.state().basis());
            assertTrue(f.points().stream().allMatch(p -> p.startsWith("host1-") || p.startsWith("host2-")), f.points()
                    .toString());
        }
        // the configured mismatch is found even where the traffic never showed it
        AnalysisReport quiet = analyze("vxlan-3host", state("mtu-trouble"));
        assertEquals(4, of(quiet, "MTU_CONFIG").size());
    }

    @Test
    void staleVtepIsConfirmedByTheSendersForwardingEntries() throws Exception {
        List<Finding> vtep = of(analyze("stale-vtep", state("stale-vtep")), "UNKNOWN_VTEP");
        assertEquals(1, vtep.size());
        assertEquals("packets and state", vtep.get(0).state().basis());
        assertTrue(vtep.get(0).state().quotes().contains(
                "host1 bridge fdb: 6e:fa:00:00:00:03 dev flannel.1 dst 172.16.113.99 permanent"), vtep.get(0).toString());
    }

    @Test
    void offloadArtefactsAreConfirmedByEthtool() throws Exception {
        List<Finding> offload = of(analyze("k8s-vxlan", state("k8s-vxlan")), "OFFLOAD_ARTIFACT");
        assertEquals(1, offload.size());
        assertEquals("packets and state", offload.get(0).state().basis());
        assertTrue(offload.get(0).state().quotes().contains("worker1 cni0: tx-checksumming: on"),
                offload.get(0).state().quotes().toString());
    }

    @Test
    void strictReversePathFilteringIsAFindingOfItsOwn() throws Exception {
        Path copy = copy(state("vxlan-masq"), dir.resolve("rp"));
        Path host1 = copy.resolve("host1/state");
        Files.writeString(host1.resolve("proc-sys.txt"), Files.readString(host1.resolve("proc-sys.txt"))
                .replace("net/ipv4/conf/all/rp_filter = 0", "net/ipv4/conf/all/rp_filter = 1"));
        Files.writeString(host1.resolve("ip-route.json"), Files.readString(host1.resolve("ip-route.json"))
                .replace("\"gateway\":\"10.102.19.0\",\"dev\":\"flannel.1\"", "\"gateway\":\"172.16.112.130\",\"dev\":\"ens33\""));
        List<Finding> rp = of(analyze("vxlan-masq", copy), "RP_FILTER");
        assertEquals(1, rp.size());
        assertEquals("state", rp.get(0).state().basis());
        assertTrue(rp.get(0).summary().startsWith("On host1 strict reverse-path filtering on flannel.1 drops pods of "
                + "host2"), rp.get(0).summary());
        assertTrue(rp.get(0).points().contains("host1-flannel.1"), rp.get(0).points().toString());
    }

    private static Path copy(Path from, Path to) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(from)) {
            files = new ArrayList<>(walk.toList());
        }
        for (Path f : files) {
            Path target = to.resolve(from.relativize(f).toString());
            if (Files.isDirectory(f)) {
                Files.createDirectories(target);
            } else {
                Files.copy(f, target);
            }
        }
        return to;
    }
}
