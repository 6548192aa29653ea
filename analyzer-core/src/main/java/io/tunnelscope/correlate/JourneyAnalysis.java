package io.tunnelscope.correlate;

import io.tunnelscope.capture.LinkType;
import io.tunnelscope.decode.Encapsulation;
import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.report.Evidence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Aggregates finished journeys into what the correlation report shows: paths with hop latencies,
 * NAT translations between consecutive points, tunnels with the inner flows they carry, the hosts
 * of the overlay, and tunnel packets lost between underlay captures. Memory grows with the number
 * of distinct paths, translations, tunnels and flows, not with packets (unless journeys are kept).
 */
final class JourneyAnalysis implements JourneyAssembler.Sink {
    private static final int MAX_INNER_FLOWS = 64;
    private static final int MAX_EVIDENCE = 6;

    private final List<CapturePoint> points;
    private final Map<String, long[]> vtepsByName;
    private final boolean keepJourneys;
    /** Tunnel packets by outer header, to tell a packet damaged on the way from a lost one. */
    private final OuterSightings outer;

    private final Map<String, PathStats> paths = new LinkedHashMap<>();
    private final io.tunnelscope.collect.LongObjectMap<PathStats> pathsByPacked = new io.tunnelscope.collect.LongObjectMap<>();
    /** The tunnel statistics of the last tunnel key looked up (consecutive packets share tunnels). */
    private TunnelStats lastTunnel;
    private int lastTunnelEncapsulation = -2;
    private long lastTunnelVni;
    private long lastTunnelSrcHigh;
    private long lastTunnelSrcLow;
    private long lastTunnelDstHigh;
    private long lastTunnelDstLow;
    private HostVotes lastHost;
    /** VTEP of each point index (by its name in the calibration), refreshed as points appear. */
    private long[][] vtepByPoint = new long[0][];
    private long lastLossPair = -1;
    private long[] lastLossCounts;
    private final Map<List<String>, NatStats> nat = new LinkedHashMap<>();
    private final Map<List<Object>, TunnelStats> tunnels = new LinkedHashMap<>();
    private final Map<String, HostVotes> hosts = new TreeMap<>();
    private final Map<Long, long[]> losses = new TreeMap<>();
    private final Map<Long, List<Evidence>> lossEvidence = new HashMap<>();
    private final Set<Integer> ipv4Seen = new HashSet<>();
    private final List<CorrelationReport.Journey> journeys = new ArrayList<>();

    JourneyAnalysis(List<CapturePoint> points, Map<String, long[]> vtepsByName, boolean keepJourneys,
                    OuterSightings outer) {
        this.outer = outer;
        this.points = points;
        this.vtepsByName = vtepsByName;
        this.keepJourneys = keepJourneys;
    }

    /**
     * The hops in the order the packet crossed them: by corrected time, compared at the coarsest
     * timestamp resolution among the hops (a microsecond capture cannot order itself against a
     * nanosecond one within the same microsecond); hops at the same instant (captures in one
     * network namespace may share the kernel's timestamp) by falling TTL, then with the
     * unencapsulated sightings first until the packet has been seen in its tunnel and the tunnel
     * sightings first after that; then by where the device names put the points (outbound:
     * pod, bridge, overlay, underlay; inbound the reverse), then by full-resolution time.
     */
    static List<Observation> order(List<Observation> hops, List<CapturePoint> points) {
        if (hops.size() == 1) {
            return hops;
        }
        long resolution = 1;
        int firstTtl = 0;
        for (Observation hop : hops) {
            resolution = Math.max(resolution, hop.resolutionNanos);
            firstTtl = Math.max(firstTtl, hop.ttl);
        }
        long unit = resolution;
        List<Observation> ordered = new ArrayList<>(hops);
        ordered.sort(Comparator.comparingLong((Observation o) -> Math.floorDiv(o.adjustedNanos, unit))
                .thenComparing(o -> -o.ttl)
                .thenComparingLong(o -> o.adjustedNanos)
                .thenComparingInt(o -> o.point));
        boolean tunnelSeen = false;
        int i = 0;
        while (i < ordered.size()) {
            int j = i + 1;
            Observation first = ordered.get(i);
            while (j < ordered.size()
                    && Math.floorDiv(ordered.get(j).adjustedNanos, unit) == Math.floorDiv(first.adjustedNanos, unit)
                    && ordered.get(j).ttl == first.ttl) {
                j++;
            }
            if (j - i > 1) {
                boolean tunnelFirst = tunnelSeen;
                int direction = !tunnelSeen && first.ttl == firstTtl ? 1 : -1;
                ordered.subList(i, j).sort(Comparator.comparingInt(
                        (Observation o) -> o.encapsulated() == tunnelFirst ? 0 : 1)
                        .thenComparingInt(o -> direction * points.get(o.point).pathRank)
                        .thenComparingLong(o -> o.adjustedNanos).thenComparingInt(o -> o.point));
            }
            for (int k = i; k < j; k++) {
                tunnelSeen |= ordered.get(k).encapsulated();
            }
            i = j;
        }
        return ordered;
    }

