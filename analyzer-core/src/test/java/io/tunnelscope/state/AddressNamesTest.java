package io.tunnelscope.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Names on addresses from a {@code kubectl get pods,nodes,services -A -o json} dump (written in
 * kubectl's output schema for the k8s-vxlan lab's addresses: no cluster runs here) and from the
 * collected nodes' own state.
 */
class AddressNamesTest {
    static KubernetesObjects dump() throws Exception {
        Path file = NodeStateTest.scenario("kubernetes/k8s-vxlan.json");
        return KubernetesObjects.parse(Files.readString(file), file.toString());
    }

    @Test
    void podsServicesAndNodesFromAKubectlDump() throws Exception {
        KubernetesObjects k8s = dump();
        assertEquals(5, k8s.pods().size());
        assertEquals(new KubernetesObjects.Pod("default", "web-1", "worker1", false, List.of("10.244.1.2")),
                k8s.pods().get(0));
        assertEquals(List.of(), k8s.pods().get(4).addresses(), "a pending pod has no address");
        assertEquals(new KubernetesObjects.Node("worker2", List.of("10.0.0.3"), List.of("10.244.2.0/24")),
                k8s.nodes().get(1));
        assertEquals(List.of(), k8s.services().get(2).addresses(), "a headless service (clusterIP None)");

        AddressNames names = AddressNames.from(new ClusterState(List.of(), k8s));
        assertEquals(new AddressNames.Name(AddressNames.Kind.POD, "default/web-1", "worker1"), names.name("10.244.1.2"));
        assertEquals("pod default/web-1", names.ipv4(IpBlock.ipv4Int("10.244.1.2")).label());
        assertEquals("service default/web", names.name("10.96.0.10").label());
        assertEquals("node worker1", names.name("10.0.0.2").label(), "the host-network flannel pod does not take it");
        assertNull(names.name("10.244.1.99"));
        assertEquals(List.of(IpBlock.parse("10.244.1.2")), names.pod("default/web-1"));
        assertEquals(List.of(IpBlock.parse("10.244.1.2")), names.pod("web-1"), "a bare name in any namespace");
        assertEquals(List.of(), names.pod("kube-system/web-1"));
        assertEquals(List.of(IpBlock.parse("10.244.2.2"), IpBlock.parse("10.0.0.3"), IpBlock.parse("10.244.2.0/24")),
                names.node("worker2"));
        assertEquals(List.of(IpBlock.parse("10.244.3.2")), names.namespace("shop"));
    }

    @Test
    void collectedNodesNameTheirOwnAddresses() throws Exception {
        ClusterState cluster = ClusterState.load(List.of(NodeStateTest.scenario("vxlan-3host")), KubernetesObjects.EMPTY);
        AddressNames names = AddressNames.from(cluster);
        assertEquals("node host2", names.name("192.168.254.11").label());
        assertEquals("node host2", names.name("10.254.50.0").label(), "flannel.1's address");
        assertEquals("node host2", names.name("10.254.50.1").label(), "docker0's address");
        assertNull(names.name("10.254.50.2"), "a pod without Kubernetes objects has no name");
        assertTrue(names.node("host2").contains(IpBlock.parse("10.254.50.0/24")), names.node("host2").toString());
        assertEquals(3, cluster.nodes().size());
        assertEquals("host2", cluster.nodeOfPoint("host2-flannel.1").name());
        assertEquals("flannel.1", ClusterState.deviceOfPoint(cluster.node("host2"), "host2-flannel.1"));
    }

    @Test
    void notAKubernetesDump() {
        StateFormatException e = assertThrows(StateFormatException.class,
                () -> KubernetesObjects.parse("{\"items\": []}", "dump.json"));
        assertTrue(e.getMessage().startsWith("dump.json: not a Kubernetes object or list"), e.getMessage());
        assertThrows(StateFormatException.class, () -> KubernetesObjects.parse("[1, 2", "dump.json"));
    }
}
