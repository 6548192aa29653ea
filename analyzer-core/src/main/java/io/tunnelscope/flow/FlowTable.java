package io.tunnelscope.flow;

import io.tunnelscope.decode.Encapsulation;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.report.FlowSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
        final String protocol;
        final String source;
        final String destination;
        long firstNanos = Long.MAX_VALUE;
        long lastNanos = Long.MIN_VALUE;
        final Map<String, long[]> perPoint = new LinkedHashMap<>();
        final Set<String> tunnels = new LinkedHashSet<>();

        Flow(String protocol, String source, String destination) {
            this.protocol = protocol;
            this.source = source;
            this.destination = destination;
        }
    }

    private final int maxFlows;
    private final Map<Long, Flow> flows = new HashMap<>();
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
            flow = new Flow(protocolName(protocol), endpoint(view, ip, true, sport), endpoint(view, ip, false, dport));
            flows.put(key, flow);
        }
        flow.firstNanos = Math.min(flow.firstNanos, timestampNanos);
        flow.lastNanos = Math.max(flow.lastNanos, timestampNanos);
        long[] counts = flow.perPoint.computeIfAbsent(point, k -> new long[2]);
        counts[0]++;
        counts[1] += view.ipTotalLength(ip);
        if (view.encapsulationCount() > 0 && flow.tunnels.size() < MAX_TUNNELS_PER_FLOW) {
            int outer = view.outerIpLayer();
            text.setLength(0);
            text.append(Encapsulation.name(view.encapsulation(0)));
            if (view.vni() >= 0) {
                text.append(" vni ").append(view.vni());
            }
            text.append(' ');
            view.appendSource(outer, text);
            text.append(" > ");
            view.appendDestination(outer, text);
            flow.tunnels.add(text.toString());
        }
    }

    private static long key(PacketView view, int ip, int protocol, int sport, int dport) {
        long h = protocol * 0x9E3779B97F4A7C15L;
        if (view.ipVersion(ip) == 4) {
            h = mix(h, view.ipv4Source(ip));
            h = mix(h, view.ipv4Destination(ip));
        } else {
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

    static String protocolName(int protocol) {
        switch (protocol) {
            case 1: return "icmp";
            case 6: return "tcp";
            case 17: return "udp";
            case 58: return "icmpv6";
            default: return Integer.toString(protocol);
        }
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
        for (Flow flow : flows.values()) {
            long packets = 0;
            long bytes = 0;
            for (long[] counts : flow.perPoint.values()) {
                if (counts[1] > bytes) {
                    packets = counts[0];
                    bytes = counts[1];
                }
            }
            out.add(new FlowSummary(flow.protocol, flow.source, flow.destination, packets, bytes, flow.firstNanos,
                    flow.lastNanos, List.copyOf(flow.tunnels), List.copyOf(flow.perPoint.keySet())));
        }
        out.sort(Comparator.comparingLong(FlowSummary::bytes).reversed().thenComparing(FlowSummary::source));
        return out.size() > n ? new ArrayList<>(out.subList(0, n)) : out;
    }
}