    @Override
    public void journey(List<Observation> arrival) {
        List<Observation> hops = order(arrival, points);
        int n = hops.size();
        Observation first = hops.get(0);
        points.get(first.point).firstHops++;
        for (Observation hop : hops) {
            points.get(hop.point).journeys++;
            if (IpAddresses.isIpv4(hop.srcHigh, hop.srcLow) && ipv4Seen.size() < 65536) {
                ipv4Seen.add(IpAddresses.ipv4(hop.srcLow));
                ipv4Seen.add(IpAddresses.ipv4(hop.dstLow));
            }
        }
        recordPath(hops);
        recordNat(hops);
        recordTunnels(hops);
        recordLoss(hops);
        if (keepJourneys) {
            List<CorrelationReport.Hop> out = new ArrayList<>(n);
            for (Observation hop : hops) {
                out.add(new CorrelationReport.Hop(points.get(hop.point).name, hop.frame, hop.timestampNanos,
                        hop.source(true), hop.destination(true), hop.ttl,
                        hop.encapsulated() ? Encapsulation.name(hop.encapsulation) : null,
                        hop.vni >= 0 ? hop.vni : null));
            }
            journeys.add(new CorrelationReport.Journey(out));
        }
    }

    private void recordPath(List<Observation> hops) {
        // Paths of up to 7 hops at points below 256 are packed into a long (the length in the top
        // byte) to find their statistics without building the string key.
        long packed = -1;
        if (hops.size() <= 7) {
            packed = (long) hops.size() << 56;
            for (int i = 0; i < hops.size() && packed != -1; i++) {
                int point = hops.get(i).point;
                packed = point < 256 ? packed | ((long) point << (8 * i)) : -1;
            }
        }
        PathStats stats = packed == -1 ? null : pathsByPacked.get(packed);
        if (stats == null) {
            StringBuilder key = new StringBuilder();
            for (Observation hop : hops) {
                key.append(hop.point).append(',');
            }
            stats = paths.computeIfAbsent(key.toString(), k -> new PathStats(hops));
            if (packed != -1) {
                pathsByPacked.put(packed, stats);
            }
        }
        stats.packets++;
        for (int i = 1; i < hops.size(); i++) {
            stats.latency[i - 1].record(hops.get(i).adjustedNanos - hops.get(i - 1).adjustedNanos);
        }
    }

    /**
     * Compares consecutive sightings. {@code any} captures (Linux cooked) repeat what the device
     * captures show under interface indexes, so when a journey has two or more device sightings
     * the rewrite is placed between those; an {@code any} capture alone is compared with itself.
     * A Linux cooked v1 capture, which sees a packet once per interface with no index, never is.
     */
    private void recordNat(List<Observation> hops) {
        int devices = 0;
        for (Observation hop : hops) {
            if (!isAny(points.get(hop.point))) {
                devices++;
            }
        }
        Observation previous = null;
        for (Observation hop : hops) {
            CapturePoint point = points.get(hop.point);
            if (point.linkType == LinkType.LINUX_SLL || devices >= 2 && isAny(point)) {
                continue;
            }
            if (previous != null) {
                if (!previous.sameSource(hop)) {
                    boolean ports = previous.sourcePort != hop.sourcePort;
                    count("SNAT", previous.source(ports), hop.source(ports), previous, hop, hop.destination(false));
                }
                if (!previous.sameDestination(hop)) {
                    boolean ports = previous.destinationPort != hop.destinationPort;
                    count("DNAT", previous.destination(ports), hop.destination(ports), previous, hop, hop.source(false));
                }
            }
            previous = hop;
        }
    }

    private static boolean isAny(CapturePoint point) {
        return point.linkType == LinkType.LINUX_SLL || point.linkType == LinkType.LINUX_SLL2;
    }

