package io.tunnelscope.correlate;

import io.tunnelscope.collect.LongCounter;
import java.util.HashMap;
import java.util.Map;

/**
 * One capture point: a file, or one interface of a multi-interface pcapng or of an {@code any}
 * capture (by interface index in Linux cooked v2; by what the cooked header shows in v1, which has
 * no index). Belongs to one {@link Host} and shows one {@link Device} (several points may show the
 * same device). Collects the statistics its role is inferred from.
 */
final class CapturePoint {
    private static final int MAX_TRACKED = 256;

    final int index;
    final String name;
    final String file;
    final int linkType;
    /** Interface name from the capture (pcapng if_name), or null. */
    final String interfaceName;

    /** The host and device this point captured on; set when the point is placed. */
    Host host;
    Device device;
    /** The capture file's section comment {@code tunnelscope-node=NAME}, or null. */
    String nodeComment;

    long packets;
    long ipPackets;
    /**
     * Of those, the ones whose innermost packet is IPv6 and not link-scoped (routed IPv6): which
     * family an overlay device carries on a dual-stack node.
     */
    long routedIpv6Packets;
    /** Packets a Linux cooked capture shows without an Ethernet header (TUN devices: raw IP). */
    long rawIpPackets;
    /** A cooked capture's loopback device (ARPHRD_LOOPBACK): traffic that never leaves the host. */
    boolean loopback;
    /** Cooked-capture packets received (not outgoing), and those marked for another host. */
    long incomingPackets;
    long otherHostPackets;
    long encapsulatedPackets;
    long vxlanPackets;
    long flannelUdpPackets;
    long firstNanos = Long.MAX_VALUE;
    long lastNanos = Long.MIN_VALUE;
    /** Journeys this point was the first hop of, and journeys it took part in. */
    long firstHops;
    long journeys;
    /** True once every packet of this point has been read. */
    boolean exhausted;
    /** The pcapng interface id of this point, -1 for pcap. */
    int interfaceId = -1;
    /** When the capture stopped as the file records it (pcapng isb_endtime), or -1. */
    long recordedEndNanos = -1;
    /** Packets the capture dropped as the file records it (pcapng isb_ifdrop + isb_osdrop), or -1. */
    long recordedDrops = -1;
    /** Inner IPv4 addresses (source or destination) with the number of packets carrying them. */
    private final LongCounter addressCounts = new LongCounter(MAX_TRACKED);
    /**
     * Sources of inner IPv4 packets that still carry an initial TTL (64, 128, 255): sent from this
     * host, not routed to it. At a pod's capture, the pod's own address.
     */
    private final LongCounter freshSourceCounts = new LongCounter(MAX_TRACKED);
    /**
     * The same for IPv6 global sources (address bits high, low, then the count), bounded: at a
     * pod's capture, the pod's own IPv6 address.
     */
    private final io.tunnelscope.collect.LongTupleMap<long[]> freshSources6 = new io.tunnelscope.collect.LongTupleMap<>(2);
    private final long[] freshKey6 = new long[2];
    /** The IPv6 fresh source with the most packets (high, low, count), or null. */
    private long[] mostFresh6;
    /** Outermost Ethernet source and destination MACs seen, with counts (bounded). */
    private final LongCounter macCounts = new LongCounter(MAX_TRACKED);
    /** Tunnel packets by outer source and destination ({@code source << 32 | destination}). */
    private final LongCounter tunnelPairs = new LongCounter(MAX_TRACKED);
    /** Tunnel packets by outer source and inner source /24 ({@code outer << 32 | subnet}). */
    private final LongCounter tunnelSources = new LongCounter(MAX_TRACKED);
    /** IPv4 tunnel packets counted in {@link #tunnelPairs}. */
    long tunnelPackets;
    /** IPv4 addresses seen in ARP (sender and target), bounded. */
    final Map<Integer, Long> arpAddresses = new HashMap<>();

    CapturePoint(int index, String name, String file, int linkType, String interfaceName) {
        this.index = index;
        this.name = name;
        this.file = file;
        this.linkType = linkType;
        this.interfaceName = interfaceName;
    }

    /** Whether this point is (part of) an {@code any} capture: Linux cooked v1 or v2. */
    boolean anyCapture() {
        return linkType == io.tunnelscope.capture.LinkType.LINUX_SLL
                || linkType == io.tunnelscope.capture.LinkType.LINUX_SLL2;
    }

