package io.tunnelscope.flow;

import io.tunnelscope.collect.LongObjectMap;
import io.tunnelscope.decode.Encapsulation;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.report.FlowSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Inner flows (the innermost IP packet's protocol, addresses and ports, per direction) with their
 * packets and bytes, and the tunnels that carried them. A packet seen at several capture points is
 * counted at each; a flow's totals are those of the point that saw most of it, so a flow crossing
 * eight points is not counted eight times. Bounded: past {@code maxFlows} new flows are counted as
 * untracked rather than kept.
 */
public final class FlowTable {
    private static final int MAX_TUNNELS_PER_FLOW = 4;

    private static final class Flow {
        final long key;
        final String protocol;
        final String source;
        final String destination;
        long firstNanos = Long.MAX_VALUE;
        long lastNanos = Long.MIN_VALUE;
        /** Points in the order first seen, with [packets, bytes] each. */
        String[] points = new String[2];
        long[] counts = new long[4];
        int pointCount;
        final Set<String> tunnels = new LinkedHashSet<>();
        /** The tunnels in {@link #tunnels} by their fields: kind, VNI, outer source and destination. */
        final long[] tunnelFields = new long[MAX_TUNNELS_PER_FLOW * 6];

        Flow(long key, String protocol, String source, String destination) {
            this.key = key;
            this.protocol = protocol;
            this.source = source;
            this.destination = destination;
        }

        /** Index of {@code point}'s counters, added when new. */
        int point(String point) {
            for (int i = 0; i < pointCount; i++) {
                if (points[i] == point) {
                    return i;
                }
            }
            for (int i = 0; i < pointCount; i++) {
                if (points[i].equals(point)) {
                    return i;
                }
            }
            if (pointCount == points.length) {
                points = java.util.Arrays.copyOf(points, pointCount * 2);
                counts = java.util.Arrays.copyOf(counts, pointCount * 4);
            }
            points[pointCount] = point;
            return pointCount++;
        }

        boolean knowsTunnel(long kind, long vni, long srcHigh, long srcLow, long dstHigh, long dstLow) {
            for (int t = 0, at = 0; t < tunnels.size(); t++, at += 6) {
                if (tunnelFields[at] == kind && tunnelFields[at + 1] == vni && tunnelFields[at + 2] == srcHigh
                        && tunnelFields[at + 3] == srcLow && tunnelFields[at + 4] == dstHigh
                        && tunnelFields[at + 5] == dstLow) {
                    return true;
                }
            }
            return false;
        }
    }

    private final int maxFlows;
    private final LongObjectMap<Flow> flows = new LongObjectMap<>(1024);
    /** Flows in the order they were first seen. */
    private final List<Flow> order = new ArrayList<>();
    private long untrackedPackets;
    private final StringBuilder text = new StringBuilder();

    public FlowTable(int maxFlows) {
        this.maxFlows = maxFlows;
    }

    /** Counts one packet seen at {@code point}. */
    public void packet(String point, long timestampNanos, int wireLength, PacketView view) {
        int ip = view.innerIpLayer();
        if (ip < 0) {
            return;
        }
        int transport = view.transportLayer(ip);
        int sport = transport < 0 ? -1 : view.sourcePort(transport);
        int dport = transport < 0 ? -1 : view.destinationPort(transport);
        int protocol = view.ipProtocol(ip);
        long key = key(view, ip, protocol, sport, dport);
        Flow flow = flows.get(key);
        if (flow == null) {
            if (flows.size() >= maxFlows) {
                untrackedPackets++;
                return;
            }
            flow = new Flow(key, io.tunnelscope.decode.IpProtocols.nameOrNumber(protocol), endpoint(view, ip, true, sport),
                    endpoint(view, ip, false, dport));
            flows.put(key, flow);
            order.add(flow);
        }
        flow.firstNanos = Math.min(flow.firstNanos, timestampNanos);
        flow.lastNanos = Math.max(flow.lastNanos, timestampNanos);
        int at = 2 * flow.point(point);
        flow.counts[at]++;
        flow.counts[at + 1] += view.ipTotalLength(ip);
        if (view.encapsulationCount() > 0 && flow.tunnels.size() < MAX_TUNNELS_PER_FLOW) {
            int outer = view.outerIpLayer();
            long kind = view.encapsulation(0);
            long vni = view.vni();
            long srcHigh = view.addressHigh(outer, true);
            long srcLow = view.addressLow(outer, true);
            long dstHigh = view.addressHigh(outer, false);
            long dstLow = view.addressLow(outer, false);
            if (flow.knowsTunnel(kind, vni, srcHigh, srcLow, dstHigh, dstLow)) {
                return;
            }
            text.setLength(0);
            text.append(Encapsulation.name(view.encapsulation(0)));
            if (view.vni() >= 0) {
                text.append(" vni ").append(view.vni());
            }
            text.append(' ');
            view.appendSource(outer, text);
            text.append(" > ");
            view.appendDestination(outer, text);
            int t = flow.tunnels.size();
            if (flow.tunnels.add(text.toString())) {
                long[] fields = flow.tunnelFields;
                fields[6 * t] = kind;
                fields[6 * t + 1] = vni;
                fields[6 * t + 2] = srcHigh;
                fields[6 * t + 3] = srcLow;
                fields[6 * t + 4] = dstHigh;
                fields[6 * t + 5] = dstLow;
            }
        }
    }


    private static long key(PacketView view, int ip, int protocol, int sport, int dport) {
        long h = protocol * 0x9E3779B97F4A7C15L;
        if (view.ipVersion(ip) == 4) {
            h = mix(h, view.ipv4Source(ip));
            h = mix(h, view.ipv4Destination(ip));
        } else if (view.ipVersion(ip) == 6) {
            var buffer = view.stack().buffer();
            int s = view.ipv6SourceOffset(ip);
            int d = view.ipv6DestinationOffset(ip);
            h = mix(mix(h, buffer.getLong(s)), buffer.getLong(s + 8));
            h = mix(mix(h, buffer.getLong(d)), buffer.getLong(d + 8));
        }
        return mix(h, ((long) sport << 32) | (dport & 0xFFFFFFFFL));
    }

    private static long mix(long h, long v) {
        long x = (h ^ v) * 0xBF58476D1CE4E5B9L;
        return x ^ (x >>> 31);
    }

    private String endpoint(PacketView view, int ip, boolean source, int port) {
        text.setLength(0);
        boolean v6 = view.ipVersion(ip) == 6;
        if (v6 && port >= 0) {
            text.append('[');
        }
        if (source) {
            view.appendSource(ip, text);
        } else {
            view.appendDestination(ip, text);
        }
        if (port >= 0) {
            text.append(v6 ? "]:" : ":").append(port);
        }
        return text.toString();
    }


    /** Flows tracked so far. */
    public int size() {
        return flows.size();
    }

    /** Packets of flows that arrived once the table was full. */
    public long untrackedPackets() {
        return untrackedPackets;
    }

    /** The {@code n} flows with the most bytes. */
    public List<FlowSummary> top(int n) {
        List<FlowSummary> out = new ArrayList<>();
        // A HashMap filled in the order flows were first seen iterates as the table did when it
        // was that map (ties in the sort below keep that order).
        Map<Long, Flow> byKey = new HashMap<>();
        for (Flow flow : order) {
            byKey.put(flow.key, flow);
        }
        for (Flow flow : byKey.values()) {
            long packets = 0;
            long bytes = 0;
            for (int i = 0; i < flow.pointCount; i++) {
                if (flow.counts[2 * i + 1] > bytes) {
                    packets = flow.counts[2 * i];
                    bytes = flow.counts[2 * i + 1];
                }
            }
            out.add(new FlowSummary(flow.protocol, flow.source, flow.destination, packets, bytes, flow.firstNanos,
                    flow.lastNanos, List.copyOf(flow.tunnels),
                    List.of(java.util.Arrays.copyOf(flow.points, flow.pointCount))));
        }
        out.sort(Comparator.comparingLong(FlowSummary::bytes).reversed().thenComparing(FlowSummary::source));
        return out.size() > n ? new ArrayList<>(out.subList(0, n)) : out;
    }
}