    private void count(String kind, String original, String translated, Observation from, Observation to,
                       String peer) {
        List<String> key = List.of(kind, original, translated, points.get(from.point).name, points.get(to.point).name);
        NatStats stats = nat.computeIfAbsent(key, k -> new NatStats(from.adjustedNanos));
        stats.packets++;
        if (stats.peers.size() < MAX_EVIDENCE) {
            stats.peers.add(peer);
        }
        if (stats.evidence.size() < MAX_EVIDENCE) {
            stats.evidence.add(evidence(from));
            stats.evidence.add(evidence(to));
        }
    }

    private void recordTunnels(List<Observation> hops) {
        TunnelStats seen0 = null;
        List<TunnelStats> seen = null;
        boolean sender = true;
        for (Observation hop : hops) {
            if (!hop.encapsulated()) {
                continue;
            }
            TunnelStats stats = tunnelStats(hop);
            boolean fresh;
            if (seen0 == null) {
                seen0 = stats;
                fresh = true;
            } else if (seen0 == stats || seen != null && seen.contains(stats)) {
                fresh = false;
            } else {
                if (seen == null) {
                    seen = new ArrayList<>(2);
                }
                seen.add(stats);
                fresh = true;
            }
            if (fresh) {
                stats.packets++;
                if (hop.outerDestinationPort >= 0) {
                    stats.outerPorts.add(hop.outerDestinationPort);
                }
                InnerFlowKey flowKey = new InnerFlowKey(hop.protocol, hop.srcHigh, hop.srcLow, hop.sourcePort,
                        hop.dstHigh, hop.dstLow, hop.destinationPort);
                String flow = stats.flowNames.get(flowKey);
                if (flow != null) {
                    stats.innerFlows.merge(flow, 1L, Long::sum);
                } else if (stats.innerFlows.size() < MAX_INNER_FLOWS) {
                    flow = io.tunnelscope.decode.IpProtocols.nameOrNumber(hop.protocol) + " " + hop.source(true) + " " + hop.destination(true);
                    stats.flowNames.put(flowKey, flow);
                    stats.innerFlows.merge(flow, 1L, Long::sum);
                }
            }
            if (sender) {
                // The first tunnel sighting is on the sending side: its outer source is the
                // sender's VTEP, its inner source an address of the sender's subnet.
                HostVotes votes = lastHost;
                if (votes == null || votes.vtepHigh != hop.outerSrcHigh || votes.vtepLow != hop.outerSrcLow) {
                    votes = hosts.computeIfAbsent(IpAddresses.format(hop.outerSrcHigh, hop.outerSrcLow),
                            k -> new HostVotes(hop.outerSrcHigh, hop.outerSrcLow));
                    lastHost = votes;
                }
                votes.backend = Encapsulation.name(hop.encapsulation);
                if (IpAddresses.isIpv4(hop.srcHigh, hop.srcLow) && hop.srcLow != hop.outerSrcLow) {
                    votes.subnets.merge(IpAddresses.ipv4(hop.srcLow) & 0xFFFFFF00, 1L, Long::sum);
                }
                if (hop.innerSourceMac >= 0) {
                    votes.macs.merge(hop.innerSourceMac, 1L, Long::sum);
                }
                sender = false;
            }
        }
    }

    /** An inner flow as the tunnel report names it, without formatting it. */
    private record InnerFlowKey(int protocol, long srcHigh, long srcLow, int sourcePort, long dstHigh, long dstLow,
                                int destinationPort) {
    }

    /** The statistics of the tunnel (kind, VNI, outer addresses) that carried {@code hop}. */
    private TunnelStats tunnelStats(Observation hop) {
        if (lastTunnel != null && lastTunnelEncapsulation == hop.encapsulation && lastTunnelVni == hop.vni
                && lastTunnelSrcHigh == hop.outerSrcHigh && lastTunnelSrcLow == hop.outerSrcLow
                && lastTunnelDstHigh == hop.outerDstHigh && lastTunnelDstLow == hop.outerDstLow) {
            return lastTunnel;
        }
        List<Object> key = List.of(Encapsulation.name(hop.encapsulation), hop.vni,
                IpAddresses.format(hop.outerSrcHigh, hop.outerSrcLow),
                IpAddresses.format(hop.outerDstHigh, hop.outerDstLow));
        TunnelStats stats = tunnels.computeIfAbsent(key, k -> new TunnelStats());
        lastTunnel = stats;
        lastTunnelEncapsulation = hop.encapsulation;
        lastTunnelVni = hop.vni;
        lastTunnelSrcHigh = hop.outerSrcHigh;
        lastTunnelSrcLow = hop.outerSrcLow;
        lastTunnelDstHigh = hop.outerDstHigh;
        lastTunnelDstLow = hop.outerDstLow;
        return stats;
    }

