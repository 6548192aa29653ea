package io.tunnelscope.anomaly;

import io.tunnelscope.collect.LongHashSet;
import io.tunnelscope.collect.LongObjectMap;
import io.tunnelscope.decode.Encapsulation;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.proto.vxlan.Vxlan;
import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.report.Evidence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the captures show about the destinations of VXLAN packets, and whether they could have
 * shown an answer from them — the evidence {@link UnknownVtepRule} and {@link VxlanMirrorRule}
 * judge a destination that sent no tunnel packet by:
 * <ul>
 * <li>whether the destination sent anything at all, to the VXLAN senders or anyone (a host that
 * exists and that these captures see sending);</li>
 * <li>ICMP destination unreachable messages quoting a UDP packet to it (no host, or no VTEP
 * listening);</li>
 * <li>whether the points that saw the VXLAN packets leave also saw tunnel packets arrive at their
 * senders (those points see the answers' direction);</li>
 * <li>request/response traffic inside (ICMP echo requests, TCP SYNs), how long it went on, and
 * whether any answer to it appeared anywhere;</li>
 * <li>inner traffic of both directions carried to the destination: a copy of a conversation,
 * what a one-way mirroring session to a collector sends.</li>
 * </ul>
 * Bounded: the first {@value #MAX_DESTINATIONS} destinations, {@value #MAX_PAIRS} answers.
 * What a destination sent counts from its first VXLAN packet on (at a point that saw that packet).
 *
 * <p>One instance serves both rules ({@link Rules#all}): each passes it every packet and merges
 * it, and it takes each packet and each other instance once.
 */
final class VxlanDestinations {
    private static final int MAX_DESTINATIONS = 256;
    private static final int MAX_PAIRS = 1 << 16;
    private static final int MAX_INNER_PAIRS = 256;
    private static final int MAX_SENDERS = 8;
    private static final int MAX_REQUESTS = 4096;
    /** How long requests must go unanswered: a live peer answers the first within a round trip. */
    static final long UNANSWERED_WINDOW_NANOS = 500_000_000L;

    /** VXLAN packets to one destination. */
    static final class Destination {
        long packets;
        /** It sent a packet (any), and one to a VXLAN sender. */
        boolean sentAnything;
        boolean sentToSenders;
        long firstNanos = Long.MAX_VALUE;
        long lastNanos = Long.MIN_VALUE;
        final FirstSeen<String, Void> points = new FirstSeen<>();
        /** The point of the last packet added to {@link #points} (most packets repeat it). */
        String lastPoint;
        final LongHashSet senders = new LongHashSet();
        final EvidenceSample evidence = new EvidenceSample(6);
        /**
         * Inner ICMP echo requests and TCP SYNs (without ACK), by inner addresses and IP ID: one
         * request seen at several points counts once.
         */
        final LongHashSet requests = new LongHashSet();
        /** Inner (source, destination) IPv4 pairs of those requests. */
        final LongHashSet requestPairs = new LongHashSet();
        /** Inner (source, destination) IPv4 pairs of everything carried to it. */
        final LongHashSet innerPairs = new LongHashSet();

        void mergeFrom(Destination other) {
            packets += other.packets;
            sentAnything |= other.sentAnything;
            sentToSenders |= other.sentToSenders;
            firstNanos = Math.min(firstNanos, other.firstNanos);
            lastNanos = Math.max(lastNanos, other.lastNanos);
            points.mergeFrom(other.points, Integer.MAX_VALUE);
            lastPoint = null;
            for (long sender : other.senders.toArray()) {
                if (senders.size() < MAX_SENDERS) {
                    senders.add(sender);
                }
            }
            evidence.mergeFrom(other.evidence);
            for (long request : other.requests.toArray()) {
                if (requests.size() < MAX_REQUESTS) {
                    requests.add(request);
                }
            }
            requestPairs.addAll(other.requestPairs);
            innerPairs.addAll(other.innerPairs);
        }
    }

    /** IPv4 VXLAN destinations by address, in the order their first packet came. */
    private final FirstSeen<Long, Destination> destinations = new FirstSeen<>();
    private final LongObjectMap<Destination> byAddress = new LongObjectMap<>(64);
    /**
     * Innermost (source, destination) IPv4 pairs of answers (ICMP echo replies, TCP SYN-ACKs),
     * tunnelled or not, wherever seen.
     */
    private final LongHashSet answers = new LongHashSet(64);
    /** Per address, ICMP destination unreachable messages quoting a UDP packet to it. */
    private final Map<Long, long[]> unreachable = new LinkedHashMap<>();
    /** Per point, the outer destinations of the tunnel packets it saw. */
    private final FirstSeen<String, LongHashSet> tunnelDestinations = new FirstSeen<>();
    private String lastPoint;
    private LongHashSet lastPointDestinations;
    /** The last packet taken (its place in the merged order), so a second rule's call is a no-op. */
    private long lastRelease = Long.MIN_VALUE;
    private long lastPosition = Long.MIN_VALUE;
    /** Instances already merged in, so a second rule's merge is a no-op. */
    private final Set<VxlanDestinations> merged = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    private static long pair(int source, int destination) {
        return (source & 0xFFFF_FFFFL) << 32 | (destination & 0xFFFF_FFFFL);
    }

    void packet(PacketContext packet) {
        if (packet.release == lastRelease && packet.position == lastPosition) {
            return;
        }
        lastRelease = packet.release;
        lastPosition = packet.position;
        PacketView view = packet.view();
        int outer = view.outerIpLayer();
        if (outer < 0 || view.ipVersion(outer) != 4) {
            return;
        }
        int outerSource = view.ipv4Source(outer);
        int outerDestination = view.ipv4Destination(outer);
        Destination from = byAddress.isEmpty() ? null : byAddress.get(outerSource & 0xFFFF_FFFFL);
        if (from != null) {
            from.sentAnything = true;
            from.sentToSenders |= from.senders.contains(outerDestination & 0xFFFF_FFFFL);
        }
        int carried = view.carriedIpLayer();
        boolean carriedIpv4 = carried >= 0 && view.ipVersion(carried) == 4;
        if (carriedIpv4 && answers.size() < MAX_PAIRS && exchange(packet, view, carried) == ANSWER) {
            answers.add(pair(view.ipv4Source(carried), view.ipv4Destination(carried)));
        }
        int transport = view.transportLayer(outer);
        if (transport >= 0 && packet.stack().type(transport) == LayerType.ICMP && view.icmpType(transport) == 3) {
            int quoted = view.quotedIpLayer(transport);
            if (quoted >= 0 && view.ipProtocol(quoted) == 17 && unreachable.size() < MAX_DESTINATIONS) {
                unreachable.computeIfAbsent(view.ipv4Destination(quoted) & 0xFFFF_FFFFL, k -> new long[1])[0]++;
            }
        }
        if (view.encapsulationCount() == 0) {
            return;
        }
        if (packet.point() != lastPoint) {
            lastPoint = packet.point();
            lastPointDestinations = tunnelDestinations.computeIfAbsent(packet.point(), packet, k -> new LongHashSet());
        }
        if (lastPointDestinations.size() < MAX_DESTINATIONS) {
            lastPointDestinations.add(outerDestination & 0xFFFF_FFFFL);
        }
        if (view.encapsulation(0) != Encapsulation.VXLAN) {
            return;
        }
        long address = outerDestination & 0xFFFF_FFFFL;
        Destination destination = byAddress.get(address);
        if (destination == null) {
            if (destinations.size() >= MAX_DESTINATIONS) {
                return;
            }
            destination = destinations.computeIfAbsent(address, packet, k -> new Destination());
            byAddress.put(address, destination);
        }
        destination.packets++;
        long nanos = packet.record().timestampNanos();
        destination.firstNanos = Math.min(destination.firstNanos, nanos);
        destination.lastNanos = Math.max(destination.lastNanos, nanos);
        if (packet.point() != destination.lastPoint) {
            destination.points.add(packet.point(), packet);
            destination.lastPoint = packet.point();
        }
        if (destination.senders.size() < MAX_SENDERS) {
            destination.senders.add(outerSource & 0xFFFF_FFFFL);
        }
        destination.evidence.add(packet);
        if (!carriedIpv4 || carried == outer) {
            return;
        }
        long inner = pair(view.ipv4Source(carried), view.ipv4Destination(carried));
        if (destination.innerPairs.size() < MAX_INNER_PAIRS) {
            destination.innerPairs.add(inner);
        }
        if (exchange(packet, view, carried) == REQUEST) {
            if (destination.requests.size() < MAX_REQUESTS) {
                destination.requests.add(inner * 31 + view.ipId(carried));
            }
            if (destination.requestPairs.size() < MAX_INNER_PAIRS) {
                destination.requestPairs.add(inner);
            }
        }
    }

    private static final int OTHER = 0;
    private static final int REQUEST = 1;
    private static final int ANSWER = 2;

    /**
     * What the transport after IP layer {@code ip} is in a request/response exchange: a
     * {@link #REQUEST} (ICMP echo request, TCP SYN without ACK: what a live peer answers), an
     * {@link #ANSWER} (echo reply, SYN-ACK), or neither.
     */
    private static int exchange(PacketContext packet, PacketView view, int ip) {
        int transport = view.transportLayer(ip);
        if (transport < 0) {
            return OTHER;
        }
        int type = packet.stack().type(transport);
        if (type == LayerType.ICMP) {
            int icmp = view.icmpType(transport);
            return icmp == 8 ? REQUEST : icmp == 0 ? ANSWER : OTHER;
        }
        int flags = view.tcpFlags(transport);
        if (type != LayerType.TCP || flags < 0 || (flags & 0x02) == 0) {
            return OTHER;
        }
        return (flags & 0x10) == 0 ? REQUEST : ANSWER;
    }

    /** Takes in what another instance gathered from other files. */
    void mergeFrom(VxlanDestinations other) {
        if (other == this || !merged.add(other)) {
            return;
        }
        destinations.mergeFrom(other.destinations, Destination::mergeFrom, MAX_DESTINATIONS);
        byAddress.clear();
        answers.addAll(other.answers);
        for (Map.Entry<Long, long[]> entry : other.unreachable.entrySet()) {
            unreachable.computeIfAbsent(entry.getKey(), k -> new long[1])[0] += entry.getValue()[0];
        }
        tunnelDestinations.mergeFrom(other.tunnelDestinations, LongHashSet::addAll, Integer.MAX_VALUE);
        lastPoint = null;
    }

    /**
     * What the captures show about one destination that sent no tunnel packet, for the rules to
     * judge.
     *
     * @param packets VXLAN packets to it (as the correlation counts them)
     * @param gathered VXLAN packets to it as gathered here (0 when it was not among the first
     *     destinations)
     * @param windowNanos from its first VXLAN packet to its last
     * @param sentAnything it sent some packet (any protocol) that these captures saw
     * @param sentToSenders it sent some packet to one of the VXLAN senders
     * @param unreachableMessages ICMP destination unreachable messages quoting UDP to it
     * @param receiveSideVisible a point that saw the VXLAN packets leave also saw tunnel packets
     *     arrive at their sender
     * @param requests inner requests (echo requests, SYNs) carried to it
     * @param unansweredRequests no answer to any of them appeared anywhere
     * @param twoWayInnerPairs inner address pairs carried to it in both directions
     */
    record Judgement(String address, long packets, long gathered, long windowNanos, boolean sentAnything,
                     boolean sentToSenders, long unreachableMessages, boolean receiveSideVisible, long requests,
                     boolean unansweredRequests, int twoWayInnerPairs, List<String> points, List<Evidence> evidence,
                     List<String> innerExamples) {

        /** Requests that went unanswered long enough for a live peer to have answered. */
        boolean longUnanswered() {
            return requests >= 2 && unansweredRequests && windowNanos >= UNANSWERED_WINDOW_NANOS;
        }

        /** A copy of a conversation sent to a host that never sends: a one-way mirroring session. */
        boolean mirroring() {
            return twoWayInnerPairs > 0 && !sentAnything && unreachableMessages == 0;
        }
    }

    /**
     * The VXLAN destinations (of the correlation's tunnels) that sent no tunnel packet in these
     * captures, with what the captures show about each.
     */
    List<Judgement> silentDestinations(AnalysisContext context) {
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (CorrelationReport.Tunnel tunnel : context.correlation().tunnels()) {
            if (tunnel.encap().equals(Vxlan.DESCRIPTOR.name()) && !context.vteps().contains(tunnel.outerDst())) {
                counts.computeIfAbsent(tunnel.outerDst(), k -> new long[1])[0] += tunnel.packets();
            }
        }
        List<Judgement> out = new ArrayList<>();
        for (Map.Entry<String, long[]> entry : counts.entrySet()) {
            out.add(judge(entry.getKey(), entry.getValue()[0]));
        }
        return out;
    }

    private Judgement judge(String text, long packets) {
        long address = text.matches("\\d+\\.\\d+\\.\\d+\\.\\d+") ? IpText.ipv4(text) & 0xFFFF_FFFFL : -1;
        Destination d = address < 0 ? null : destinations.get(address);
        if (d == null) {
            return new Judgement(text, packets, 0, 0, false, false, 0, false, 0, false, 0, List.of(), List.of(),
                    List.of());
        }
        boolean receiveSide = false;
        long[] senders = d.senders.toArray();
        for (String point : d.points.keys()) {
            LongHashSet seen = tunnelDestinations.get(point);
            for (long sender : senders) {
                receiveSide |= seen != null && seen.contains(sender);
            }
        }
        boolean unanswered = true;
        for (long request : d.requestPairs.toArray()) {
            long reply = (request & 0xFFFF_FFFFL) << 32 | request >>> 32;
            unanswered &= !answers.contains(reply);
        }
        int twoWay = 0;
        List<String> examples = new ArrayList<>();
        long[] inners = d.innerPairs.toArray();
        java.util.Arrays.sort(inners);
        for (long inner : inners) {
            long reverse = (inner & 0xFFFF_FFFFL) << 32 | inner >>> 32;
            if (inner < reverse && d.innerPairs.contains(reverse)) {
                twoWay++;
                if (examples.size() < 4) {
                    examples.add(IpText.format((int) (inner >>> 32)) + " <-> " + IpText.format((int) inner));
                }
            }
        }
        long[] icmp = unreachable.get(address);
        return new Judgement(text, packets, d.packets, Math.max(0, d.lastNanos - d.firstNanos), d.sentAnything,
                d.sentToSenders, icmp == null ? 0 : icmp[0], receiveSide, d.requests.size(), unanswered, twoWay,
                List.copyOf(d.points.keys()), d.evidence.list(), examples);
    }
}
