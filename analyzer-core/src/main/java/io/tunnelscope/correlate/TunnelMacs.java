package io.tunnelscope.correlate;

import io.tunnelscope.collect.LongCounter;
import io.tunnelscope.collect.LongHashSet;
import io.tunnelscope.collect.LongObjectMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The inner source MACs of Ethernet-carrying tunnels (VXLAN, Geneve), kept per directed tunnel
 * (outer source, outer destination, VNI), so that only a routed overlay's are taken for VTEP MACs.
 *
 * <p>A routed overlay (flannel's {@code flannel.1}) carries, from one node to another, only
 * packets from the sender's side: its inner frames leave the sending VTEP's MAC. A tunnel that
 * carries both directions of one inner conversation is not that: a traffic mirror ({@code tc
 * mirred} to a VXLAN device, a cloud mirroring session) or a bridged L2 overlay, whose inner MACs
 * are the pods' and bridges' own. Those tunnels' MACs are left out.
 */
final class TunnelMacs {
    /** At most this many tunnels, inner MACs and inner address pairs per tunnel are kept. */
    static final int MAX_TUNNELS = 4096;
    static final int MAX_MACS = 64;
    static final int MAX_PAIRS = 1024;

    private static final class Tunnel {
        final long key;
        final long outerSrcHigh;
        final long outerSrcLow;
        final LongCounter macs = new LongCounter(MAX_MACS);
        final LongHashSet pairs = new LongHashSet();
        boolean twoWay;

        Tunnel(long key, long outerSrcHigh, long outerSrcLow) {
            this.key = key;
            this.outerSrcHigh = outerSrcHigh;
            this.outerSrcLow = outerSrcLow;
        }
    }

    private final LongObjectMap<Tunnel> tunnels = new LongObjectMap<>();
    private final List<Tunnel> order = new ArrayList<>();

    /** Notes a tunnel sighting's inner source MAC and inner addresses; other sightings are ignored. */
    void add(Observation hop) {
        if (hop.innerSourceMac < 0 || !hop.encapsulated()) {
            return;
        }
        long key = key(hop);
        Tunnel tunnel = tunnels.get(key);
        if (tunnel == null) {
            if (order.size() >= MAX_TUNNELS) {
                return;
            }
            tunnel = new Tunnel(key, hop.outerSrcHigh, hop.outerSrcLow);
            tunnels.put(key, tunnel);
            order.add(tunnel);
        }
        tunnel.macs.add(hop.innerSourceMac);
        if (!tunnel.twoWay && !hop.outerOnly) {
            long a = PacketIdentity.mix(hop.srcHigh, hop.srcLow);
            long b = PacketIdentity.mix(hop.dstHigh, hop.dstLow);
            if (a != b) {
                tunnel.twoWay = tunnel.pairs.contains(PacketIdentity.mix(b, a));
                if (tunnel.pairs.size() < MAX_PAIRS) {
                    tunnel.pairs.add(PacketIdentity.mix(a, b));
                }
            }
        }
    }

    /** The key of a tunnel sighting's directed tunnel: outer source, outer destination, VNI, kind. */
    static long key(Observation hop) {
        long outer = PacketIdentity.mix(PacketIdentity.mix(PacketIdentity.mix(hop.outerSrcHigh, hop.outerSrcLow),
                hop.outerDstHigh), hop.outerDstLow);
        return PacketIdentity.mix(PacketIdentity.mix(outer, hop.vni), hop.encapsulation);
    }

    /**
     * The keys ({@link #key}) of the tunnels that carried both directions of an inner conversation:
     * a mirror's copies, which are packets of their own on a path of their own (the mirroring host's
     * NIC to the collector), not hops of the packets they copy.
     */
    LongHashSet mirrorTunnels() {
        LongHashSet out = new LongHashSet();
        for (Tunnel tunnel : order) {
            if (tunnel.twoWay) {
                out.add(tunnel.key);
            }
        }
        return out;
    }

    /** Whether some tunnel carried both directions of an inner conversation. */
    boolean anyTwoWay() {
        for (Tunnel tunnel : order) {
            if (tunnel.twoWay) {
                return true;
            }
        }
        return false;
    }

    /** The inner source MACs of the tunnels that carry one direction only: the VTEPs' MACs. */
    Set<Long> vtepMacs() {
        Set<Long> out = new HashSet<>();
        for (Tunnel tunnel : order) {
            if (!tunnel.twoWay) {
                for (int i = 0; i < tunnel.macs.size(); i++) {
                    out.add(tunnel.macs.key(i));
                }
            }
        }
        return out;
    }

    /** The inner source MACs of the one-way tunnels from {@code outerSrc}, with their counts. */
    Map<Long, Long> macVotes(long outerSrcHigh, long outerSrcLow) {
        Map<Long, Long> out = new HashMap<>();
        for (Tunnel tunnel : order) {
            if (!tunnel.twoWay && tunnel.outerSrcHigh == outerSrcHigh && tunnel.outerSrcLow == outerSrcLow) {
                for (int i = 0; i < tunnel.macs.size(); i++) {
                    out.merge(tunnel.macs.key(i), tunnel.macs.count(i), Long::sum);
                }
            }
        }
        return out;
    }

    /**
     * Whether {@code mac} left the VTEP at {@code outerSrc} only in tunnels that carry both
     * directions of a conversation (so it is no VTEP's MAC); false for a MAC never seen there.
     */
    boolean onlyMirrored(long outerSrcHigh, long outerSrcLow, long mac) {
        boolean seen = false;
        for (Tunnel tunnel : order) {
            if (tunnel.outerSrcHigh != outerSrcHigh || tunnel.outerSrcLow != outerSrcLow) {
                continue;
            }
            for (int i = 0; i < tunnel.macs.size(); i++) {
                if (tunnel.macs.key(i) == mac) {
                    if (!tunnel.twoWay) {
                        return false;
                    }
                    seen = true;
                }
            }
        }
        return seen;
    }
}