    private long[] vtep(int point) {
        if (vtepByPoint.length != points.size()) {
            vtepByPoint = new long[points.size()][];
            for (CapturePoint p : points) {
                vtepByPoint[p.index] = vtepsByName.get(p.name);
            }
        }
        return vtepByPoint[point];
    }

    /**
     * A tunnel packet first seen on the underlay of its sending VTEP must show on the underlay of
     * the receiving VTEP, when that capture was running at the time.
     */
    private void recordLoss(List<Observation> hops) {
        // The first tunnel sighting on the sending host, named by a device capture when one saw it
        // (an any capture repeats the NIC's).
        Observation sent = null;
        Observation named = null;
        for (Observation hop : hops) {
            if (hop.encapsulated()) {
                if (sent == null) {
                    sent = hop;
                    named = hop;
                } else if (isAny(points.get(named.point)) && !isAny(points.get(hop.point)) && sameOuter(sent, hop)) {
                    named = hop;
                }
            }
        }
        if (sent == null) {
            return;
        }
        long[] senderVtep = vtep(sent.point);
        if (senderVtep == null || senderVtep[0] != sent.outerSrcHigh || senderVtep[1] != sent.outerSrcLow) {
            return;
        }
        for (CapturePoint receiver : points) {
            long[] vtep = vtep(receiver.index);
            if (receiver.index == sent.point || vtep == null
                    || vtep[0] != sent.outerDstHigh || vtep[1] != sent.outerDstLow
                    || !covers(receiver, sent.timestampNanos)) {
                continue;
            }
            boolean arrived = outer.seen(sent, receiver.index);
            for (Observation hop : hops) {
                arrived |= hop.point == receiver.index;
            }
            if (receiver.index == named.point) {
                continue;
            }
            long pair = ((long) named.point << 32) | receiver.index;
            long[] counts = pair == lastLossPair ? lastLossCounts : losses.computeIfAbsent(pair, k -> new long[2]);
            lastLossPair = pair;
            lastLossCounts = counts;
            counts[0]++;
            if (!arrived) {
                counts[1]++;
                List<Evidence> samples = lossEvidence.computeIfAbsent(pair, k -> new ArrayList<>());
                if (samples.size() < MAX_EVIDENCE) {
                    samples.add(evidence(named));
                }
            }
        }
    }

    private static boolean sameOuter(Observation a, Observation b) {
        return a.outerSrcHigh == b.outerSrcHigh && a.outerSrcLow == b.outerSrcLow
                && a.outerDstHigh == b.outerDstHigh && a.outerDstLow == b.outerDstLow;
    }

    private Evidence evidence(Observation o) {
        CapturePoint point = points.get(o.point);
        return new Evidence(point.name, point.file, o.frame);
    }

    /** Whether a point's capture was running at {@code nanos} (its clock and the sender's alike). */
    private static boolean covers(CapturePoint point, long nanos) {
        return point.firstNanos <= nanos
                && (!point.exhausted || Math.max(point.lastNanos, point.recordedEndNanos) >= nanos);
    }