    /** Records a cooked capture's packet type (0 host, 3 other host, 4 outgoing, ...). */
    void sawPacketType(int packetType) {
        if (packetType >= 0 && packetType != 4) {
            incomingPackets++;
            if (packetType == 3) {
                otherHostPackets++;
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }

    void sawTime(long nanos) {
        firstNanos = Math.min(firstNanos, nanos);
        lastNanos = Math.max(lastNanos, nanos);
    }

    void sawMac(long mac) {
        macCounts.add(mac);
    }

    void sawAddress(int address) {
        addressCounts.add(address);
    }

    void sawFreshSource(int address) {
        freshSourceCounts.add(address);
    }

    /** An IPv6 global source with an initial hop limit (64, 128, 255): see {@link #sawFreshSource}. */
    void sawFreshSource6(long high, long low) {
        freshKey6[0] = high;
        freshKey6[1] = low;
        long[] count = freshSources6.get(freshKey6);
        if (count == null) {
            if (freshSources6.size() >= MAX_TRACKED) {
                return;
            }
            count = new long[] {high, low, 0};
            freshSources6.put(freshKey6, count);
        }
        count[2]++;
        if (mostFresh6 == null || count != mostFresh6 && count[2] > mostFresh6[2]) {
            mostFresh6 = count;
        }
    }

    /** How many distinct fresh sources (both families) were seen: grows when a pod's address first shows. */
    int freshSourceVariety() {
        return freshSourceCounts.size() + freshSources6.size();
    }

    /** The IPv6 source most packets with an initial hop limit came from ({high, low}), or null. */
    long[] mostFreshSource6() {
        return mostFresh6 == null ? null : new long[] {mostFresh6[0], mostFresh6[1]};
    }

    /** The source most packets with an initial TTL came from, or null when there were none. */
    Integer mostFreshSource() {
        Integer best = null;
        long most = 0;
        for (int n = 0; n < freshSourceCounts.size(); n++) {
            if (freshSourceCounts.count(n) > most) {
                most = freshSourceCounts.count(n);
                best = (int) freshSourceCounts.key(n);
            }
        }
        return best;
    }

    /**
     * Inner IPv4 addresses with the number of packets carrying them: a HashMap filled in the order
     * the addresses were first seen, so it iterates as the map counted into directly did.
     */
    Map<Integer, Long> addresses() {
        Map<Integer, Long> map = new HashMap<>();
        for (int n = 0; n < addressCounts.size(); n++) {
            map.put((int) addressCounts.key(n), addressCounts.count(n));
        }
        return map;
    }

    /** Outermost Ethernet MACs with their counts (a HashMap filled in the order first seen). */
    Map<Long, Long> macs() {
        Map<Long, Long> map = new HashMap<>();
        for (int n = 0; n < macCounts.size(); n++) {
            map.put(macCounts.key(n), macCounts.count(n));
        }
        return map;
    }

    /** Counts an IPv4 tunnel packet: its outer addresses and the /24 of its inner source. */
    void sawTunnel(int outerSource, int outerDestination, int innerSource) {
        tunnelPackets++;
        tunnelPairs.add((outerSource & 0xFFFF_FFFFL) << 32 | (outerDestination & 0xFFFF_FFFFL));
        tunnelSources.add((outerSource & 0xFFFF_FFFFL) << 32 | (innerSource & 0xFFFFFF00 & 0xFFFF_FFFFL));
    }

    /**
     * The pod subnets behind this NIC's own VTEP, as its tunnel packets alone show them: the own
     * VTEP is the one address all its conversations share (tunnels with traffic both ways: a NIC
     * also sees packets flooded to others), which only tells when it talks to two peers or more;
     * its subnets are the inner sources of what it sends. Empty otherwise.
     */
    java.util.Set<Integer> ownTunnelSubnets() {
        java.util.Set<Integer> subnets = new java.util.HashSet<>();
        java.util.Set<Long> pairs = new java.util.HashSet<>();
        for (int n = 0; n < tunnelPairs.size(); n++) {
            pairs.add(tunnelPairs.key(n));
        }
        java.util.Set<Long> common = null;
        int conversations = 0;
        for (long pair : pairs) {
            long a = pair >>> 32;
            long b = pair & 0xFFFF_FFFFL;
            if (a < b && pairs.contains(b << 32 | a)) {
                conversations++;
                java.util.Set<Long> ends = new java.util.HashSet<>(java.util.List.of(a, b));
                if (common == null) {
                    common = ends;
                } else {
                    common.retainAll(ends);
                }
            }
        }
        if (conversations < 2 || common == null || common.size() != 1) {
            return subnets;
        }
        long own = common.iterator().next();
        for (int n = 0; n < tunnelSources.size(); n++) {
            if (tunnelSources.key(n) >>> 32 == own) {
                subnets.add((int) tunnelSources.key(n));
            }
        }
        return subnets;
    }

    void sawArpAddress(int address) {
        if (arpAddresses.size() < MAX_TRACKED || arpAddresses.containsKey(address)) {
            arpAddresses.merge(address, 1L, Long::sum);
        }
    }
}
