package io.tunnelscope.anomaly;

import io.tunnelscope.collect.LongObjectMap;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.report.Basis;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.Evidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code PMTU_BLACKHOLE}: a TCP sender keeps retransmitting large segments that are never
 * acknowledged, and no fragmentation-needed message comes back (RFC 2923, "PMTUD black hole"):
 * the big packets vanish on the path while small ones pass. Judged at the point where the sender's
 * segments are seen, per flow; the size threshold is the overlay MTU once it is known.
 *
 * <p>Unacknowledged retransmissions alone are loss, which anything can cause (a middlebox dropping
 * chosen packets, a capture that ends during a retransmission). The black hole is an error only
 * when the packets prove it: the sender shrank a lost segment (it retransmitted the same data in
 * smaller segments: its own black hole detection, RFC 4821), or at least two large segments were
 * never acknowledged while the receiver acknowledged less data than one of them (a SACK block
 * shorter than the smallest lost segment, RFC 2018, or a smaller segment acknowledged as a whole).
 * Otherwise it is a note that says what is missing. Segments below {@value #LARGE} bytes are only
 * looked at once some flow resent a large one (so healthy traffic costs no more lookups).
 */
public final class PmtuBlackholeRule implements Rule {
    private static final int LARGE = 1000;
    private static final int MAX_FLOWS = 10_000;
    private static final int MAX_SEGMENTS = 64;

    // A segment's record: sequence number, times seen, IP length, payload length, acknowledged by
    // SACK, resent smaller.
    private static final int SEQUENCE = 0;
    private static final int SEEN = 1;
    private static final int IP_LENGTH = 2;
    private static final int PAYLOAD = 3;
    private static final int ACKNOWLEDGED = 4;
    private static final int SHRUNK = 5;
    /** Flows of this instance with a large segment sent more than once. */
    private int retransmittingFlows;

    private static final class Flow {
        final String text;
        final String point;
        /** The flow's key as text (point, addresses and ports), only for the order of findings. */
        String key;
        long srcHigh;
        long srcLow;
        long dstHigh;
        long dstLow;
        int sourcePort;
        int destinationPort;
        /** The next flow whose hashed key is the same. */
        Flow collision;
        /** When the flow's first large segment came. */
        PacketOrder first;
        /**
         * Segments of {@value #LARGE} bytes of payload or more, by sequence number: [sequence
         * number, times seen, IP length, payload length, acknowledged by SACK, resent smaller]
         * each (the first {@value #MAX_SEGMENTS}).
         */
        final LongObjectMap<long[]> bySequence = new LongObjectMap<>(16);
        /** The same segments, for the finish. */
        final List<long[]> segments = new ArrayList<>();
        long highestAck = -1;
        boolean icmp;
        /** The sender sent the data of a segment again in a smaller one. */
        boolean shrunk;
        /** A large segment was sent more than once: smaller ones are then looked up as resends. */
        boolean retransmitted;
        /** The shortest SACK block the receiver sent back (bytes), or 0 without one. */
        long shortestSack;
        final List<Evidence> evidence = new ArrayList<>();

        Flow(String text, String point) {
            this.text = text;
            this.point = point;
        }

        long hash() {
            return PmtuBlackholeRule.hash(point, srcHigh, srcLow, dstHigh, dstLow, sourcePort, destinationPort);
        }
    }

    /**
     * Flows by a hash of their key, chained on collisions; looked up without building strings. A
     * flow is one point's, so its packets all come from one file.
     */
    private final LongObjectMap<Flow> flows = new LongObjectMap<>();
    /** The first {@value #MAX_FLOWS} flows, in the order their first large segment came. */
    private final List<Flow> order = new ArrayList<>();
    private final StringBuilder key = new StringBuilder();
    private long srcHigh;
    private long srcLow;
    private long dstHigh;
    private long dstLow;
    private int sourcePort;
    private int destinationPort;

    @Override
    public String kind() {
        return "PMTU_BLACKHOLE";
    }

    @Override
    public String description() {
        return "large TCP segments are not lost without an ICMP fragmentation-needed coming back";
    }

    @Override
    public void packet(PacketContext packet) {
        PacketView view = packet.view();
        int ip = view.innerIpLayer();
        int transport = ip < 0 ? -1 : view.transportLayer(ip);
        if (transport < 0) {
            return;
        }
        if (SizeFacts.isFragNeeded(packet.stack(), view, transport)) {
            int quoted = view.quotedIpLayer(transport);
            int quotedTransport = quoted < 0 ? -1 : view.transportLayer(quoted);
            if (quotedTransport >= 0) {
                Flow flow = find(packet.point(), view, quoted, quotedTransport, false);
                if (flow != null) {
                    flow.icmp = true;
                }
            }
            return;
        }
        if (packet.stack().type(transport) != LayerType.TCP || SizeFacts.isSuperFrame(packet.stack(), view, ip)) {
            return;
        }
        int flags = view.tcpFlags(transport);
        if (flags < 0) {
            // The header was cut before its flags: nothing to judge.
            return;
        }
        Flow reverse = flows.isEmpty() ? null : find(packet.point(), view, ip, transport, true);
        if (reverse != null && (flags & 0x10) != 0) {
            acknowledged(reverse, view, transport);
        }
        int payload = view.tcpPayloadLength(transport);
        if (payload <= 0 || payload < LARGE && retransmittingFlows == 0) {
            return;
        }
        // Also when no flow is known yet: find() leaves the key's fields for a new flow.
        Flow flow = find(packet.point(), view, ip, transport, false);
        if (flow == null && payload < LARGE) {
            return;
        }
        if (flow == null) {
            if (order.size() >= MAX_FLOWS) {
                return;
            }
            StringBuilder text = new StringBuilder();
            view.appendSource(ip, text);
            text.append(':').append(view.sourcePort(transport)).append(" > ");
            view.appendDestination(ip, text);
            text.append(':').append(view.destinationPort(transport));
            flow = new Flow(text.toString(), packet.point());
            flow.key = flowKey(packet.point(), view, ip, transport, false);
            flow.srcHigh = srcHigh;
            flow.srcLow = srcLow;
            flow.dstHigh = dstHigh;
            flow.dstLow = dstLow;
            flow.sourcePort = sourcePort;
            flow.destinationPort = destinationPort;
            flow.first = packet.order();
            index(flow);
            order.add(flow);
        }
        long sequence = view.tcpSequence(transport);
        if (payload < LARGE) {
            // Only a resend of a large segment's data in fewer bytes matters here.
            long[] large = flow.retransmitted ? flow.bySequence.get(sequence) : null;
            if (large != null) {
                large[SEEN]++;
                shrink(flow, large, payload);
            }
            return;
        }
        long[] seen = flow.bySequence.get(sequence);
        if (seen == null && flow.segments.size() < MAX_SEGMENTS) {
            long[] segment = {sequence, 1, view.ipTotalLength(ip), payload, 0, 0};
            flow.bySequence.put(sequence, segment);
            flow.segments.add(segment);
        } else if (seen != null) {
            seen[SEEN]++;
            if (!flow.retransmitted) {
                flow.retransmitted = true;
                retransmittingFlows++;
            }
            shrink(flow, seen, payload);
            if (flow.evidence.size() < 6) {
                flow.evidence.add(packet.evidence());
            }
        }
    }

    /** A segment that resends a large one's data in fewer bytes: the sender shrank it. */
    private static void shrink(Flow flow, long[] large, int payload) {
        if (payload < large[PAYLOAD]) {
            flow.shrunk = true;
            large[SHRUNK] = 1;
        }
    }

    /** Takes in an acknowledgment for {@code flow}: the cumulative one and its SACK blocks. */
    private static void acknowledged(Flow flow, PacketView view, int transport) {
        long ack = view.tcpAcknowledgment(transport);
        if (ack >= 0 && (flow.highestAck < 0 || before(flow.highestAck, ack))) {
            flow.highestAck = ack;
        }
        int blocks = view.tcpSackBlocks(transport);
        for (int b = 0; b < blocks; b++) {
            long left = view.tcpSackLeft(transport, b);
            long right = view.tcpSackRight(transport, b);
            for (long[] segment : flow.segments) {
                long end = (segment[SEQUENCE] + segment[PAYLOAD]) & 0xFFFFFFFFL;
                if (!before(segment[SEQUENCE], left) && !before(right, end)) {
                    segment[ACKNOWLEDGED] = 1;
                }
            }
            long length = (right - left) & 0xFFFFFFFFL;
            if (length > 0 && (flow.shortestSack == 0 || length < flow.shortestSack)) {
                flow.shortestSack = length;
            }
        }
    }

    /** True when sequence number {@code a} comes before {@code b} (RFC 9293 modular order). */
    private static boolean before(long a, long b) {
        long ahead = (b - a) & 0xFFFFFFFFL;
        return ahead != 0 && ahead < (1L << 31);
    }

    /** True when the segment was acknowledged, cumulatively up to its end or by SACK. */
    private static boolean acknowledged(Flow flow, long[] segment) {
        if (segment[ACKNOWLEDGED] != 0) {
            return true;
        }
        long end = (segment[SEQUENCE] + segment[PAYLOAD]) & 0xFFFFFFFFL;
        return flow.highestAck >= 0 && !before(flow.highestAck, end);
    }

    /**
     * The flow of {@code point} with these addresses and ports (swapped when {@code reversed}), or
     * null; leaves the fields in {@link #srcHigh} etc. for a flow to be created.
     */
    private Flow find(String point, PacketView view, int ip, int transport, boolean reversed) {
        srcHigh = view.addressHigh(ip, !reversed);
        srcLow = view.addressLow(ip, !reversed);
        dstHigh = view.addressHigh(ip, reversed);
        dstLow = view.addressLow(ip, reversed);
        sourcePort = reversed ? view.destinationPort(transport) : view.sourcePort(transport);
        destinationPort = reversed ? view.sourcePort(transport) : view.destinationPort(transport);
        for (Flow f = flows.get(hash(point)); f != null; f = f.collision) {
            if (f.srcLow == srcLow && f.dstLow == dstLow && f.sourcePort == sourcePort
                    && f.destinationPort == destinationPort && f.srcHigh == srcHigh && f.dstHigh == dstHigh
                    && (f.point == point || f.point.equals(point))) {
                return f;
            }
        }
        return null;
    }

    private void index(Flow flow) {
        long hash = flow.hash();
        flow.collision = flows.get(hash);
        flows.put(hash, flow);
    }

    @Override
    public void mergeFrom(Rule other) {
        order.addAll(((PmtuBlackholeRule) other).order);
        order.sort(java.util.Comparator.comparing(f -> f.first));
        if (order.size() > MAX_FLOWS) {
            order.subList(MAX_FLOWS, order.size()).clear();
        }
        flows.clear();
        for (Flow flow : order) {
            index(flow);
        }
    }

    private long hash(String point) {
        return hash(point, srcHigh, srcLow, dstHigh, dstLow, sourcePort, destinationPort);
    }

    private static long hash(String point, long srcHigh, long srcLow, long dstHigh, long dstLow, int sourcePort,
                             int destinationPort) {
        long h = point.hashCode() * 0x9E3779B97F4A7C15L;
        h = (h ^ srcHigh) * 0xBF58476D1CE4E5B9L;
        h = (h ^ srcLow) * 0x94D049BB133111EBL;
        h = (h ^ dstHigh) * 0xBF58476D1CE4E5B9L;
        h = (h ^ dstLow) * 0x94D049BB133111EBL;
        h = (h ^ (((long) sourcePort << 32) | (destinationPort & 0xFFFF_FFFFL))) * 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 31);
    }


    private String flowKey(String point, PacketView view, int ip, int transport, boolean reversed) {
        key.setLength(0);
        key.append(point).append(' ');
        if (reversed) {
            view.appendDestination(ip, key);
            key.append(':').append(view.destinationPort(transport)).append('>');
            view.appendSource(ip, key);
            key.append(':').append(view.sourcePort(transport));
        } else {
            view.appendSource(ip, key);
            key.append(':').append(view.sourcePort(transport)).append('>');
            view.appendDestination(ip, key);
            key.append(':').append(view.destinationPort(transport));
        }
        return key.toString();
    }

    /** What the packets of one flow show, for the finish. */
    private record Verdict(long retransmissions, int largest, int lostSegments, boolean proven, String proof,
                           boolean shrunk, int smallerAcknowledged) {
    }

    /** What was looked for, as a finding's {@code checked}. */
    private static List<String> checked(Verdict verdict) {
        return List.of("ICMP fragmentation-needed about the flow: none",
                "large segments sent again and never acknowledged (ACK or SACK): " + verdict.lostSegments(),
                "a lost segment resent in smaller ones: " + (verdict.shrunk() ? "yes" : "no"),
                "a smaller segment of the flow acknowledged while large ones were not: "
                        + (verdict.smallerAcknowledged() > 0 ? verdict.smallerAcknowledged() + " bytes" : "none"));
    }

    /**
     * Judges one flow against the size threshold: null when no large segment was lost for good
     * (retransmitted at least twice in all, never acknowledged).
     */
    private static Verdict judge(Flow flow, int threshold) {
        long retransmissions = 0;
        int largest = 0;
        int lost = 0;
        int smallestLost = Integer.MAX_VALUE;
        for (long[] segment : flow.segments) {
            // Lost: sent again and again and never acknowledged as a whole, or resent smaller.
            boolean gone = segment[SEEN] > 1 && (segment[SHRUNK] != 0 || !acknowledged(flow, segment));
            if (gone && segment[IP_LENGTH] > threshold) {
                retransmissions += segment[SEEN] - 1;
                largest = (int) Math.max(largest, segment[IP_LENGTH]);
                smallestLost = (int) Math.min(smallestLost, segment[IP_LENGTH]);
                lost++;
            }
        }
        if (retransmissions < 2) {
            return null;
        }
        int smallerAcknowledged = 0;
        for (long[] segment : flow.segments) {
            if (segment[IP_LENGTH] < smallestLost && acknowledged(flow, segment)) {
                smallerAcknowledged = (int) Math.max(smallerAcknowledged, segment[IP_LENGTH]);
            }
        }
        long smallestLostPayload = Long.MAX_VALUE;
        for (long[] segment : flow.segments) {
            if (segment[IP_LENGTH] == smallestLost) {
                smallestLostPayload = Math.min(smallestLostPayload, segment[PAYLOAD]);
            }
        }
        // A SACK block shorter than any lost segment acknowledges less than one of them: a
        // smaller segment got through.
        long sacked = flow.shortestSack > 0 && flow.shortestSack < smallestLostPayload ? flow.shortestSack : 0;
        if (flow.shrunk) {
            return new Verdict(retransmissions, largest, lost, true,
                    "the sender then sent the same data in smaller segments", true, smallerAcknowledged);
        }
        if (lost >= 2 && smallerAcknowledged > 0) {
            return new Verdict(retransmissions, largest, lost, true, "a segment of " + smallerAcknowledged
                    + " bytes of the same flow was acknowledged while " + lost + " larger ones never were", false,
                    smallerAcknowledged);
        }
        if (lost >= 2 && sacked > 0) {
            return new Verdict(retransmissions, largest, lost, true, "the receiver acknowledged (SACK) a block of "
                    + sacked + " bytes of the same flow, less than one of them, while " + lost
                    + " larger ones never were", false, (int) sacked);
        }
        return new Verdict(retransmissions, largest, lost, false, null, false, smallerAcknowledged);
    }

    /**
     * One finding per flow: the same retransmissions seen at several points (pod, bridge, an any
     * capture) are one cause, counted at the point that saw most of them; proven at one point is
     * proven.
     */
    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        AnalysisContext.Mtu mtu = context.overlayMtu();
        int overlay = mtu == null ? LARGE : mtu.value();
        Map<String, Verdict> byFlow = new LinkedHashMap<>();
        Map<String, List<String>> points = new LinkedHashMap<>();
        Map<String, List<Evidence>> evidence = new LinkedHashMap<>();
        // In the order a HashMap of the flows by their text keys iterates (as the rule kept them).
        Map<String, Flow> byKey = new HashMap<>();
        for (Flow flow : order) {
            byKey.put(flow.key, flow);
        }
        for (Flow flow : byKey.values()) {
            if (flow.icmp) {
                continue;
            }
            Verdict verdict = judge(flow, overlay);
            if (verdict == null) {
                continue;
            }
            byFlow.merge(flow.text, verdict, (a, b) -> {
                Verdict stronger = a.proven() || !b.proven() ? a : b;
                return new Verdict(Math.max(a.retransmissions(), b.retransmissions()), Math.max(a.largest(), b.largest()),
                        Math.max(a.lostSegments(), b.lostSegments()), a.proven() || b.proven(), stronger.proof(),
                        a.shrunk() || b.shrunk(), Math.max(a.smallerAcknowledged(), b.smallerAcknowledged()));
            });
            points.computeIfAbsent(flow.text, k -> new ArrayList<>()).add(flow.point);
            List<Evidence> samples = evidence.computeIfAbsent(flow.text, k -> new ArrayList<>());
            for (Evidence e : flow.evidence) {
                if (samples.size() < 6) {
                    samples.add(e);
                }
            }
        }
        for (Map.Entry<String, Verdict> entry : byFlow.entrySet()) {
            Verdict verdict = entry.getValue();
            String lost = entry.getKey() + " retransmitted segments of " + verdict.largest() + " bytes "
                    + verdict.retransmissions() + " times with no acknowledgment and no ICMP fragmentation-needed";
            String clamp = (context.topologyRecognised() ? "set the pod MTU to " : "set the sender's MTU to ")
                    + (mtu == null ? "the path MTU" : Integer.toString(overlay))
                    + ", or clamp the MSS with 'iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN "
                    + "-j TCPMSS --clamp-mss-to-pmtu'.";
            if (verdict.proven()) {
                findings.add(new Finding(kind(), Severity.ERROR,
                        lost + ", and " + verdict.proof() + ": a path MTU black hole"
                                + (mtu == null ? "." : " (overlay MTU " + overlay + ")."),
                        points.get(entry.getKey()), evidence.get(entry.getKey()), verdict.retransmissions(),
                        "Something drops large packets silently: let ICMP type 3 code 4 through (host firewalls, "
                                + "security groups), " + clamp,
                        Basis.OBSERVED, Confidence.HIGH, checked(verdict), List.of()));
            } else {
                findings.add(new Finding(kind(), Severity.INFO,
                        lost + ". That may be a path MTU black hole, but these packets do not show it: nothing "
                                + "smaller of the flow got through while they did not, and the sender never "
                                + "shrank them, so loss or a device dropping these packets explains it as well.",
                        points.get(entry.getKey()), evidence.get(entry.getKey()), verdict.retransmissions(),
                        "Capture on the receiving side too, or longer: if small segments pass there while large "
                                + "ones never arrive, look for a firewall dropping ICMP type 3 code 4, then "
                                + clamp,
                        Basis.OBSERVED, Confidence.LOW, checked(verdict),
                        List.of("a capture at the receiver, showing whether the large segments arrive",
                                "a longer capture, showing whether the sender ever shrinks them or smaller segments "
                                        + "get through")));
            }
        }
    }
}