    CorrelationReport report(Map<String, Long> offsetsByName, List<String> errors, List<String> limits,
                             long evictedEarly) {
        Set<Long> vtepMacs = new HashSet<>();
        for (HostVotes votes : hosts.values()) {
            vtepMacs.addAll(votes.macs.keySet());
        }
        List<CorrelationReport.Point> pointReports = new ArrayList<>();
        for (CapturePoint point : points) {
            pointReports.add(new CorrelationReport.Point(point.name, point.file, Roles.of(point, vtepMacs),
                    LinkType.name(point.linkType), point.packets));
        }

        List<CorrelationReport.Path> pathReports = new ArrayList<>();
        for (PathStats stats : paths.values()) {
            List<String> names = new ArrayList<>();
            for (int index : stats.points) {
                names.add(points.get(index).name);
            }
            List<CorrelationReport.HopLatency> latencies = new ArrayList<>();
            for (int i = 0; i < stats.latency.length; i++) {
                latencies.add(new CorrelationReport.HopLatency(names.get(i), names.get(i + 1),
                        stats.latency[i].percentile(0.50), stats.latency[i].percentile(0.99)));
            }
            pathReports.add(new CorrelationReport.Path(names, stats.packets, latencies));
        }
        pathReports.sort(Comparator.comparingLong(CorrelationReport.Path::packets).reversed()
                .thenComparing(p -> String.join(",", p.points())));

        List<CorrelationReport.Loss> lossReports = new ArrayList<>();
        losses.forEach((pair, counts) -> lossReports.add(new CorrelationReport.Loss(
                points.get((int) (pair >>> 32)).name, points.get((int) (long) pair).name, counts[0], counts[1],
                lossEvidence.getOrDefault(pair, List.of()))));

        List<CorrelationReport.ClockOffset> offsets = new ArrayList<>();
        for (CapturePoint point : points) {
            offsets.add(new CorrelationReport.ClockOffset(point.name, offsetsByName.getOrDefault(point.name, 0L)));
        }
        List<String> allLimits = new ArrayList<>(limits);
        if (evictedEarly > 0) {
            allLimits.add("match table full: " + evictedEarly + " journeys closed before their window ended");
        }
        return new CorrelationReport(pointReports, topology(pointReports), pathReports, natReports(),
                tunnelReports(), lossReports, offsets, List.copyOf(errors), allLimits, keepJourneys ? journeys : null);
    }

    /**
     * NAT entries; the reverse translation that replies get (the un-SNAT of a masqueraded flow
     * is a DNAT back to the pod) is folded into the entry seen first.
     */
    private List<CorrelationReport.Nat> natReports() {
        List<Map.Entry<List<String>, NatStats>> entries = new ArrayList<>(nat.entrySet());
        entries.sort(Comparator.comparingLong(e -> e.getValue().firstNanos));
        Map<List<String>, long[]> merged = new LinkedHashMap<>();
        Map<List<String>, NatStats> primary = new HashMap<>();
        for (Map.Entry<List<String>, NatStats> entry : entries) {
            List<String> key = entry.getKey();
            String reverseKind = key.get(0).equals("SNAT") ? "DNAT" : "SNAT";
            List<String> reverse = null;
            for (List<String> existing : merged.keySet()) {
                if (existing.get(0).equals(reverseKind) && existing.get(1).equals(key.get(2))
                        && existing.get(2).equals(key.get(1))) {
                    reverse = existing;
                    break;
                }
            }
            if (reverse != null) {
                merged.get(reverse)[1] += entry.getValue().packets;
            } else {
                merged.computeIfAbsent(key, k -> new long[2])[0] += entry.getValue().packets;
                primary.put(key, entry.getValue());
            }
        }
        List<CorrelationReport.Nat> out = new ArrayList<>();
        merged.forEach((key, counts) -> out.add(new CorrelationReport.Nat(key.get(0), key.get(1), key.get(2),
                key.get(3), key.get(4), counts[0], counts[1], List.copyOf(primary.get(key).peers),
                primary.get(key).evidence)));
        out.sort(Comparator.comparingLong((CorrelationReport.Nat n) -> n.packets() + n.replyPackets()).reversed());
        return out;
    }

    private List<CorrelationReport.Tunnel> tunnelReports() {
        List<CorrelationReport.Tunnel> out = new ArrayList<>();
        tunnels.forEach((key, stats) -> {
            List<CorrelationReport.InnerFlow> flows = new ArrayList<>();
            stats.innerFlows.forEach((flow, packets) -> {
                String[] parts = flow.split(" ");
                flows.add(new CorrelationReport.InnerFlow(parts[0], parts[1], parts[2], packets));
            });
            flows.sort(Comparator.comparingLong(CorrelationReport.InnerFlow::packets).reversed());
            long vni = (Long) key.get(1);
            out.add(new CorrelationReport.Tunnel((String) key.get(0), vni >= 0 ? vni : null, (String) key.get(2),
                    (String) key.get(3), List.copyOf(stats.outerPorts), stats.packets, flows));
        });
        out.sort(Comparator.comparingLong(CorrelationReport.Tunnel::packets).reversed());
        return out;
    }

