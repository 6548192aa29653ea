package io.tunnelscope.flow;

import io.tunnelscope.collect.NameIds;
import io.tunnelscope.decode.Encapsulation;
import io.tunnelscope.decode.IpProtocols;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.proto.ipv4.Ipv4Header;
import io.tunnelscope.proto.ipv6.Ipv6Header;
import io.tunnelscope.report.FlowSummary;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Inner flows (the innermost IP packet's protocol, addresses and ports, per direction) with their
 * packets and bytes, and the tunnels that carried them. A packet seen at several capture points is
 * counted at each; a flow's totals are those of the point that saw most of it, so a flow crossing
 * eight points is not counted eight times. Bounded: past {@code maxFlows} new flows are counted as
 * untracked rather than kept.
 *
 * <p>Laid out for one cache line or two per packet: an open-addressing table of flow numbers, and
 * one row of longs per flow holding its key, first and last time, the counters of the first point
 * that saw it and the fields of its first tunnel. Further points and tunnels, and the flow's texts,
 * live beside the rows and are touched only when new. Nothing is allocated per packet once a flow
 * and its point and tunnel are known. Not thread-safe; tables filled on several threads are
 * combined with {@link #mergeFrom(FlowTable)}.
 */
public final class FlowTable {
    private static final int MAX_TUNNELS_PER_FLOW = 4;

    // Row layout: one flow, STRIDE longs (48 bytes).
    private static final int KEY = 0;
    private static final int LAST = 1;
    /** Point id of the first point (low 32 bits), points (bits 32-47), tunnels (bits 48-63). */
    private static final int META = 2;
    private static final int PACKETS = 3;
    private static final int BYTES = 4;
    /** Identity of the first tunnel: a 64-bit hash of its kind, VNI and outer addresses. */
    private static final int TUNNEL = 5;
    private static final int STRIDE = 6;
    /** Longs per further point in {@link Extra#points}. */
    private static final int POINT_FIELDS = 5;

    private final int maxFlows;
    private long[] rows = new long[64 * STRIDE];
    /** Flow number + 1 by hash slot; 0 is empty. */
    private int[] slots = new int[128];
    private int count;
    /** First sighting per flow (cold: in time-ordered captures only a new flow sets it). */
    private long[] firsts = new long[64];
    /** Where the first point's first packet of each flow stands in the order of all packets. */
    private long[] firstRelease = new long[64];
    private long[] firstPosition = new long[64];
    /** Packets seen, the order of packets given without one. */
    private long packetsSeen;
    private String[] protocols = new String[64];
    private String[] sources = new String[64];
    private String[] destinations = new String[64];
    /** Per flow, null until it has a second point or a tunnel. */
    private Extra[] extras = new Extra[64];
    private long untrackedPackets;

    /** Point names by id; ids are this table's own. */
    private final NameIds points = new NameIds();

    private final StringBuilder text = new StringBuilder();

    /** What a flow has beyond its row: points after the first, tunnels after the first, texts. */
    private static final class Extra {
        /** [point id, packets, bytes, release, position] of points after the first. */
        long[] points = new long[0];
        /** Tunnel identities, in the order of their first packets; [0] repeats the row's. */
        final long[] tunnels = new long[MAX_TUNNELS_PER_FLOW];
        final String[] tunnelNames = new String[MAX_TUNNELS_PER_FLOW];
        /** Where each tunnel's first packet stands in the order of all packets (release, position). */
        final long[] tunnelRelease = new long[MAX_TUNNELS_PER_FLOW];
        final long[] tunnelPosition = new long[MAX_TUNNELS_PER_FLOW];
    }

    public FlowTable(int maxFlows) {
        this.maxFlows = maxFlows;
    }

    /** Counts one packet seen at {@code point}, the packets in the order they are given. */
    public void packet(String point, long timestampNanos, long wireLength, PacketView view) {
        packet(point, timestampNanos, wireLength, view, packetsSeen, 0);
    }

    /**
     * Counts one packet seen at {@code point} that stands at ({@code release}, {@code position})
     * in the order of all packets (compared as a pair). A flow lists its points in the order of
     * their first packets, also when tables filled with parts of the packets are merged.
     */
    public void packet(String point, long timestampNanos, long wireLength, PacketView view, long release,
                       long position) {
        packetsSeen++;
        int ip = view.innerIpLayer();
        if (ip < 0) {
            return;
        }
        int transport = view.transportLayer(ip);
        int sport = transport < 0 ? -1 : view.sourcePort(transport);
        int dport = transport < 0 ? -1 : view.destinationPort(transport);
        int protocol = view.ipProtocol(ip);
        long key = key(view, ip, protocol, sport, dport);
        int flow = find(key);
        if (flow < 0) {
            if (count >= maxFlows) {
                untrackedPackets++;
                return;
            }
            flow = add(key, IpProtocols.nameOrNumber(protocol), endpoint(view, ip, true, sport),
                    endpoint(view, ip, false, dport));
        }
        count(flow, points.id(point), timestampNanos, timestampNanos, 1, view.ipTotalLength(ip), release, position);
        if (view.encapsulationCount() > 0 && tunnels(flow) < MAX_TUNNELS_PER_FLOW) {
            int outer = view.outerIpLayer();
            long vni = view.vni();
            long tunnel = addresses(view, outer, mix(view.encapsulation(0), vni));
            if (knowsTunnel(flow, tunnel)) {
                return;
            }
            text.setLength(0);
            text.append(Encapsulation.name(view.encapsulation(0)));
            if (vni >= 0) {
                text.append(" vni ").append(vni);
            }
            text.append(' ');
            view.appendSource(outer, text);
            text.append(" > ");
            view.appendDestination(outer, text);
            addTunnel(flow, text.toString(), tunnel, release, position);
        }
    }

    /**
     * Adds everything {@code other} counted: its flows' counters per point, first and last times
     * and tunnels, flows new to this table after this table's own in {@code other}'s first-seen
     * order (those past this table's bound count as untracked), and its untracked packets. Used to
     * combine the tables filled per capture file on several threads.
     */
    public void mergeFrom(FlowTable other) {
        untrackedPackets += other.untrackedPackets;
        long[] theirs = other.rows;
        for (int f = 0; f < other.count; f++) {
            int row = f * STRIDE;
            int flow = find(theirs[row + KEY]);
            Extra extra = other.extras[f];
            if (flow < 0) {
                if (count >= maxFlows) {
                    untrackedPackets += theirs[row + PACKETS];
                    if (extra != null) {
                        for (int p = 0; p < extra.points.length; p += POINT_FIELDS) {
                            untrackedPackets += extra.points[p + 1];
                        }
                    }
                    continue;
                }
                flow = add(theirs[row + KEY], other.protocols[f], other.sources[f], other.destinations[f]);
            }
            long first = other.firsts[f];
            long last = theirs[row + LAST];
            count(flow, points.id(other.points.name((int) theirs[row + META])), first, last,
                    theirs[row + PACKETS], theirs[row + BYTES], other.firstRelease[f], other.firstPosition[f]);
            if (extra == null) {
                continue;
            }
            for (int p = 0; p < extra.points.length; p += POINT_FIELDS) {
                count(flow, points.id(other.points.name((int) extra.points[p])), first, last,
                        extra.points[p + 1], extra.points[p + 2], extra.points[p + 3], extra.points[p + 4]);
            }
            int tunnels = (int) (theirs[row + META] >>> 48);
            for (int t = 0; t < tunnels; t++) {
                addTunnel(flow, extra.tunnelNames[t], extra.tunnels[t], extra.tunnelRelease[t], extra.tunnelPosition[t]);
            }
        }
    }

    // ---------------------------------------------------------------- rows

    private static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32);
    }

    /** The flow number of {@code key}, or -1. */
    private int find(long key) {
        int mask = slots.length - 1;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            int s = slots[i];
            if (s == 0) {
                return -1;
            }
            if (rows[(s - 1) * STRIDE + KEY] == key) {
                return s - 1;
            }
        }
    }

    private int add(long key, String protocol, String source, String destination) {
        int flow = count++;
        if (flow == protocols.length) {
            int n = flow * 2;
            rows = Arrays.copyOf(rows, n * STRIDE);
            firsts = Arrays.copyOf(firsts, n);
            firstRelease = Arrays.copyOf(firstRelease, n);
            firstPosition = Arrays.copyOf(firstPosition, n);
            protocols = Arrays.copyOf(protocols, n);
            sources = Arrays.copyOf(sources, n);
            destinations = Arrays.copyOf(destinations, n);
            extras = Arrays.copyOf(extras, n);
        }
        if (count * 2 > slots.length) {
            rehash(slots.length * 2);
        }
        int row = flow * STRIDE;
        rows[row + KEY] = key;
        firsts[flow] = Long.MAX_VALUE;
        rows[row + LAST] = Long.MIN_VALUE;
        rows[row + META] = -1L & 0xFFFF_FFFFL;
        protocols[flow] = protocol;
        sources[flow] = source;
        destinations[flow] = destination;
        insert(key, flow);
        return flow;
    }

    private void insert(long key, int flow) {
        int mask = slots.length - 1;
        int i = hash(key) & mask;
        while (slots[i] != 0) {
            i = (i + 1) & mask;
        }
        slots[i] = flow + 1;
    }

    private void rehash(int capacity) {
        slots = new int[capacity];
        for (int f = 0; f < count - 1; f++) {
            insert(rows[f * STRIDE + KEY], f);
        }
    }

    private void count(int flow, int point, long first, long last, long packets, long bytes, long release,
                       long position) {
        int row = flow * STRIDE;
        long[] r = rows;
        if (first < r[row + LAST] || r[row + LAST] == Long.MIN_VALUE) {
            firsts[flow] = Math.min(firsts[flow], first);
        }
        r[row + LAST] = Math.max(r[row + LAST], last);
        long meta = r[row + META];
        int firstPoint = (int) meta;
        if (firstPoint == point) {
            r[row + PACKETS] += packets;
            r[row + BYTES] += bytes;
            if (before(release, position, firstRelease[flow], firstPosition[flow])) {
                firstRelease[flow] = release;
                firstPosition[flow] = position;
            }
            return;
        }
        if (firstPoint == -1) {
            r[row + META] = (meta & 0xFFFF_0000_0000_0000L) | (1L << 32) | point;
            r[row + PACKETS] = packets;
            r[row + BYTES] = bytes;
            firstRelease[flow] = release;
            firstPosition[flow] = position;
            return;
        }
        Extra extra = extra(flow);
        long[] points = extra.points;
        for (int p = 0; p < points.length; p += POINT_FIELDS) {
            if (points[p] == point) {
                points[p + 1] += packets;
                points[p + 2] += bytes;
                if (before(release, position, points[p + 3], points[p + 4])) {
                    points[p + 3] = release;
                    points[p + 4] = position;
                }
                return;
            }
        }
        int at = points.length;
        points = Arrays.copyOf(points, at + POINT_FIELDS);
        points[at] = point;
        points[at + 1] = packets;
        points[at + 2] = bytes;
        points[at + 3] = release;
        points[at + 4] = position;
        extra.points = points;
        r[row + META] = meta + (1L << 32);
    }

    private static boolean before(long release, long position, long otherRelease, long otherPosition) {
        return release < otherRelease || release == otherRelease && position < otherPosition;
    }

    private Extra extra(int flow) {
        Extra extra = extras[flow];
        if (extra == null) {
            extra = new Extra();
            extras[flow] = extra;
        }
        return extra;
    }

    private int tunnels(int flow) {
        return (int) (rows[flow * STRIDE + META] >>> 48);
    }

    /**
     * Whether the flow lists the tunnel with this identity (a 64-bit hash of its fields, as the
     * flow key is of the flow's: two tunnels of one flow colliding is not a practical concern).
     */
    private boolean knowsTunnel(int flow, long tunnel) {
        int n = tunnels(flow);
        if (n == 0) {
            return false;
        }
        if (rows[flow * STRIDE + TUNNEL] == tunnel) {
            return true;
        }
        long[] known = extras[flow].tunnels;
        for (int t = 1; t < n; t++) {
            if (known[t] == tunnel) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds a tunnel whose first packet stands at (release, position), unless one with the same text
     * is listed (the text is what the report shows), which then keeps the earlier first packet.
     * The tunnels stay in the order of their first packets, the first {@value
     * #MAX_TUNNELS_PER_FLOW} of them: so tables filled per file merge into what one table would
     * hold.
     */
    private void addTunnel(int flow, String name, long tunnel, long release, long position) {
        int n = tunnels(flow);
        Extra extra = extra(flow);
        int at = -1;
        for (int t = 0; t < n; t++) {
            if (extra.tunnelNames[t].equals(name)) {
                if (!before(release, position, extra.tunnelRelease[t], extra.tunnelPosition[t])) {
                    return;
                }
                at = t;
            }
        }
        if (at < 0) {
            if (n == MAX_TUNNELS_PER_FLOW) {
                at = n - 1;
                if (!before(release, position, extra.tunnelRelease[at], extra.tunnelPosition[at])) {
                    return;
                }
            } else {
                at = n;
                rows[flow * STRIDE + META] += 1L << 48;
                n++;
            }
        }
        extra.tunnelNames[at] = name;
        extra.tunnels[at] = tunnel;
        extra.tunnelRelease[at] = release;
        extra.tunnelPosition[at] = position;
        // Move it forward to its place by first packet (at most three steps).
        for (int t = at; t > 0 && before(extra.tunnelRelease[t], extra.tunnelPosition[t], extra.tunnelRelease[t - 1],
                extra.tunnelPosition[t - 1]); t--) {
            swap(extra, t, t - 1);
        }
        rows[flow * STRIDE + TUNNEL] = extra.tunnels[0];
    }

    private static void swap(Extra extra, int a, int b) {
        long tunnel = extra.tunnels[a];
        extra.tunnels[a] = extra.tunnels[b];
        extra.tunnels[b] = tunnel;
        String name = extra.tunnelNames[a];
        extra.tunnelNames[a] = extra.tunnelNames[b];
        extra.tunnelNames[b] = name;
        long release = extra.tunnelRelease[a];
        extra.tunnelRelease[a] = extra.tunnelRelease[b];
        extra.tunnelRelease[b] = release;
        long position = extra.tunnelPosition[a];
        extra.tunnelPosition[a] = extra.tunnelPosition[b];
        extra.tunnelPosition[b] = position;
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
            h = mix(mix(h, buffer.getLong(s)), buffer.getLong(s + Long.BYTES));
            h = mix(mix(h, buffer.getLong(d)), buffer.getLong(d + Long.BYTES));
        }
        return mix(h, ((long) sport << 32) | (dport & 0xFFFFFFFFL));
    }

    /**
     * Mixes an IP layer's source and destination addresses into {@code h}, read straight from
     * the header (the view offers only IP layers whose addresses were captured).
     */
    private static long addresses(PacketView view, int ip, long h) {
        LayerStack stack = view.stack();
        ByteBuffer buffer = stack.buffer();
        int at = stack.offset(ip);
        if (stack.type(ip) == LayerType.IPV4) {
            // Source and destination are adjacent: one load.
            return mix(h, buffer.getLong(at + Ipv4Header.SOURCE_OFFSET));
        }
        int s = at + Ipv6Header.SOURCE_OFFSET;
        int d = at + Ipv6Header.DESTINATION_OFFSET;
        return mix(mix(mix(mix(h, buffer.getLong(s)), buffer.getLong(s + Long.BYTES)), buffer.getLong(d)),
                buffer.getLong(d + Long.BYTES));
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

    // ---------------------------------------------------------------- results

    /** Flows tracked so far. */
    public int size() {
        return count;
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
        Map<Long, Integer> byKey = new HashMap<>();
        for (int f = 0; f < count; f++) {
            byKey.put(rows[f * STRIDE + KEY], f);
        }
        for (int f : byKey.values()) {
            out.add(summary(f));
        }
        out.sort(Comparator.comparingLong(FlowSummary::bytes).reversed().thenComparing(FlowSummary::source));
        return out.size() > n ? new ArrayList<>(out.subList(0, n)) : out;
    }

    private FlowSummary summary(int flow) {
        int row = flow * STRIDE;
        long meta = rows[row + META];
        Extra extra = extras[flow];
        // Points in the order of their first packets: [release, position, point id, packets, bytes].
        List<long[]> seen = new ArrayList<>();
        seen.add(new long[] {firstRelease[flow], firstPosition[flow], (int) meta, rows[row + PACKETS],
            rows[row + BYTES]});
        if (extra != null) {
            long[] more = extra.points;
            for (int p = 0; p < more.length; p += POINT_FIELDS) {
                seen.add(new long[] {more[p + 3], more[p + 4], more[p], more[p + 1], more[p + 2]});
            }
        }
        seen.sort(Comparator.<long[]>comparingLong(x -> x[0]).thenComparingLong(x -> x[1]));
        // The totals of the point with the most bytes; the first of equals.
        long packets = 0;
        long bytes = 0;
        List<String> pointNames = new ArrayList<>();
        for (long[] point : seen) {
            pointNames.add(points.name((int) point[2]));
            if (point[4] > bytes) {
                packets = point[3];
                bytes = point[4];
            }
        }
        int tunnels = (int) (meta >>> 48);
        List<String> names = tunnels == 0 ? List.of() : List.of(Arrays.copyOf(extra.tunnelNames, tunnels));
        return new FlowSummary(protocols[flow], sources[flow], destinations[flow], packets, bytes,
                firsts[flow], rows[row + LAST], names, List.copyOf(pointNames));
    }
}
