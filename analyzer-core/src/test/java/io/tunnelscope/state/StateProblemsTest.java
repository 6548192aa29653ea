package io.tunnelscope.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings that drop or bypass overlay traffic, on the lab's real state with one setting changed the
 * way it goes wrong in practice (a distribution's strict rp_filter default, Docker's FORWARD DROP
 * policy, a node without br_netfilter under a Service's DNAT rule).
 */
class StateProblemsTest {
    @TempDir
    Path dir;

    private Path copy(String scenario) throws IOException {
        Path from = NodeStateTest.scenario(scenario);
        Path to = dir.resolve(scenario);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        return to;
    }

    private static void replace(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertTrue(text.contains(from), file + " lacks " + from);
        Files.writeString(file, text.replace(from, to));
    }

    @Test
    void strictReversePathFilterDropsWhatArrivesWhereTheRouteBackDoesNotLeave() throws IOException {
        Path lab = copy("vxlan-masq");
        Path host1 = lab.resolve("host1/state");
        replace(host1.resolve(NodeState.SYSCTL), "net/ipv4/conf/all/rp_filter = 0", "net/ipv4/conf/all/rp_filter = 1");
        StateChecks checks = new StateChecks(ClusterState.load(List.of(lab), KubernetesObjects.EMPTY));
        assertEquals(List.of(), checks.rpFilterProblems(), "strict is fine while routes are symmetric");

        // host2's pod subnet routed out of the underlay instead of flannel.1
        replace(host1.resolve(NodeState.ROUTE), "{\"dst\":\"10.102.19.0/24\",\"gateway\":\"10.102.19.0\",\"dev\":\"flannel.1\"",
                "{\"dst\":\"10.102.19.0/24\",\"gateway\":\"172.16.112.130\",\"dev\":\"ens33\"");
        checks = new StateChecks(ClusterState.load(List.of(lab), KubernetesObjects.EMPTY));
        List<StateChecks.RpFilterProblem> problems = checks.rpFilterProblems();
        assertEquals(1, problems.size(), problems.toString());
        StateChecks.RpFilterProblem p = problems.get(0);
        assertEquals("host1", p.node());
        assertEquals("flannel.1", p.device());
        assertEquals("On host1 strict reverse-path filtering on flannel.1 drops pods of host2 (from 10.102.19.1): the "
                + "route back leaves by ens33.", p.summary());
        assertEquals(List.of("host1 proc-sys.txt: net/ipv4/conf/all/rp_filter = 1",
                "host1 proc-sys.txt: net/ipv4/conf/flannel.1/rp_filter = 0",
                "host1 route to 10.102.19.1: 10.102.19.0/24 via 172.16.112.130 dev ens33"), p.quotes());

        replace(host1.resolve(NodeState.SYSCTL), "net/ipv4/conf/all/rp_filter = 1", "net/ipv4/conf/all/rp_filter = 2");
        checks = new StateChecks(ClusterState.load(List.of(lab), KubernetesObjects.EMPTY));
        assertEquals(List.of(), checks.rpFilterProblems(), "loose mode only needs a route back");
    }

    @Test
    void bridgedPodTrafficDroppedByForwardPolicy() throws IOException {
        Path lab = copy("vxlan-masq");
        Path host1 = lab.resolve("host1/state");
        Files.writeString(host1.resolve(NodeState.IPTABLES), "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n"
                + ":OUTPUT ACCEPT [0:0]\n-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
                + "-A FORWARD -i docker0 ! -o docker0 -j ACCEPT\nCOMMIT\n" + Files.readString(host1.resolve(NodeState.IPTABLES)));
        StateChecks checks = new StateChecks(ClusterState.load(List.of(lab), KubernetesObjects.EMPTY));
        List<StateChecks.BridgeNetfilterProblem> problems = checks.bridgeNetfilterProblems();
        assertEquals(1, problems.size(), problems.toString());
        StateChecks.BridgeNetfilterProblem p = problems.get(0);
        assertTrue(p.drops());
        assertEquals("On host1 frames between pods on docker0 pass iptables (bridge-nf-call-iptables = 1) and the filter "
                + "FORWARD chain drops them (10.102.20.2 -> 10.102.20.3 in docker0 out docker0: policy DROP).", p.summary());
        assertEquals(List.of("host1 proc-sys.txt: net/bridge/bridge-nf-call-iptables = 1",
                "host1 iptables-save.txt: iptables -t filter -P FORWARD DROP"), p.quotes());

        // docker's icc rule accepts them
        replace(host1.resolve(NodeState.IPTABLES), "-A FORWARD -i docker0 ! -o docker0 -j ACCEPT\n",
                "-A FORWARD -i docker0 ! -o docker0 -j ACCEPT\n-A FORWARD -i docker0 -o docker0 -j ACCEPT\n");
        assertEquals(List.of(), new StateChecks(ClusterState.load(List.of(lab), KubernetesObjects.EMPTY))
                .bridgeNetfilterProblems());
    }

    @Test
    void serviceDnatWithoutBridgeNetfilterIsBypassed() throws IOException {
        Path lab = copy("k8s-vxlan");
        Path worker1 = lab.resolve("worker1/state");
        replace(worker1.resolve(NodeState.IPTABLES), ":FLANNEL-POSTRTG - [0:0]\n", ":FLANNEL-POSTRTG - [0:0]\n"
                + "-A PREROUTING -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.244.2.2:8080\n");
        replace(worker1.resolve(NodeState.SYSCTL), "net/bridge/bridge-nf-call-iptables = 1\n", "");
        List<StateChecks.BridgeNetfilterProblem> problems = new StateChecks(ClusterState.load(List.of(lab),
                KubernetesObjects.EMPTY)).bridgeNetfilterProblems();
        assertEquals(1, problems.size(), problems.toString());
        assertFalse(problems.get(0).drops());
        assertEquals(List.of("worker1 proc-sys.txt: net/bridge/bridge-nf-call-iptables = (absent: br_netfilter not "
                + "loaded)"), problems.get(0).quotes());
        assertTrue(problems.get(0).fix().startsWith("modprobe br_netfilter"), problems.get(0).fix());
    }
}
