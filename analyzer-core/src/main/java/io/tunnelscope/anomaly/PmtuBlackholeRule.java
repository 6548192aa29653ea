package io.tunnelscope.anomaly;

import io.tunnelscope.collect.LongObjectMap;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.PacketView;
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
 */
public final class PmtuBlackholeRule implements Rule {
    private static final int LARGE = 1000;
    private static final int MAX_FLOWS = 10_000;
    private static final int MAX_SEGMENTS = 64;

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
        /** Large segments by sequence number: [sequence number, times seen, IP length] each. */
        final LongObjectMap<long[]> largeSegments = new LongObjectMap<>(16);
        /** The same segments, for the finish. */
        final List<long[]> segments = new ArrayList<>();
        long highestAck = -1;
        boolean icmp;
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
        Flow reverse = flows.isEmpty() ? null : find(packet.point(), view, ip, transport, true);
        if (reverse != null && (view.tcpFlags(transport) & 0x10) != 0) {
            reverse.highestAck = Math.max(reverse.highestAck, view.tcpAcknowledgment(transport));
        }
        int payload = view.tcpPayloadLength(transport);
        if (payload < LARGE) {
            return;
        }
        Flow flow = find(packet.point(), view, ip, transport, false);
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
        long[] seen = flow.largeSegments.get(sequence);
        if (seen == null && flow.segments.size() < MAX_SEGMENTS) {
            long[] segment = {sequence, 1, view.ipTotalLength(ip)};
            flow.largeSegments.put(sequence, segment);
            flow.segments.add(segment);
        } else if (seen != null) {
            seen[1]++;
            if (flow.evidence.size() < 6) {
                flow.evidence.add(packet.evidence());
            }
        }
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

    /**
     * One finding per flow: the same retransmissions seen at several points (pod, bridge, an any
     * capture) are one cause, counted at the point that saw most of them.
     */
    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        AnalysisContext.Mtu mtu = context.overlayMtu();
        int overlay = mtu == null ? LARGE : mtu.value();
        Map<String, long[]> byFlow = new LinkedHashMap<>();
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
            long retransmissions = 0;
            int largest = 0;
            for (long[] segment : flow.segments) {
                long ahead = (flow.highestAck - segment[0]) & 0xFFFFFFFFL;
                boolean acknowledged = flow.highestAck >= 0 && ahead > 0 && ahead < (1L << 31);
                if (segment[1] > 1 && !acknowledged && segment[2] > overlay) {
                    retransmissions += segment[1] - 1;
                    largest = (int) Math.max(largest, segment[2]);
                }
            }
            if (retransmissions < 2) {
                continue;
            }
            long[] totals = byFlow.computeIfAbsent(flow.text, k -> new long[2]);
            totals[0] = Math.max(totals[0], retransmissions);
            totals[1] = Math.max(totals[1], largest);
            points.computeIfAbsent(flow.text, k -> new ArrayList<>()).add(flow.point);
            List<Evidence> samples = evidence.computeIfAbsent(flow.text, k -> new ArrayList<>());
            for (Evidence e : flow.evidence) {
                if (samples.size() < 6) {
                    samples.add(e);
                }
            }
        }
        for (Map.Entry<String, long[]> entry : byFlow.entrySet()) {
            long retransmissions = entry.getValue()[0];
            findings.add(new Finding(kind(), Severity.ERROR,
                    entry.getKey() + " retransmitted segments of " + entry.getValue()[1] + " bytes " + retransmissions
                            + " times with no acknowledgment and no ICMP fragmentation-needed: a path MTU black hole"
                            + (mtu == null ? "." : " (overlay MTU " + overlay + ")."),
                    points.get(entry.getKey()), evidence.get(entry.getKey()), retransmissions,
                    "Something drops large packets silently: let ICMP type 3 code 4 through (host firewalls, "
                            + "security groups), set the pod MTU to " + (mtu == null ? "the path MTU" : Integer.toString(overlay))
                            + ", or clamp the MSS with 'iptables -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN "
                            + "-j TCPMSS --clamp-mss-to-pmtu'."));
        }
    }
}
