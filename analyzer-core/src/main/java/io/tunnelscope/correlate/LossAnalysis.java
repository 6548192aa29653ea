package io.tunnelscope.correlate;

import io.tunnelscope.collect.LongObjectMap;
import io.tunnelscope.decode.Encapsulation;
import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.report.Evidence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where packets died. For every journey the devices the packet still had to cross are derived
 * from the path model — on the sending host the bridge, the overlay device of its tunnel and the
 * NIC after the device it was first seen on; on the receiving host (the one whose VTEP the tunnel
 * went to, or whose pods' addresses it was sent to) the NIC, the overlay device, the bridge and
 * the destination pod's veth and interface — counting only devices some capture saw. A packet
 * that reached one device and was missing at the next:
 * <ul>
 *   <li>is a {@code capture} loss when a device further on saw it (the capture missed it), when
 *       the next device's captures were not running at the time, when later ACKs of the same TCP
 *       flow covered it without a retransmission, or when the captures of that device recorded
 *       dropping at least as many packets;</li>
 *   <li>else a {@code network} loss between the two devices, tied to its TCP retransmission when
 *       one followed. A tunnel packet damaged on the way (its payload changed, its outer header
 *       not: {@link OuterSightings}) arrived.</li>
 * </ul>
 * The underlay pairs of every tunnel are counted whether or not anything was lost. A journey
 * seen before costs no allocation beyond its loss candidates (bounded).
 */
final class LossAnalysis {
    private static final int MAX_EVIDENCE = 6;
    private static final int MAX_CANDIDATES = 4096;
    private static final int MAX_FLOWS = 65536;
    /** Device facts are refreshed every so many journeys (addresses of pods become known as packets come). */
    private static final int REFRESH_EVERY = 1024;

    private final List<CapturePoint> points;
    private final HostModel model;
    private final OuterSightings outer;
    private final CausalOrder order;

    /** The counts of one pair of devices (the last that saw a packet, the next on its path). */
    private static final class PairStats {
        final int from;
        final int to;
        long sent;
        long network;
        long capture;
        long notCapturing;
        /** Vanished here as a whole but went on as fragments: not lost. */
        long fragmented;
        /** Of the network losses: dropped for their size (an ICMP error said so), or arriving damaged. */
        long tooBig;
        int tooBigMtu = -1;
        long damaged;
        final List<Evidence> evidence = new ArrayList<>();
        final List<Evidence> captureEvidence = new ArrayList<>();
        String reason;

        PairStats(int from, int to) {
            this.from = from;
            this.to = to;
        }
    }

    /** A packet lost in the network, kept to be judged again once later packets are known. */
    private static final class Candidate {
        final PairStats pair;
        /** TCP: the flow (data direction), the segment's first and next sequence numbers; else 0, -1, -1. */
        final long flowHash;
        final long start;
        final long end;
        final long nanos;
        String retransmission;
        /** Its fragments went on (it was not lost: fragmented on the way). */
        boolean fragmented;
        /** The MTU an ICMP "fragmentation needed" / "packet too big" about it reported, or -1. */
        int tooBigFor = -1;
        /** An earlier candidate of the same flow (lost before), or null. */
        Candidate earlier;

        Candidate(PairStats pair, long flowHash, long start, long end, long nanos) {
            this.pair = pair;
            this.flowHash = flowHash;
            this.start = start;
            this.end = end;
            this.nanos = nanos;
        }
    }

    /** The smallest MTU a link may have (IPv6's; IPv4 links are at least 576 in practice). */
    private static final int MIN_LINK_MTU = 1280;
    /** How long after a packet vanished its fragments may still show up as its continuation. */
    private static final long FRAGMENTS_WITHIN_NANOS = 1_000_000_000L;
    /** The last candidate by (IP identification, protocol), to meet its fragments. */
    private final LongObjectMap<Candidate> candidatesByIpId = new LongObjectMap<>();

    private final LongObjectMap<PairStats> pairs = new LongObjectMap<>();
    private final Map<Long, PairStats> pairsInOrder = new LinkedHashMap<>();
    private final List<Candidate> candidates = new ArrayList<>();
    /** The latest candidate of each TCP flow (earlier ones chained): to tie retransmissions to originals. */
    private final LongObjectMap<Candidate> candidatesByFlow = new LongObjectMap<>();
    /** Per flow (hash of the data direction's addresses and ports): highest ACK and when ([ack, nanos]). */
    private final LongObjectMap<long[]> acks = new LongObjectMap<>();
    private long candidatesDropped;

    // Device facts, refreshed now and then.
    private int journeysSinceRefresh = REFRESH_EVERY;
    private int knownDevices = -1;
    /** The points' fresh source variety at the last refresh ({@link CapturePoint#freshSourceVariety}). */
    private int freshVariety = -1;
    /** The address a pod-side device's pod sends from (IPv4), 0 when unknown. */
    private int[] deviceAddress = new int[0];
    /** Its IPv6 address (high, low; both 0 when unknown): a dual-stack pod has both. */
    private long[] deviceHigh6 = new long[0];
    private long[] deviceLow6 = new long[0];
    /** The one device of each rank per host, by host * 5 + rank: -1 none, -2 several. */
    private int[] single = new int[0];

    // Per journey, reused.
    private int[] expected = new int[16];
    private boolean[] seenAt = new boolean[16];
    private long[] seenNanos = new long[16];
    private int[] seenHop = new int[16];

    LossAnalysis(List<CapturePoint> points, HostModel model, OuterSightings outer, CausalOrder order) {
        this.points = points;
        this.model = model;
        this.outer = outer;
        this.order = order;
    }

    /** Judges one journey: {@code hops[0..n)} in causal order, {@code groups} device hops ({@link CausalOrder}). */
    void journey(Observation[] hops, int n, int groups) {
        refresh();
        Observation first = hops[0];
        Observation last = hops[order.start(groups - 1)];
        trackTcp(first, last);
        if (first.quotedIpId >= 0 && !candidatesByIpId.isEmpty()) {
            // An ICMP "fragmentation needed" about a packet that vanished: it was dropped for its size.
            Candidate big = candidatesByIpId.get(first.quotedIpId << 8 | first.quotedProtocol);
            if (big != null && first.adjustedNanos >= big.nanos
                    && first.adjustedNanos - big.nanos <= FRAGMENTS_WITHIN_NANOS) {
                big.tooBigFor = first.reportedMtu;
            }
        }
        if (first.fragment && !candidatesByIpId.isEmpty()) {
            Candidate whole = candidatesByIpId.get(first.ipId << 8 | first.protocol);
            if (whole != null && first.adjustedNanos >= whole.nanos
                    && first.adjustedNanos - whole.nanos <= FRAGMENTS_WITHIN_NANOS) {
                whole.fragmented = true;
            }
        }
        Device start = model.devices.get(order.device(0));
        Host sender = start.host;
        Observation tunnel = null;
        for (int i = 0; i < n && tunnel == null; i++) {
            if (hops[i].encapsulated()) {
                tunnel = hops[i];
            }
        }
        Host receiver = receiver(tunnel, last, sender);
        int count = expectedPath(start, sender, receiver, tunnel, first, last);
        if (count == 0) {
            return;
        }
        // Which expected devices the journey saw, and when (its corrected time there).
        if (seenAt.length < count) {
            seenAt = new boolean[count * 2];
            seenNanos = new long[count * 2];
            seenHop = new int[count * 2];
        }
        int furthest = -1;
        for (int e = 0; e < count; e++) {
            seenAt[e] = false;
            for (int k = 0; k < groups; k++) {
                if (order.device(k) == expected[e]) {
                    seenAt[e] = true;
                    seenNanos[e] = order.time(k);
                    seenHop[e] = order.start(k);
                    furthest = e;
                    break;
                }
            }
        }
        int previous = start.index;
        long previousNanos = order.time(0);
        Observation previousHop = first;
        for (int e = 0; e < count; e++) {
            Device target = model.devices.get(expected[e]);
            PairStats stats = pair(previous, target.index);
            if (seenAt[e]) {
                stats.sent++;
                previous = target.index;
                previousNanos = seenNanos[e];
                previousHop = hops[seenHop[e]];
                continue;
            }
            long raw = previousNanos + target.host.offsetNanos;
            if (e < furthest) {
                // Seen further on: it passed here, the capture missed it.
                stats.sent++;
                stats.capture++;
                sample(stats.captureEvidence, previousHop);
                previous = target.index;
                continue;
            }
            if (!covers(target, raw)) {
                stats.notCapturing++;
                return;
            }
            stats.sent++;
            if (tunnel != null && target.rank() == 4 && arrivedDamaged(target, tunnel)) {
                return;
            }
            stats.network++;
            if (previousHop.badChecksum) {
                stats.damaged++;
            }
            sample(stats.evidence, previousHop);
            candidate(stats, first, previousNanos);
            return;
        }
    }

    /**
     * The host a packet was going to: the one whose VTEP its tunnel went to; else the one whose
     * pods' addresses include its destination (as seen last); null when none of the captured hosts.
     */
    private Host receiver(Observation tunnel, Observation last, Host sender) {
        if (tunnel != null) {
            for (int h = 0; h < model.hosts.size(); h++) {
                Host host = model.hosts.get(h);
                if (host.isVtep(tunnel.outerDstHigh, tunnel.outerDstLow)) {
                    return host;
                }
            }
            return null;
        }
        for (int d = 0; d < model.devices.size(); d++) {
            Device device = model.devices.get(d);
            if (podHas(device.index, last.dstHigh, last.dstLow)) {
                return device.host;
            }
        }
        return null;
    }

    /**
     * Fills {@link #expected} with the devices the packet had to cross after {@code start}, in
     * order; returns how many.
     */
    private int expectedPath(Device start, Host sender, Host receiverHost, Observation tunnel, Observation first,
                             Observation last) {
        Host receiver = receiverHost;
        int count = 0;
        int startRank = start.rank();
        if (startRank < 0) {
            return 0;
        }
        if (first.outerOnly || last.outerOnly) {
            // The capture cut the inner packet off: only the tunnel's way over the underlay is known.
            return receiver != null && receiver != sender ? add(0, single(receiver, 4)) : 0;
        }
        if (IpAddresses.linkScoped(first.srcHigh, first.srcLow, first.dstHigh, first.dstLow)
                || first.protocol == 58 && first.ttl == 255 && !IpAddresses.isIpv4(first.srcHigh, first.srcLow)) {
            // IPv6 neighbour discovery, MLD, router solicitations, anything link-local: it ends
            // on the link it was sent on; no further device waits for it. Neighbour discovery
            // between global addresses too: its messages carry hop limit 255, which no routed
            // packet still has, and a receiver drops them with any other (RFC 4861 7.1).
            return 0;
        }
        int tunnelRole = tunnel == null ? 0 : tunnel.encapsulation == Encapsulation.FLANNEL_UDP ? 2 : 1;
        boolean ipv6 = !IpAddresses.isIpv4(first.srcHigh, first.srcLow);
        long sourceHigh = first.srcHigh;
        long sourceLow = first.srcLow;
        long destinationHigh = last.dstHigh;
        long destinationLow = last.dstLow;
        // Tunnelled: it was seen in a tunnel, or it was sent to a pod (not to a host's address,
        // which goes over the underlay as it is, masqueraded or not).
        boolean tunnelled = tunnel != null || isPodAddress(first.dstHigh, first.dstLow);
        if (receiver == null && ownAddress(sender, destinationHigh, destinationLow)) {
            // To the host itself (its VTEP, or its bridge's gateway or overlay address): it stays there.
            receiver = sender;
        }
        if (receiver != sender) {
            // Out of the sending host, up to its NIC.
            if (startRank < 1) {
                count = addPodSide(count, sender, "veth", sourceHigh, sourceLow);
            }
            if (startRank < 2) {
                count = add(count, single(sender, 2));
            }
            if (startRank < 3 && tunnelled) {
                count = add(count, overlay(sender, tunnelRole, ipv6));
            }
            if (startRank < 4) {
                count = add(count, single(sender, 4));
            }
            if (receiver != null) {
                count = add(count, single(receiver, 4));
                if (tunnelled) {
                    count = add(count, overlay(receiver, tunnelRole, ipv6));
                }
                count = add(count, single(receiver, 2));
                count = addPodSide(count, receiver, "veth", destinationHigh, destinationLow);
                count = addPodSide(count, receiver, "pod", destinationHigh, destinationLow);
            }
        } else {
            if (startRank == 4 && tunnel == null && sender.isVtep(destinationHigh, destinationLow)) {
                // To the node's own underlay address from outside: it ends in the node's stack.
                return 0;
            }
            // Into a pod of this host: from its NIC (through the overlay device when tunnelled),
            // or from another pod.
            if (startRank == 4 && tunnel != null) {
                count = add(count, overlay(sender, tunnelRole, ipv6));
            }
            if (startRank >= 3) {
                count = add(count, single(sender, 2));
            }
            count = addPodSide(count, sender, "veth", destinationHigh, destinationLow);
            count = addPodSide(count, sender, "pod", destinationHigh, destinationLow);
        }
        return count;
    }

    /** Whether the pod behind pod-side device {@code d} has the address {@code high/low} (either family). */
    private boolean podHas(int d, long high, long low) {
        if (IpAddresses.isIpv4(high, low)) {
            int address = IpAddresses.ipv4(low);
            return address != 0 && d < deviceAddress.length && deviceAddress[d] == address;
        }
        return (high != 0 || low != 0) && d < deviceHigh6.length && deviceHigh6[d] == high && deviceLow6[d] == low;
    }

    /** Whether {@code high/low} is the address of a pod some capture showed. */
    private boolean isPodAddress(long high, long low) {
        for (int d = 0; d < knownDevices; d++) {
            if (podHas(d, high, low)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code high/low} is the host's own: one of its VTEPs, or the .0/.1 of one of its
     * pods' /24 (IPv6: the ::0/::1 of its pods' /64, flannel-v6.1's address and the gateway).
     */
    private boolean ownAddress(Host host, long high, long low) {
        if (host.isVtep(high, low)) {
            return true;
        }
        boolean ipv4 = IpAddresses.isIpv4(high, low);
        int address = ipv4 ? IpAddresses.ipv4(low) : 0;
        if (ipv4 ? address == 0 : high == 0) {
            return false;
        }
        for (int d = 0; d < host.devices.size(); d++) {
            Device device = host.devices.get(d);
            if (!ipv4) {
                if (device.index < deviceHigh6.length && deviceHigh6[device.index] == high
                        && deviceLow6[device.index] != 0 && (low == 0 || low == 1)) {
                    return true;
                }
                continue;
            }
            int pod = device.index < deviceAddress.length ? deviceAddress[device.index] : 0;
            if (pod != 0 && (address == (pod & 0xFFFFFF00) || address == (pod & 0xFFFFFF00 | 1))) {
                return true;
            }
        }
        return false;
    }

    private int add(int count, int device) {
        if (device < 0) {
            return count;
        }
        for (int i = 0; i < count; i++) {
            if (expected[i] == device) {
                return count;
            }
        }
        if (expected.length == count) {
            expected = java.util.Arrays.copyOf(expected, count * 2);
        }
        expected[count] = device;
        return count + 1;
    }

    /** The pod-side device of {@code role} on {@code host} whose pod has {@code high/low}. */
    private int addPodSide(int count, Host host, String role, long high, long low) {
        for (int d = 0; d < host.devices.size(); d++) {
            Device device = host.devices.get(d);
            if (role.equals(device.role) && podHas(device.index, high, low)) {
                return add(count, device.index);
            }
        }
        return count;
    }

    /**
     * The overlay device of a host for a tunnel kind (1 VXLAN-like, 2 TUN; 0 unknown: the only
     * one) and the packet's family: a dual-stack node has flannel.1 for IPv4 and flannel-v6.1
     * for IPv6, told apart by what their captures carried.
     */
    private int overlay(Host host, int tunnelRole, boolean ipv6) {
        int found = -1;
        int ofFamily = -1;
        int several = 0;
        for (int d = 0; d < host.devices.size(); d++) {
            Device device = host.devices.get(d);
            boolean vxlan = "overlay-vxlan".equals(device.role);
            boolean tun = "overlay-tun".equals(device.role);
            if (tunnelRole == 1 && vxlan || tunnelRole == 2 && tun || tunnelRole == 0 && (vxlan || tun)) {
                several++;
                found = device.index;
                if (carriesIpv6(device) == ipv6) {
                    ofFamily = ofFamily == -1 ? device.index : -2;
                }
            }
        }
        return several <= 1 ? found : Math.max(-1, ofFamily);
    }

    /** Whether most routed packets a device's captures saw were IPv6. */
    private static boolean carriesIpv6(Device device) {
        long ipv6 = 0;
        long all = 0;
        for (int p = 0; p < device.points.size(); p++) {
            ipv6 += device.points.get(p).routedIpv6Packets;
            all += device.points.get(p).ipPackets;
        }
        return ipv6 * 2 > all;
    }

    /** The host's one device of {@code rank}, or -1 when it has none or several. */
    private int single(Host host, int rank) {
        int at = host.index * 5 + rank;
        return at < single.length ? Math.max(-1, single[at]) : -1;
    }

    /** Device facts as the packets so far show them (roles are fixed; pod addresses appear). */
    private void refresh() {
        // Also as soon as a pod's address first shows at a point: a packet to a pod whose address
        // is not known yet would not be expected beyond its sender's NIC.
        int variety = 0;
        for (int p = 0; p < points.size(); p++) {
            variety += points.get(p).freshSourceVariety();
        }
        if (++journeysSinceRefresh < REFRESH_EVERY && knownDevices == model.devices.size()
                && variety == freshVariety) {
            return;
        }
        freshVariety = variety;
        journeysSinceRefresh = 0;
        knownDevices = model.devices.size();
        if (deviceAddress.length < knownDevices) {
            deviceAddress = new int[knownDevices * 2];
            deviceHigh6 = new long[knownDevices * 2];
            deviceLow6 = new long[knownDevices * 2];
        }
        for (Device device : model.devices) {
            int rank = device.rank();
            Integer own = null;
            long[] own6 = null;
            if (rank == 0 || rank == 1) {
                for (CapturePoint point : device.points) {
                    own = own != null ? own : point.mostFreshSource();
                    own6 = own6 != null ? own6 : point.mostFreshSource6();
                }
            }
            deviceAddress[device.index] = own == null ? 0 : own;
            deviceHigh6[device.index] = own6 == null ? 0 : own6[0];
            deviceLow6[device.index] = own6 == null ? 0 : own6[1];
        }
        int hosts = model.hosts.size();
        if (single.length < hosts * 5) {
            single = new int[hosts * 10];
        }
        java.util.Arrays.fill(single, -1);
        for (Device device : model.devices) {
            int rank = device.rank();
            if (rank < 0) {
                continue;
            }
            int at = device.host.index * 5 + rank;
            single[at] = single[at] == -1 ? device.index : -2;
        }
    }

    private static boolean covers(Device device, long rawNanos) {
        for (int p = 0; p < device.points.size(); p++) {
            CapturePoint point = device.points.get(p);
            if (JourneyAnalysis.covers(point, rawNanos)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a point of the NIC {@code target} saw the tunnel packet's outer header (damaged inside). */
    private boolean arrivedDamaged(Device target, Observation tunnel) {
        for (int p = 0; p < target.points.size(); p++) {
            CapturePoint point = target.points.get(p);
            if (outer.seen(tunnel, point.index)) {
                return true;
            }
        }
        return false;
    }

    private PairStats pair(int from, int to) {
        long key = ((long) from << 32) | to;
        PairStats stats = pairs.get(key);
        if (stats == null) {
            stats = new PairStats(from, to);
            pairs.put(key, stats);
            pairsInOrder.put(key, stats);
        }
        return stats;
    }

    private void sample(List<Evidence> evidence, Observation hop) {
        if (evidence.size() < MAX_EVIDENCE) {
            CapturePoint point = points.get(hop.point);
            evidence.add(new Evidence(point.name, point.file, hop.frame));
        }
    }

    // ---- TCP: later ACKs and retransmissions judge a loss again ---------------------------------

    private static long flowHash(long srcHigh, long srcLow, int sourcePort, long dstHigh, long dstLow,
                                 int destinationPort) {
        long h = srcLow * 0x9E3779B97F4A7C15L ^ srcHigh;
        h = (h ^ dstLow) * 0xBF58476D1CE4E5B9L ^ dstHigh;
        h = (h ^ ((long) sourcePort << 16 | destinationPort)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }

    /**
     * Keeps a packet lost in the network, to judge it again at the end: its fragments may follow,
     * and a TCP segment may be retransmitted or acknowledged.
     */
    private void candidate(PairStats pair, Observation first, long nanos) {
        if (candidates.size() >= MAX_CANDIDATES) {
            candidatesDropped++;
            return;
        }
        boolean segment = first.tcpSequence >= 0 && (first.tcpPayload > 0 || (first.tcpFlags & 0x03) != 0);
        if (!segment && first.ipLength <= MIN_LINK_MTU) {
            // Nothing to judge again: not TCP data, and too small to be fragmented on any link.
            return;
        }
        if (!segment) {
            Candidate candidate = new Candidate(pair, 0, -1, -1, nanos);
            candidates.add(candidate);
            if (!first.fragment) {
                candidatesByIpId.put(first.tooBigKey() << 8 | first.protocol, candidate);
            }
            return;
        }
        long flow = flowHash(first.srcHigh, first.srcLow, first.sourcePort, first.dstHigh, first.dstLow,
                first.destinationPort);
        long length = first.tcpPayload + ((first.tcpFlags & 0x03) != 0 ? 1 : 0);
        Candidate candidate = new Candidate(pair, flow, first.tcpSequence,
                (first.tcpSequence + length) & 0xFFFF_FFFFL, nanos);
        candidates.add(candidate);
        if (!first.fragment) {
            candidatesByIpId.put(first.tooBigKey() << 8 | first.protocol, candidate);
        }
        candidate.earlier = candidatesByFlow.put(flow, candidate);
    }

    /**
     * A TCP packet: as data (seen first on the sender's side), it may retransmit a lost
     * candidate; as an ACK (seen last on the data sender's side, its addresses the data's reversed),
     * it raises the flow's highest acknowledgment.
     */
    private void trackTcp(Observation first, Observation last) {
        if (first.tcpSequence < 0) {
            return;
        }
        if (!candidatesByFlow.isEmpty() && (first.tcpPayload > 0 || (first.tcpFlags & 0x03) != 0)) {
            // A later segment that covers some of a lost one's bytes is its retransmission (it may
            // start elsewhere: after a smaller path MTU the sender cuts the data anew).
            long flow = flowHash(first.srcHigh, first.srcLow, first.sourcePort, first.dstHigh, first.dstLow,
                    first.destinationPort);
            long length = Math.max(1, first.tcpPayload);
            for (Candidate lost = candidatesByFlow.get(flow); lost != null; lost = lost.earlier) {
                if (lost.retransmission == null && first.adjustedNanos > lost.nanos
                        && (int) (first.tcpSequence - lost.end) < 0
                        && (int) ((first.tcpSequence + length) - lost.start) > 0) {
                    CapturePoint point = points.get(first.point);
                    lost.retransmission = point.name + " frame " + first.frame;
                }
            }
        }
        if ((last.tcpFlags & 0x10) != 0 && last.tcpAcknowledgment >= 0) {
            long flow = flowHash(last.dstHigh, last.dstLow, last.destinationPort, last.srcHigh, last.srcLow,
                    last.sourcePort);
            long[] ack = acks.get(flow);
            if (ack == null) {
                if (acks.size() >= MAX_FLOWS) {
                    return;
                }
                ack = new long[] {last.tcpAcknowledgment, last.adjustedNanos};
                acks.put(flow, ack);
            } else if ((int) (last.tcpAcknowledgment - ack[0]) > 0) {
                ack[0] = last.tcpAcknowledgment;
                ack[1] = last.adjustedNanos;
            }
        }
    }

    /** Judges the candidates again, now that every later packet is known. */
    private void rejudge() {
        for (Candidate candidate : candidates) {
            PairStats pair = candidate.pair;
            if (candidate.fragmented) {
                pair.network--;
                pair.fragmented++;
                continue;
            }
            if (candidate.tooBigFor >= 0) {
                pair.tooBig++;
                pair.tooBigMtu = pair.tooBigMtu < 0 ? candidate.tooBigFor : Math.min(pair.tooBigMtu, candidate.tooBigFor);
                continue;
            }
            if (candidate.end < 0) {
                continue;
            }
            if (candidate.retransmission != null) {
                if (pair.reason == null) {
                    pair.reason = "retransmitted (" + candidate.retransmission + ")";
                }
                continue;
            }
            long[] ack = acks.get(candidate.flowHash);
            if (ack != null && (int) (ack[0] - candidate.end) >= 0 && ack[1] > candidate.nanos) {
                pair.network--;
                pair.capture++;
            }
        }
        candidates.clear();
        candidatesByIpId.clear();
        candidatesByFlow.clear();
    }

    /** Packets kept for judging again that did not fit (judged as network losses). */
    long candidatesDropped() {
        return candidatesDropped;
    }

    /**
     * The losses: every underlay pair of hosts (lost or not), and every other pair of devices
     * where something was missing; a pair with both network and capture losses is two entries.
     */
    List<CorrelationReport.Loss> report(java.util.function.IntFunction<String> roleOf) {
        rejudge();
        List<CorrelationReport.Loss> out = new ArrayList<>();
        for (PairStats stats : pairsInOrder.values()) {
            Device from = model.devices.get(stats.from);
            Device to = model.devices.get(stats.to);
            long drops = 0;
            for (CapturePoint point : to.points) {
                drops += Math.max(0, point.recordedDrops);
            }
            long network = stats.network;
            long capture = stats.capture;
            String networkReason = stats.tooBig > 0 && stats.tooBig * 2 >= network
                    ? "too big: an ICMP error reported MTU " + stats.tooBigMtu
                    : stats.damaged > 0 && stats.damaged * 2 >= network ? "arrived with a wrong checksum"
                    : stats.reason;
            if (network > 0 && drops >= network) {
                capture += network;
                network = 0;
            } else if (network > 0 && drops > 0 && networkReason == null) {
                networkReason = "the capture of " + to.name + " recorded " + drops + " dropped packets";
            }
            boolean underlayPair = "underlay".equals(roleOf.apply(from.index)) && "underlay".equals(roleOf.apply(to.index))
                    && from.host != to.host;
            if (network > 0 || underlayPair) {
                out.add(loss(from, to, "network", stats.sent, network, networkReason, stats.evidence));
            }
            if (capture > 0) {
                out.add(loss(from, to, "capture", stats.sent, capture,
                        drops >= stats.network && stats.network > 0 ? "the capture dropped packets"
                                : "seen further on, or covered by later ACKs", stats.captureEvidence.isEmpty()
                                ? stats.evidence : stats.captureEvidence));
            }
            if (stats.notCapturing > 0) {
                out.add(loss(from, to, "capture", stats.sent, stats.notCapturing,
                        "the capture of " + to.name + " was not running", List.of()));
            }
        }
        return out;
    }

    private static CorrelationReport.Loss loss(Device from, Device to, String kind, long sent, long missing,
                                               String reason, List<Evidence> evidence) {
        return new CorrelationReport.Loss(from.primary().name, to.primary().name, kind,
                new CorrelationReport.DeviceRef(from.host.name, from.name),
                new CorrelationReport.DeviceRef(to.host.name, to.name), sent, missing, missing, reason,
                List.copyOf(evidence));
    }
}
