package io.tunnelscope.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.decode.Encapsulation;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A routed overlay's tunnel (one direction of each conversation per directed tunnel) gives its
 * inner source MAC as a VTEP's; a mirror's (both directions in one tunnel) gives none.
 */
class TunnelMacsTest {
    private static final long HOST1 = 0xAC107515L;
    private static final long HOST2 = 0xAC107516L;
    private static final long COLLECTOR = 0xAC107563L;
    private static final long POD1 = 0x0A750102L;
    private static final long POD2 = 0x0A750202L;
    private static final long VTEP1_MAC = 0x6EFA00000001L;
    private static final long POD1_MAC = 0x02420A750102L;
    private static final long BRIDGE1_MAC = 0x0242B75E0001L;

    private static Observation tunnel(long outerSrc, long outerDst, long vni, long mac, long src, long dst) {
        Observation o = new Observation();
        o.encapsulation = Encapsulation.VXLAN;
        o.vni = vni;
        o.outerSrcLow = outerSrc;
        o.outerDstLow = outerDst;
        o.innerSourceMac = mac;
        o.srcLow = src;
        o.dstLow = dst;
        return o;
    }

    @Test
    void aMirrorsMacsAreNoVtepsAndTheFlannelDevicesAre() {
        TunnelMacs macs = new TunnelMacs();
        // flannel: pod1 -> pod2 from host1's VTEP; the reply comes back in the other tunnel.
        macs.add(tunnel(HOST1, HOST2, 1, VTEP1_MAC, POD1, POD2));
        // the mirror to the collector: both directions of the same conversation, pod-side MACs.
        macs.add(tunnel(HOST1, COLLECTOR, 42, POD1_MAC, POD1, POD2));
        macs.add(tunnel(HOST1, COLLECTOR, 42, BRIDGE1_MAC, POD2, POD1));
        assertTrue(macs.anyTwoWay());
        assertEquals(Set.of(VTEP1_MAC), macs.vtepMacs());
        assertTrue(macs.onlyMirrored(0, HOST1, POD1_MAC));
        assertFalse(macs.onlyMirrored(0, HOST1, VTEP1_MAC));
        assertEquals(Map.of(VTEP1_MAC, 1L), macs.macVotes(0, HOST1));
    }

    @Test
    void oneWayTunnelsKeepEveryMac() {
        TunnelMacs macs = new TunnelMacs();
        macs.add(tunnel(HOST1, HOST2, 1, VTEP1_MAC, POD1, POD2));
        macs.add(tunnel(HOST1, HOST2, 1, VTEP1_MAC, POD1, POD2));
        macs.add(tunnel(HOST2, HOST1, 1, 0x6EFA00000002L, POD2, POD1));
        assertFalse(macs.anyTwoWay());
        assertEquals(Set.of(VTEP1_MAC, 0x6EFA00000002L), macs.vtepMacs());
        assertEquals(Map.of(VTEP1_MAC, 2L), macs.macVotes(0, HOST1));
    }
}
