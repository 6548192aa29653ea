package io.tunnelscope.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The state parsers on real outputs: every file under {@code src/test/resources/io/tunnelscope/state}
 * was recorded by collect's state script inside the samples lab's host namespaces
 * ({@code samples/lab/run.sh SCENARIO} with a {@code TSL_BEFORE_TRAFFIC} hook), iproute2 6.1,
 * iptables 1.8.9 (nf_tables), nftables 1.0.6, ethtool 6.1, Debian 12.
 */
class NodeStateTest {

    static Path scenario(String name) {
        try {
            return Path.of(NodeStateTest.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource " + name, e);
        }
    }

    static NodeState node(String scenario, String host) {
        return NodeState.load(host, scenario(scenario).resolve(host).resolve("state"));
    }

    @Test
    void vxlanHostDevicesAddressesRoutesNeighboursAndFdb() {
        NodeState host1 = node("vxlan-masq", "host1");
        assertEquals(List.of(), host1.problems());
        NetworkConfig net = host1.network();
        NetworkConfig.Link flannel = net.link("flannel.1");
        assertEquals("vxlan", flannel.kind());
        assertEquals(1450, flannel.mtu());
        assertEquals("6e:fa:00:00:00:01", flannel.mac());
        assertEquals(new NetworkConfig.Vxlan(1, 8472, "172.16.112.133", "ens33", false, true), flannel.vxlan());
        assertEquals(List.of(new NetworkConfig.Address("inet", "10.102.20.0", 32, "global")), flannel.addresses());
        NetworkConfig.Link veth = net.link("vethd0c011");
        assertEquals("veth", veth.kind());
        assertEquals("docker0", veth.master());
        assertEquals("bridge", net.link("docker0").kind());
        assertNull(net.link("ens33").master());
        assertEquals("ens33", net.linkWithAddress("172.16.112.133").name());

        NetworkConfig.Route toHost2 = net.routeTo("10.102.19.2");
        assertEquals(new NetworkConfig.Route("10.102.19.0/24", "10.102.19.0", "flannel.1", List.of("onlink")), toHost2);
        assertEquals("docker0", net.routeTo("10.102.20.2").device());
        assertNull(net.routeTo("8.8.8.8"), "no default route in the lab");
        assertEquals(List.of(new NetworkConfig.Neighbour("10.102.19.0", "flannel.1", "6e:fa:00:00:00:02",
                List.of("PERMANENT"))), net.neighbours());
        assertTrue(net.fdb().contains(new NetworkConfig.FdbEntry("6e:fa:00:00:00:02", "flannel.1", "172.16.112.130",
                null, "permanent")), net.fdb().toString());

        assertEquals("1", host1.sysctls().get("net/ipv4/ip_forward"));
        assertEquals(0, host1.sysctls().rpFilter("flannel.1"));
        assertEquals(0, host1.sysctls().rpFilter("nosuch0"), "conf/all is recorded: max(all, dev)");
        assertEquals(-1, Sysctls.EMPTY.rpFilter("flannel.1"));
        assertEquals("10.102.20.0/24", host1.podSubnet().toString(), "the bridge's network without subnet.env");
        assertEquals(SubnetEnv.EMPTY, host1.subnetEnv());
        assertFalse(host1.offloads().of("flannel.1").get("tx-checksumming").on(), "lab offloads off");
        assertTrue(host1.offloads().of("flannel.1").get("rx-checksumming").on());
        assertTrue(host1.offloads().of("docker0").get("rx-checksumming").fixed());
    }

    @Test
    void discoveryFindsTheOverlayPathInPathOrder() {
        List<OverlayDevices.Device> vxlan = OverlayDevices.discover(node("vxlan-masq", "host1").network(), true);
        assertEquals(List.of("vethd0c011", "docker0", "flannel.1", "ens33"),
                vxlan.stream().map(OverlayDevices.Device::name).toList());
        assertEquals(List.of("pod", "bridge", "overlay-vxlan", "underlay"),
                vxlan.stream().map(OverlayDevices.Device::role).toList());
        assertEquals("VXLAN vni 1 port 8472 local 172.16.112.133 dev ens33 10.102.20.0/32, MTU 1450",
                vxlan.get(2).description());
        assertEquals(List.of("docker0", "flannel.1", "ens33"), OverlayDevices.discover(node("vxlan-masq", "host1")
                .network(), false).stream().map(OverlayDevices.Device::name).toList(), "pod veths only with --pods");

        List<OverlayDevices.Device> udp = OverlayDevices.discover(node("udp-masq", "host1").network(), false);
        assertEquals(List.of("docker0:bridge", "flannel0:overlay-tun", "ens33:underlay"),
                udp.stream().map(d -> d.name() + ":" + d.role()).toList(), "TUN device, NIC from its address");

        List<OverlayDevices.Device> k8s = OverlayDevices.discover(node("k8s-vxlan", "worker1").network(), true);
        assertEquals(List.of("veth6b0c0001", "cni0", "flannel.1", "eth0"),
                k8s.stream().map(OverlayDevices.Device::name).toList());
    }

    @Test
    void dockerMasqueradeRuleMatchesPodTrafficLeavingThroughTheOverlay() {
        StateChecks checks = new StateChecks(ClusterState.load(List.of(scenario("vxlan-masq")), KubernetesObjects.EMPTY));
        StateChecks.NatCheck check = checks.snat("host1-flannel.1", "10.102.20.2", "10.102.19.2", "10.102.20.0");
        assertNotNull(check);
        assertEquals("host1", check.node().name());
        assertEquals("flannel.1", check.packet().outDevice());
        assertEquals("docker0", check.packet().inDevice());
        assertEquals("10.102.20.0", check.outAddress(), "MASQUERADE takes flannel.1's address");
        RuleMatch rule = check.snatRule();
        assertNotNull(rule, check.matches().toString());
        assertEquals("MASQUERADE", rule.verdict());
        assertEquals("iptables -t nat -A POSTROUTING -s 10.102.20.0/24 ! -o docker0 -j MASQUERADE", rule.rule());
        assertEquals("iptables-save.txt", rule.file());
        // traffic between two pods on docker0 is not masqueraded: ! -o docker0
        StateChecks.NatCheck local = checks.snat("host1-docker0", "10.102.20.2", "10.102.20.3", null);
        assertNull(local.snatRule());
        assertEquals("policy ACCEPT", local.matches().get(0).verdict());
        // no collected node named by the point or holding the address
        assertNull(checks.snat("elsewhere-eth0", "10.1.1.1", "10.2.2.2", "10.3.3.3"));
    }

    @Test
    void flannelMasqueradeExemptsThePodNetworkAndMasqueradesWhatLeavesIt() {
        ClusterState cluster = ClusterState.load(List.of(scenario("vxlan-3host")), KubernetesObjects.EMPTY);
        StateChecks checks = new StateChecks(cluster);
        StateChecks.NatCheck podToPod = checks.snat("host1-flannel.1", "10.254.36.2", "10.254.50.2", null);
        assertNull(podToPod.snatRule(), podToPod.matches().toString());
        assertEquals("policy ACCEPT", podToPod.matches().get(0).verdict());

        StateChecks.NatCheck podToHost = checks.snat("host1-enp0s8", "10.254.36.2", "192.168.254.11", "192.168.254.10");
        RuleMatch rule = podToHost.snatRule();
        assertNotNull(rule, podToHost.matches().toString());
        assertEquals("iptables -t nat -A FLANNEL-POSTRTG -s 10.254.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "
                + "\"flanneld masq\" -j MASQUERADE --random-fully", rule.rule());
        assertEquals(List.of("iptables -t nat -A POSTROUTING -m comment --comment \"flanneld masq\" -j FLANNEL-POSTRTG"),
                rule.path());
        assertEquals("192.168.254.10", podToHost.outAddress());
        assertEquals(List.of(), rule.unevaluated(), "-m mark is evaluated (mark 0: the RETURN does not apply)");
    }

    @Test
    void nftRulesetGivesTheSameAnswerAsIptablesSave() {
        NodeState host1 = node("vxlan-3host", "host1");
        NetfilterPacket podToHost = new NetfilterPacket("10.254.36.2", "192.168.254.11", null, -1, "docker0", "enp0s8", 0);
        RuleMatch m = host1.nft().walk("postrouting", "nat", podToHost, false, NodeState.NFT);
        assertEquals("MASQUERADE", m.verdict());
        assertEquals("table ip nat chain FLANNEL-POSTRTG: ip saddr 10.254.0.0/16 ip daddr != 224.0.0.0/4 xt comment "
                + "counter MASQUERADE", m.rule());
        assertEquals(1, m.path().size());
        NetfilterPacket podToPod = new NetfilterPacket("10.254.36.2", "10.254.50.2", null, -1, "docker0", "flannel.1", 0);
        assertEquals("policy ACCEPT", host1.nft().walk("postrouting", "nat", podToPod, false, NodeState.NFT).verdict());
        assertFalse(host1.nft().hasRules(true), "only iptables-nft's own tables");
        assertNull(host1.nft().walk("postrouting", "nat", podToPod, true, NodeState.NFT));

        NodeState docker = node("vxlan-masq", "host1");
        RuleMatch masq = docker.nft().walk("postrouting", "nat",
                new NetfilterPacket("10.102.20.2", "10.102.19.2", null, -1, "docker0", "flannel.1", 0), false, "nft");
        assertEquals("table ip nat chain POSTROUTING: meta oifname != \"docker0\" ip saddr 10.102.20.0/24 counter "
                + "MASQUERADE", masq.rule());
    }

    @Test
    void staleVtepIsInTheFdbNeighboursAndRoutesOfTheSender() {
        StateChecks checks = new StateChecks(ClusterState.load(List.of(scenario("stale-vtep")), KubernetesObjects.EMPTY));
        StateChecks.VtepCheck stale = checks.vtep("172.16.113.99");
        assertNull(stale.owner());
        assertEquals(List.of(
                "host1 bridge fdb: 6e:fa:00:00:00:03 dev flannel.1 dst 172.16.113.99 permanent",
                "host1 ip neigh: 10.112.3.0 dev flannel.1 lladdr 6e:fa:00:00:00:03 PERMANENT",
                "host1 ip route: 10.112.3.0/24 via 10.112.3.0 dev flannel.1 onlink",
                "host1 ip neigh: 172.16.113.99 dev ens33 lladdr 00:0c:29:6e:13:99 STALE"), stale.entries());
        StateChecks.VtepCheck live = checks.vtep("172.16.113.21");
        assertEquals("host1", live.owner());
    }

    @Test
    void configuredMtusOfTheMtuTroubleScenarioDoNotFit() {
        StateChecks checks = new StateChecks(ClusterState.load(List.of(scenario("mtu-trouble")), KubernetesObjects.EMPTY));
        List<StateChecks.DeviceMtu> mtus = checks.mtus(checks.state().node("host1"));
        assertEquals(List.of("host1 vethd0c011 (pod) mtu 1500", "host1 docker0 (bridge) mtu 1500",
                "host1 flannel.1 (overlay-vxlan) mtu 1450", "host1 ens33 (underlay) mtu 1400"),
                mtus.stream().map(StateChecks.DeviceMtu::quote).toList());
        List<StateChecks.MtuProblem> problems = checks.mtuProblems(kind -> "vxlan".equals(kind) ? 50 : 0);
        assertEquals(4, problems.size(), problems.toString());
        assertEquals("On host1 pod-side devices have MTU 1500, above the 1450 of flannel.1: full-size pod packets "
                + "cannot enter the overlay without fragmentation or a frag-needed.", problems.get(0).summary());
        assertEquals("On host1 flannel.1 has MTU 1450, which with 50 bytes of vxlan overhead needs 1500 on ens33, whose "
                + "MTU is 1400: full-size tunnel packets are fragmented or dropped.", problems.get(1).summary());
        assertEquals(List.of("host1 flannel.1 (overlay-vxlan) mtu 1450", "host1 ens33 (underlay) mtu 1400"),
                problems.get(1).quotes());

        StateChecks fine = new StateChecks(ClusterState.load(List.of(scenario("vxlan-3host")), KubernetesObjects.EMPTY));
        assertEquals(List.of(), fine.mtuProblems(kind -> 50));
    }

    @Test
    void labSettingsNeitherDropNorBypass() {
        StateChecks checks = new StateChecks(ClusterState.load(List.of(scenario("vxlan-3host")), KubernetesObjects.EMPTY));
        assertEquals(List.of(), checks.rpFilterProblems());
        assertEquals(List.of(), checks.bridgeNetfilterProblems());
    }

    @Test
    void brokenFilesAreNamedAndTheRestIsRead(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path state = java.nio.file.Files.createDirectories(dir.resolve("n1").resolve("state"));
        java.nio.file.Files.writeString(state.resolve(NodeState.LINK), "Object \"link\" is unknown, try \"ip help\".");
        java.nio.file.Files.writeString(state.resolve(NodeState.IPTABLES), "-A POSTROUTING -j MASQUERADE\n");
        java.nio.file.Files.writeString(state.resolve(NodeState.SYSCTL), "net/ipv4/ip_forward = 1\n");
        NodeState n1 = NodeState.load("n1", state);
        assertEquals(2, n1.problems().size(), n1.problems().toString());
        assertTrue(n1.problems().get(0).startsWith(state.resolve("ip-link.json") + ": not JSON"), n1.problems().get(0));
        assertTrue(n1.problems().get(1).contains("iptables-save.txt: line 1: outside a table"), n1.problems().get(1));
        assertEquals("1", n1.sysctls().get("net/ipv4/ip_forward"));
        assertThrows(StateFormatException.class, () -> IptablesRules.parse("*nat\n-A X -m comment --comment \"open\n", "f"));
    }

    @Test
    void ipBlocksParseLiteralsOnly() {
        assertEquals("10.244.0.0/16", IpBlock.parse("10.244.7.9/16").toString());
        assertTrue(IpBlock.parse("10.244.0.0/16").contains("10.244.200.1"));
        assertFalse(IpBlock.parse("10.244.0.0/16").contains("10.245.0.1"));
        assertEquals("fd00::/8", IpBlock.parse("fd12:3456::1/8").toString());
        assertTrue(IpBlock.parse("fd00::/8").contains("fd00::1"));
        assertNull(IpBlock.parse("example.com"), "never a name lookup");
        assertNull(IpBlock.parse("10.1.2"));
        assertNull(IpBlock.parse("10.1.2.3/33"));
        assertNull(IpBlock.parse("300.1.2.3"));
    }
}