    /**
     * Hosts from the tunnels (VTEP, its MAC, the subnet its packets come from); then subnets of
     * pod captures not already covered (host-gw, or captures without the underlay).
     */
    private CorrelationReport.Topology topology(List<CorrelationReport.Point> pointReports) {
        List<CorrelationReport.Host> out = new ArrayList<>();
        Set<Integer> covered = new HashSet<>();
        for (HostVotes votes : hosts.values()) {
            Integer subnet = argmax(votes.subnets);
            Long mac = argmax(votes.macs);
            if (subnet != null) {
                covered.add(subnet);
            }
            out.add(host(subnet, IpAddresses.format(votes.vtepHigh, votes.vtepLow),
                    mac == null ? null : IpAddresses.formatMac(mac), votes.backend));
        }
        for (int i = 0; i < points.size(); i++) {
            if (!pointReports.get(i).role().equals("pod")) {
                continue;
            }
            CapturePoint point = points.get(i);
            // The pod's own address: what it sends from (packets with an initial TTL); failing
            // that, the one address every packet carries, when only one does.
            Integer own = point.mostFreshSource();
            if (own == null) {
                int candidates = 0;
                for (Map.Entry<Integer, Long> entry : point.addresses().entrySet()) {
                    if (entry.getValue() == point.ipPackets) {
                        own = entry.getKey();
                        candidates++;
                    }
                }
                own = candidates == 1 ? own : null;
            }
            if (own != null && covered.add(own & 0xFFFFFF00)) {
                out.add(host(own & 0xFFFFFF00, null, null, null));
            }
        }
        return new CorrelationReport.Topology(out);
    }

    private CorrelationReport.Host host(Integer subnet, String vtep, String vtepMac, String backend) {
        if (subnet == null) {
            return new CorrelationReport.Host(null, null, null, vtep, vtepMac, backend, List.of());
        }
        List<String> seen = new ArrayList<>();
        String overlay = null;
        if (!"host-gw".equals(backend) && backend != null) {
            overlay = ipv4(subnet);
            if (ipv4Seen.contains(subnet)) {
                seen.add("overlayAddress");
            }
        }
        String gateway = ipv4(subnet + 1);
        boolean gatewaySeen = ipv4Seen.contains(subnet + 1);
        for (CapturePoint point : points) {
            gatewaySeen |= point.arpAddresses.containsKey(subnet + 1);
        }
        if (gatewaySeen) {
            seen.add("gateway");
        }
        if (vtep != null) {
            seen.add("vtep");
        }
        if (vtepMac != null) {
            seen.add("vtepMac");
        }
        return new CorrelationReport.Host(ipv4(subnet) + "/24", overlay, gateway, vtep, vtepMac, backend, seen);
    }

    private static String ipv4(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
    }

    private static <K> K argmax(Map<K, Long> votes) {
        K best = null;
        long most = -1;
        for (Map.Entry<K, Long> entry : votes.entrySet()) {
            if (entry.getValue() > most) {
                best = entry.getKey();
                most = entry.getValue();
            }
        }
        return best;
    }


    private static final class PathStats {
        final int[] points;
        final LatencyHistogram[] latency;
        long packets;

        PathStats(List<Observation> hops) {
            points = new int[hops.size()];
            for (int i = 0; i < points.length; i++) {
                points[i] = hops.get(i).point;
            }
            latency = new LatencyHistogram[Math.max(0, points.length - 1)];
            Arrays.setAll(latency, i -> new LatencyHistogram());
        }
    }

    private static final class NatStats {
        final long firstNanos;
        long packets;
        final List<Evidence> evidence = new ArrayList<>();
        final Set<String> peers = new java.util.TreeSet<>();

        NatStats(long firstNanos) {
            this.firstNanos = firstNanos;
        }
    }

    private static final class TunnelStats {
        long packets;
        final Set<Integer> outerPorts = new java.util.TreeSet<>();
        final Map<String, Long> innerFlows = new LinkedHashMap<>();
        /** The names of the flows in {@link #innerFlows}, by their fields. */
        final Map<InnerFlowKey, String> flowNames = new HashMap<>();
    }

    private static final class HostVotes {
        final long vtepHigh;
        final long vtepLow;
        String backend;
        final Map<Integer, Long> subnets = new HashMap<>();
        final Map<Long, Long> macs = new HashMap<>();

        HostVotes(long vtepHigh, long vtepLow) {
            this.vtepHigh = vtepHigh;
            this.vtepLow = vtepLow;
        }
    }
}
