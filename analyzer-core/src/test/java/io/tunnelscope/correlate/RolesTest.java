package io.tunnelscope.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The devices of the CNIs' overlays, by their names: flannel, Calico, Cilium, OVS. */
class RolesTest {

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "flannel.1, overlay-vxlan", "flannel-v6.1, overlay-vxlan", "vxlan.calico, overlay-vxlan",
        "cilium_vxlan, overlay-vxlan", "cilium_geneve, overlay-vxlan", "genev_sys_6081, overlay-vxlan",
        "vxlan0, overlay-vxlan",
        "flannel0, overlay-tun", "tun0, overlay-tun", "tunl0, overlay-tun", "flannel.ipip, overlay-tun",
        "cni0, bridge", "docker0, bridge", "cali5a1c0de0001, veth", "lxc12ab, veth", "veth0a1b, veth",
        "eth0, underlay", "ens33, underlay", "any, any",
    })
    void devicesOfTheOverlays(String device, String role) {
        assertEquals(role, Roles.byName(device));
        assertTrue(Roles.looksLikeDevice(device), device + " looks like a device (a file name may end in it)");
    }

    @ParameterizedTest
    @CsvSource({"capture", "node1", "flannel.x"})
    void otherWordsAreNoDevices(String word) {
        assertNull(Roles.byName(word));
    }
}
