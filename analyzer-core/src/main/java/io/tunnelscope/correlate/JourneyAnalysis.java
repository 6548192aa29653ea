package io.tunnelscope.correlate;

import io.tunnelscope.capture.LinkType;
import io.tunnelscope.collect.LongCounter;
import io.tunnelscope.collect.LongHashSet;
import io.tunnelscope.collect.LongObjectMap;
import io.tunnelscope.collect.LongTupleMap;
import io.tunnelscope.decode.Addresses;
import io.tunnelscope.decode.Encapsulation;
import io.tunnelscope.decode.IpProtocols;
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
 * Aggregates finished journeys into what the correlation report shows: paths (one hop per device,
 * in the order the packet crossed them: {@link CausalOrder}) with hop latencies, NAT translations
 * between consecutive devices, tunnels with the inner flows they carry, the hosts of the overlay,
 * and where packets were lost ({@link LossAnalysis}). Memory grows with the number of distinct
 * paths, translations, tunnels and flows, not with packets (unless journeys are kept).
 *
 * <p>A journey whose path, translations, tunnel, flow and host were seen before allocates
 * nothing: its hops are ordered in reused arrays, and each fact is found by its numbers (device
 * indexes, address bits, ports) in primitive-keyed maps; the strings the report shows are built
 * once, when a fact is new.
 */
final class JourneyAnalysis implements JourneyAssembler.Sink {
    private static final int MAX_INNER_FLOWS = 64;
    private static final int MAX_EVIDENCE = 6;
    /** NAT kinds in the numeric key of a translation. */
    private static final int SNAT = 0;
    private static final int DNAT = 1;

    private final List<CapturePoint> points;
    private final HostModel model;
    private final boolean keepJourneys;
    private final CausalOrder order;
    private final LossAnalysis losses;
    /** Journeys with fewer hops than this are not kept (1: every journey). */
    private int keepFromHops = 1;

    /** The hops of the journey being analysed, in order (reused). */
    private Observation[] ordered = new Observation[8];
    private final Map<String, PathStats> paths = new LinkedHashMap<>();
    private final LongObjectMap<PathStats> pathsByPacked = new LongObjectMap<>();
    /** The tunnel statistics of the last tunnel key looked up (consecutive packets share tunnels). */
    private TunnelStats lastTunnel;
    private int lastTunnelEncapsulation = -2;
    private long lastTunnelVni;
    private long lastTunnelSrcHigh;
    private long lastTunnelSrcLow;
    private long lastTunnelDstHigh;
    private long lastTunnelDstLow;
    private HostVotes lastHost;
    /** NAT entries by the report's key (kind, original, translated, from, to) as strings. */
    private final Map<List<String>, NatStats> nat = new LinkedHashMap<>();
    /** The same entries by the numbers their key is made of; see {@link #count}. */
    private final LongTupleMap<NatStats> natByNumbers = new LongTupleMap<>(6);
    private final long[] natKey = new long[6];
    /** Tunnels by (kind name, VNI, outer source, outer destination) as the report shows them. */
    private final Map<List<Object>, TunnelStats> tunnels = new LinkedHashMap<>();
    /** The same tunnels by (kind, VNI, outer source and destination address bits). */
    private final LongTupleMap<TunnelStats> tunnelsByNumbers = new LongTupleMap<>(6);
    private final long[] tunnelKey = new long[6];
    private final long[] flowKey = new long[6];
    /** Hosts by VTEP address as text (the report's order), and by its bits. */
    private final Map<String, HostVotes> hosts = new TreeMap<>();
    /** Inner MACs per directed tunnel, to tell a VTEP's MAC from a mirror's copies of pod frames. */
    private final TunnelMacs tunnelMacs = new TunnelMacs();
    private final LongTupleMap<HostVotes> hostsByNumbers = new LongTupleMap<>(2);
    private final long[] hostKey = new long[2];
    /** Inner IPv4 addresses seen (as ints), up to 65536 and a few. */
    private final LongHashSet ipv4Seen = new LongHashSet(1024);
    /**
     * The /64 prefixes (an address's high half) whose ::0 and whose ::1 were seen as inner
     * addresses: flannel-v6.1's address and the pods' gateway (cni0) of a node's IPv6 subnet.
     */
    private final LongHashSet ipv6ZeroSeen = new LongHashSet(64);
    private final LongHashSet ipv6OneSeen = new LongHashSet(64);
    private final List<CorrelationReport.Journey> journeys = new ArrayList<>();
    /** The cluster's pod network as the user gave it, or null. */
    private String clusterCidr;

    /** Keeps (with {@code keepJourneys}) only the journeys of at least {@code hops} hops. */
    void keepJourneysFrom(int hops) {
        this.keepFromHops = hops;
    }

    JourneyAnalysis(List<CapturePoint> points, HostModel model, boolean keepJourneys, OuterSightings outer) {
        this.points = points;
        this.model = model;
        this.keepJourneys = keepJourneys;
        this.order = new CausalOrder(points, model.devices);
        this.losses = new LossAnalysis(points, model, outer, order);
    }

    /** The cluster's pod network ({@code --cluster-cidr}), or null. */
    void clusterCidr(String cidr) {
        this.clusterCidr = cidr;
    }

    @Override
    public void journey(List<Observation> arrival) {
        int n = arrival.size();
        if (ordered.length < n) {
            ordered = new Observation[Math.max(n, ordered.length * 2)];
        }
        Observation[] hops = ordered;
        for (int i = 0; i < n; i++) {
            Observation hop = arrival.get(i);
            if (hop.device < 0) {
                hop.device = points.get(hop.point).device.index;
            }
            hops[i] = hop;
        }
        separateRepeats(hops, n);
        int groups = order.order(hops, n);
        for (int i = order.start(0); i < (groups > 1 ? order.start(1) : n); i++) {
            points.get(hops[i].point).firstHops++;
        }
        for (int i = 0; i < n; i++) {
            Observation hop = hops[i];
            points.get(hop.point).journeys++;
            if (IpAddresses.isIpv4(hop.srcHigh, hop.srcLow)) {
                if (ipv4Seen.size() < 65536) {
                    ipv4Seen.add(IpAddresses.ipv4(hop.srcLow));
                    ipv4Seen.add(IpAddresses.ipv4(hop.dstLow));
                }
            } else if (ipv6ZeroSeen.size() < 65536 && ipv6OneSeen.size() < 65536) {
                seenIpv6(hop.srcHigh, hop.srcLow);
                seenIpv6(hop.dstHigh, hop.dstLow);
            }
        }
        recordPath(hops, n, groups);
        recordNat(hops, groups);
        recordTunnels(hops, n);
        losses.journey(hops, n, groups);
        if (keepJourneys && n >= keepFromHops) {
            List<CorrelationReport.Hop> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Observation hop = hops[i];
                Device device = model.devices.get(hop.device);
                out.add(new CorrelationReport.Hop(points.get(hop.point).name, device.host.name, device.name,
                        hop.frame, hop.timestampNanos, hop.source(true), hop.destination(true), hop.ttl,
                        hop.encapsulated() ? Encapsulation.name(hop.encapsulation) : null,
                        hop.vni >= 0 ? hop.vni : null));
            }
            journeys.add(new CorrelationReport.Journey(out));
        }
        Arrays.fill(hops, 0, n, null);
    }

    private void seenIpv6(long high, long low) {
        if (low == 0) {
            ipv6ZeroSeen.add(high);
        } else if (low == 1) {
            ipv6OneSeen.add(high);
        }
    }

    /**
     * An {@code any} capture without interface index (Linux cooked v1) sees one packet once per
     * device; two sightings at one of its points (the same direction and address: a bridge and
     * the port it forwards to) are two devices, the later one the next along the path.
     */
    private void separateRepeats(Observation[] hops, int n) {
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (hops[i].point == hops[j].point) {
                    Observation later = hops[i].adjustedNanos > hops[j].adjustedNanos ? hops[i] : hops[j];
                    if (later.device == points.get(later.point).device.index) {
                        later.device = model.sibling(model.devices.get(later.device)).index;
                    }
                }
            }
        }
    }

    private void recordPath(Observation[] hops, int n, int groups) {
        // Paths of up to 7 devices below 256 are packed into a long (the length in the top byte)
        // to find their statistics without building the string key.
        long packed = -1;
        if (groups <= 7) {
            packed = (long) groups << 56;
            for (int k = 0; k < groups && packed != -1; k++) {
                int device = order.device(k);
                packed = device < 256 ? packed | ((long) device << (8 * k)) : -1;
            }
        }
        PathStats stats = packed == -1 ? null : pathsByPacked.get(packed);
        if (stats == null) {
            StringBuilder key = new StringBuilder();
            int[] devicesOfPath = new int[groups];
            for (int k = 0; k < groups; k++) {
                key.append(order.device(k)).append(',');
                devicesOfPath[k] = order.device(k);
            }
            stats = paths.computeIfAbsent(key.toString(), k -> new PathStats(devicesOfPath));
            if (packed != -1) {
                pathsByPacked.put(packed, stats);
            }
        }
        stats.packets++;
        for (int k = 0; k < groups; k++) {
            int end = k + 1 < groups ? order.start(k + 1) : n;
            for (int i = order.start(k); i < end; i++) {
                stats.sawPoint(k, hops[i].point);
            }
            if (k > 0) {
                // Within the coarser of the two timestamps' resolutions the order cannot be wrong.
                long latency = order.time(k) - order.time(k - 1);
                long unit = Math.max(hops[order.start(k)].resolutionNanos, hops[order.start(k - 1)].resolutionNanos);
                stats.latency(k - 1, latency < 0 && -latency < unit ? 0 : latency);
            }
        }
    }

    /**
     * Compares consecutive devices of the path (the first sighting of each: every capture of one
     * device shows the packet alike).
     */
    private void recordNat(Observation[] hops, int groups) {
        for (int k = 1; k < groups; k++) {
            Observation previous = hops[order.start(k - 1)];
            Observation hop = hops[order.start(k)];
            if (!previous.sameSource(hop)) {
                boolean ports = previous.sourcePort != hop.sourcePort;
                count(SNAT, previous.srcHigh, previous.srcLow, ports ? previous.sourcePort : -1,
                        hop.srcHigh, hop.srcLow, ports ? hop.sourcePort : -1, previous, hop,
                        hop.dstHigh, hop.dstLow);
            }
            if (!previous.sameDestination(hop)) {
                boolean ports = previous.destinationPort != hop.destinationPort;
                count(DNAT, previous.dstHigh, previous.dstLow, ports ? previous.destinationPort : -1,
                        hop.dstHigh, hop.dstLow, ports ? hop.destinationPort : -1, previous, hop,
                        hop.srcHigh, hop.srcLow);
            }
        }
    }

    /**
     * Counts one translation: {@code kind} ({@link #SNAT} or {@link #DNAT}) of the address (and
     * port, unless -1) {@code original} into {@code translated} between the points of
     * {@code from} and {@code to}; {@code peer} is the address on the other end. Looked up by
     * these numbers; the strings of the report's key are built the first time only.
     */
    private void count(int kind, long originalHigh, long originalLow, int originalPort,
                       long translatedHigh, long translatedLow, int translatedPort,
                       Observation from, Observation to, long peerHigh, long peerLow) {
        long[] key = natKey;
        key[0] = ((long) kind << 62) | ((long) from.device << 31) | to.device;
        key[1] = originalHigh;
        key[2] = originalLow;
        key[3] = ((long) originalPort << 32) | (translatedPort & 0xFFFF_FFFFL);
        key[4] = translatedHigh;
        key[5] = translatedLow;
        NatStats stats = natByNumbers.get(key);
        if (stats == null) {
            List<String> names = List.of(kind == SNAT ? "SNAT" : "DNAT",
                    IpAddresses.format(originalHigh, originalLow, originalPort),
                    IpAddresses.format(translatedHigh, translatedLow, translatedPort),
                    model.devices.get(from.device).primary().name, model.devices.get(to.device).primary().name);
            stats = nat.computeIfAbsent(names, k -> new NatStats(from.adjustedNanos));
            natByNumbers.put(key, stats);
        }
        stats.packets++;
        stats.peer(peerHigh, peerLow);
        if (stats.evidence.size() < MAX_EVIDENCE) {
            stats.evidence.add(evidence(from));
            stats.evidence.add(evidence(to));
        }
    }

    private void recordTunnels(Observation[] hops, int n) {
        TunnelStats seen0 = null;
        List<TunnelStats> seen = null;
        boolean sender = true;
        for (int i = 0; i < n; i++) {
            Observation hop = hops[i];
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
                tunnelMacs.add(hop);
                stats.packets++;
                stats.outerPort(hop.outerDestinationPort);
                countInnerFlow(stats, hop);
            }
            if (sender) {
                // The first tunnel sighting is on the sending side: its outer source is the
                // sender's VTEP, its inner source an address of the sender's subnet.
                HostVotes votes = hostVotes(hop.outerSrcHigh, hop.outerSrcLow);
                votes.backend = Encapsulation.name(hop.encapsulation);
                if (IpAddresses.isIpv4(hop.srcHigh, hop.srcLow) && hop.srcLow != hop.outerSrcLow) {
                    votes.subnets.add(IpAddresses.ipv4(hop.srcLow) & 0xFFFFFF00);
                } else if (!IpAddresses.isIpv4(hop.srcHigh, hop.srcLow)
                        && !IpAddresses.linkScoped(hop.srcHigh, hop.srcLow, hop.dstHigh, hop.dstLow)
                        && (hop.srcHigh != hop.outerSrcHigh || hop.srcLow != hop.outerSrcLow)) {
                    // IPv6 (flannel-v6.1): flannel hands each node a /64 of its IPv6Network
                    votes.subnets6.add(hop.srcHigh);
                }
                if (hop.innerSourceMac >= 0) {
                    votes.macs.add(hop.innerSourceMac);
                }
                sender = false;
            }
        }
    }

    /**
     * Counts the inner flow of a tunnel packet, found by its numbers; its name (protocol, source,
     * destination) is built when the flow is first seen, for the first {@value #MAX_INNER_FLOWS}.
     */
    private void countInnerFlow(TunnelStats stats, Observation hop) {
        long[] key = flowKey;
        key[0] = ((long) hop.protocol << 32) | (hop.sourcePort & 0xFFFF_FFFFL);
        key[1] = hop.srcHigh;
        key[2] = hop.srcLow;
        key[3] = hop.dstHigh;
        key[4] = hop.dstLow;
        key[5] = hop.destinationPort;
        FlowCount flow = stats.flowsByNumbers.get(key);
        if (flow == null) {
            if (stats.innerFlows.size() >= MAX_INNER_FLOWS) {
                return;
            }
            String name = IpProtocols.nameOrNumber(hop.protocol) + " " + hop.source(true)
                    + " " + hop.destination(true);
            flow = stats.innerFlows.computeIfAbsent(name, k -> new FlowCount());
            stats.flowsByNumbers.put(key, flow);
        }
        flow.packets++;
    }

    /** The votes of the VTEP {@code high/low}: by its numbers, named (for the report) when new. */
    private HostVotes hostVotes(long high, long low) {
        HostVotes votes = lastHost;
        if (votes != null && votes.vtepHigh == high && votes.vtepLow == low) {
            return votes;
        }
        long[] key = hostKey;
        key[0] = high;
        key[1] = low;
        votes = hostsByNumbers.get(key);
        if (votes == null) {
            votes = hosts.computeIfAbsent(IpAddresses.format(high, low), k -> new HostVotes(high, low));
            hostsByNumbers.put(key, votes);
        }
        lastHost = votes;
        return votes;
    }

    /** The statistics of the tunnel (kind, VNI, outer addresses) that carried {@code hop}. */
    private TunnelStats tunnelStats(Observation hop) {
        if (lastTunnel != null && lastTunnelEncapsulation == hop.encapsulation && lastTunnelVni == hop.vni
                && lastTunnelSrcHigh == hop.outerSrcHigh && lastTunnelSrcLow == hop.outerSrcLow
                && lastTunnelDstHigh == hop.outerDstHigh && lastTunnelDstLow == hop.outerDstLow) {
            return lastTunnel;
        }
        long[] numbers = tunnelKey;
        numbers[0] = hop.encapsulation;
        numbers[1] = hop.vni;
        numbers[2] = hop.outerSrcHigh;
        numbers[3] = hop.outerSrcLow;
        numbers[4] = hop.outerDstHigh;
        numbers[5] = hop.outerDstLow;
        TunnelStats stats = tunnelsByNumbers.get(numbers);
        if (stats == null) {
            List<Object> key = List.of(Encapsulation.name(hop.encapsulation), hop.vni,
                    IpAddresses.format(hop.outerSrcHigh, hop.outerSrcLow),
                    IpAddresses.format(hop.outerDstHigh, hop.outerDstLow));
            stats = tunnels.computeIfAbsent(key, k -> new TunnelStats());
            tunnelsByNumbers.put(numbers, stats);
        }
        lastTunnel = stats;
        lastTunnelEncapsulation = hop.encapsulation;
        lastTunnelVni = hop.vni;
        lastTunnelSrcHigh = hop.outerSrcHigh;
        lastTunnelSrcLow = hop.outerSrcLow;
        lastTunnelDstHigh = hop.outerDstHigh;
        lastTunnelDstLow = hop.outerDstLow;
        return stats;
    }

    private Evidence evidence(Observation o) {
        CapturePoint point = points.get(o.point);
        return new Evidence(point.name, point.file, o.frame);
    }

    /** Whether a point's capture was running at {@code nanos} (on the point's own clock). */
    static boolean covers(CapturePoint point, long nanos) {
        return point.firstNanos <= nanos
                && (!point.exhausted || Math.max(point.lastNanos, point.recordedEndNanos) >= nanos);
    }

    CorrelationReport report(List<String> errors, List<String> limits, long evictedEarly) {
        Set<Long> vtepMacs = new HashSet<>();
        for (HostVotes votes : hosts.values()) {
            vtepMacs.addAll(macVotes(votes).keySet());
        }
        String[] roles = new String[model.devices.size()];
        for (Device device : model.devices) {
            roles[device.index] = device.given ? device.role : !device.points.isEmpty() ? Roles.of(device.primary(), vtepMacs)
                    : device.role != null ? device.role : "unknown";
        }
        List<CorrelationReport.Point> pointReports = new ArrayList<>();
        for (CapturePoint point : points) {
            pointReports.add(new CorrelationReport.Point(point.name, point.file, point.host.name, point.device.name,
                    roles[point.device.index], LinkType.name(point.linkType), point.packets));
        }
        List<CorrelationReport.CaptureHost> hostReports = new ArrayList<>();
        for (Host host : model.hosts) {
            if (host.points.isEmpty()) {
                continue;
            }
            List<String> hostPoints = new ArrayList<>();
            for (CapturePoint point : host.points) {
                hostPoints.add(point.name);
            }
            List<CorrelationReport.CaptureDevice> devices = new ArrayList<>();
            for (Device device : host.devices) {
                if (device.points.isEmpty()) {
                    continue;
                }
                List<String> devicePoints = new ArrayList<>();
                for (CapturePoint point : device.points) {
                    devicePoints.add(point.name);
                }
                devices.add(new CorrelationReport.CaptureDevice(device.name, roles[device.index], devicePoints));
            }
            hostReports.add(new CorrelationReport.CaptureHost(host.name, host.source, host.offsetNanos,
                    host.clockBasis, hostPoints, devices));
        }

        List<CorrelationReport.Path> pathReports = new ArrayList<>();
        for (PathStats stats : paths.values()) {
            List<String> names = new ArrayList<>();
            List<CorrelationReport.PathHop> hops = new ArrayList<>();
            for (int k = 0; k < stats.devices.length; k++) {
                Device device = model.devices.get(stats.devices[k]);
                names.add(device.primary().name);
                List<String> seenBy = new ArrayList<>();
                for (int p = 0; p < stats.pointCount[k]; p++) {
                    seenBy.add(points.get(stats.points[k][p]).name);
                }
                hops.add(new CorrelationReport.PathHop(device.host.name, device.name, roles[device.index], seenBy));
            }
            List<CorrelationReport.HopLatency> latencies = new ArrayList<>();
            for (int i = 0; i < stats.latency.length; i++) {
                boolean any = stats.latency[i].count() > 0;
                latencies.add(new CorrelationReport.HopLatency(names.get(i), names.get(i + 1),
                        any ? stats.latency[i].percentile(0.50) : null, any ? stats.latency[i].percentile(0.99) : null,
                        stats.uncertain[i], stats.worstContradiction[i]));
            }
            pathReports.add(new CorrelationReport.Path(names, hops, stats.packets, latencies));
        }
        pathReports.sort(Comparator.comparingLong(CorrelationReport.Path::packets).reversed()
                .thenComparing(p -> String.join(",", p.points())));

        List<CorrelationReport.ClockOffset> offsets = new ArrayList<>();
        for (CapturePoint point : points) {
            offsets.add(new CorrelationReport.ClockOffset(point.name, point.host.offsetNanos));
        }
        List<String> allLimits = new ArrayList<>(limits);
        if (evictedEarly > 0) {
            allLimits.add("match table full: " + evictedEarly + " journeys closed before their window ended");
        }
        List<CorrelationReport.Loss> lossReports = losses.report(device -> roles[device]);
        if (losses.candidatesDropped() > 0) {
            allLimits.add("loss table full: " + losses.candidatesDropped()
                    + " TCP segments lost in the network were not checked against later ACKs");
        }
        return new CorrelationReport(hostReports, pointReports, topology(pointReports), pathReports, natReports(),
                tunnelReports(), lossReports, offsets, List.copyOf(errors), allLimits,
                keepJourneys ? journeys : null);
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
            stats.innerFlows.forEach((flow, count) -> {
                String[] parts = flow.split(" ");
                flows.add(new CorrelationReport.InnerFlow(parts[0], parts[1], parts[2], count.packets));
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
            Integer subnet = argmax(votes.subnetVotes());
            Long mac = argmax(macVotes(votes));
            if (subnet != null) {
                covered.add(subnet);
            }
            String captured = null;
            for (Host host : model.hosts) {
                if (host.isVtep(votes.vtepHigh, votes.vtepLow) && !host.points.isEmpty()) {
                    captured = host.name;
                }
            }
            String vtep = IpAddresses.format(votes.vtepHigh, votes.vtepLow);
            String vtepMac = mac == null ? null : IpAddresses.formatMac(mac);
            Long prefix = subnet == null ? argmax(votes.subnet6Votes()) : null;
            out.add(prefix != null ? host6(captured, prefix, vtep, vtepMac, votes.backend)
                    : host(captured, subnet, vtep, vtepMac, votes.backend));
        }
        for (int i = 0; i < points.size(); i++) {
            String role = pointReports.get(i).role();
            if (!role.equals("pod") && !role.equals("veth")) {
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
                out.add(host(point.host.name, own & 0xFFFFFF00, null, null, null));
            }
        }
        return new CorrelationReport.Topology(clusterCidr, out);
    }

    private CorrelationReport.Host host(String captured, Integer subnet, String vtep, String vtepMac,
                                        String backend) {
        if (subnet == null) {
            return new CorrelationReport.Host(captured, null, null, null, vtep, vtepMac, backend, List.of());
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
        if (!gatewaySeen && calicoGateway(subnet)) {
            gateway = ipv4(CALICO_GATEWAY);
            gatewaySeen = true;
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
        return new CorrelationReport.Host(captured, ipv4(subnet) + "/24", overlay, gateway, vtep, vtepMac, backend,
                seen);
    }

    /**
     * A node of an IPv6 pod network (flannel-v6.1): its /64, flannel-v6.1's address (the
     * prefix's ::0, which flannel gives it as /128) and the pods' gateway (::1 on cni0).
     */
    private CorrelationReport.Host host6(String captured, long prefix, String vtep, String vtepMac, String backend) {
        List<String> seen = new ArrayList<>();
        String overlay = null;
        if (!"host-gw".equals(backend) && backend != null) {
            overlay = IpAddresses.format(prefix, 0);
            if (ipv6ZeroSeen.contains(prefix)) {
                seen.add("overlayAddress");
            }
        }
        if (ipv6OneSeen.contains(prefix)) {
            seen.add("gateway");
        }
        if (vtep != null) {
            seen.add("vtep");
        }
        if (vtepMac != null) {
            seen.add("vtepMac");
        }
        return new CorrelationReport.Host(captured, IpAddresses.format(prefix, 0) + "/64", overlay,
                IpAddresses.format(prefix, 1), vtep, vtepMac, backend, seen);
    }

    /**
     * Calico's pod gateway: every pod routes via the link-local 169.254.1.1 on its eth0, which no
     * device has; the host side of the pod's veth answers the pod's ARP for it (proxy ARP). There
     * is then no bridge and no gateway address in the subnet.
     */
    private static final int CALICO_GATEWAY = 0xA9FE0101;

    /** Whether a point saw ARP between an address of the subnet and Calico's 169.254.1.1. */
    private boolean calicoGateway(int subnet) {
        for (CapturePoint point : points) {
            if (point.arpAddresses.containsKey(CALICO_GATEWAY)) {
                for (Integer address : point.arpAddresses.keySet()) {
                    if ((address & 0xFFFFFF00) == subnet) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static String ipv4(int address) {
        return Addresses.ipv4(address);
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


    /** One path: its devices, packets, the points seen at each device, and the latency of each step. */
    private static final class PathStats {
        final int[] devices;
        final LatencyHistogram[] latency;
        /** Per step: packets whose times contradict the order (never recorded as a latency), and the worst. */
        final long[] uncertain;
        final long[] worstContradiction;
        /** Per device: the points that saw it on this path. */
        final int[][] points;
        final int[] pointCount;
        long packets;

        PathStats(int[] devices) {
            this.devices = devices;
            int steps = Math.max(0, devices.length - 1);
            latency = new LatencyHistogram[steps];
            Arrays.setAll(latency, i -> new LatencyHistogram());
            uncertain = new long[steps];
            worstContradiction = new long[steps];
            points = new int[devices.length][2];
            pointCount = new int[devices.length];
        }

        void latency(int step, long nanos) {
            if (nanos >= 0) {
                latency[step].record(nanos);
            } else {
                uncertain[step]++;
                worstContradiction[step] = Math.max(worstContradiction[step], -nanos);
            }
        }

        void sawPoint(int hop, int point) {
            int[] seen = points[hop];
            for (int i = 0; i < pointCount[hop]; i++) {
                if (seen[i] == point) {
                    return;
                }
            }
            if (pointCount[hop] == seen.length) {
                points[hop] = seen = Arrays.copyOf(seen, seen.length * 2);
            }
            seen[pointCount[hop]++] = point;
        }
    }

    private static final class NatStats {
        final long firstNanos;
        long packets;
        final List<Evidence> evidence = new ArrayList<>();
        /** Up to {@value #MAX_EVIDENCE} addresses at the other end, as text. */
        final Set<String> peers = new java.util.TreeSet<>();
        /** The peers already in {@link #peers}, as address bits (high, low pairs). */
        private long[] peerBits = new long[2 * MAX_EVIDENCE];
        private int peerCount;

        NatStats(long firstNanos) {
            this.firstNanos = firstNanos;
        }

        /** Adds the peer {@code high/low} while fewer than {@value #MAX_EVIDENCE} are known. */
        void peer(long high, long low) {
            for (int i = 0; i < peerCount; i += 2) {
                if (peerBits[i] == high && peerBits[i + 1] == low) {
                    return;
                }
            }
            if (peers.size() >= MAX_EVIDENCE) {
                return;
            }
            peers.add(IpAddresses.format(high, low));
            if (peerCount == peerBits.length) {
                peerBits = Arrays.copyOf(peerBits, peerCount * 2);
            }
            peerBits[peerCount++] = high;
            peerBits[peerCount++] = low;
        }
    }

    /** Packets of one inner flow of a tunnel. */
    private static final class FlowCount {
        long packets;
    }

    private static final class TunnelStats {
        long packets;
        final Set<Integer> outerPorts = new java.util.TreeSet<>();
        /** The ports already in {@link #outerPorts}. */
        private final java.util.BitSet outerPortSeen = new java.util.BitSet();
        /** Inner flows by name ("protocol source destination"), in the order first seen. */
        final Map<String, FlowCount> innerFlows = new LinkedHashMap<>();
        /** The same flows by (protocol and source port, source, destination, destination port). */
        final LongTupleMap<FlowCount> flowsByNumbers = new LongTupleMap<>(6);

        /** Records an outer destination port (none when negative). */
        void outerPort(int port) {
            if (port >= 0 && !outerPortSeen.get(port)) {
                outerPortSeen.set(port);
                outerPorts.add(port);
            }
        }
    }

    /**
     * A sending VTEP's MAC votes, without the MACs it sent only in tunnels that carry both
     * directions of a conversation (a mirror's copies of pod frames): when those were all its
     * journeys' first tunnel sightings, the MACs of its one-way tunnels instead.
     */
    private Map<Long, Long> macVotes(HostVotes votes) {
        Map<Long, Long> all = votes.macVotes();
        if (!tunnelMacs.anyTwoWay()) {
            return all;
        }
        Map<Long, Long> out = new HashMap<>();
        for (int i = 0; i < votes.macs.size(); i++) {
            long mac = votes.macs.key(i);
            if (!tunnelMacs.onlyMirrored(votes.vtepHigh, votes.vtepLow, mac)) {
                out.merge(mac, votes.macs.count(i), Long::sum);
            }
        }
        return out.isEmpty() ? tunnelMacs.macVotes(votes.vtepHigh, votes.vtepLow) : out;
    }

    private static final class HostVotes {
        final long vtepHigh;
        final long vtepLow;
        String backend;
        /** Inner source /24 subnets (as ints) and inner source MACs, counted in the order first seen. */
        final LongCounter subnets = new LongCounter();
        /** Inner IPv6 source /64 prefixes (an address's high half), counted the same way. */
        final LongCounter subnets6 = new LongCounter();
        final LongCounter macs = new LongCounter();

        HostVotes(long vtepHigh, long vtepLow) {
            this.vtepHigh = vtepHigh;
            this.vtepLow = vtepLow;
        }

        /**
         * The subnet votes as the HashMap the votes were once merged into: merged again key by
         * key in the order first seen, so it iterates (and breaks ties in argmax) the same way.
         */
        Map<Integer, Long> subnetVotes() {
            Map<Integer, Long> votes = new HashMap<>();
            for (int i = 0; i < subnets.size(); i++) {
                votes.merge((int) subnets.key(i), subnets.count(i), Long::sum);
            }
            return votes;
        }

        /** The IPv6 /64 votes, rebuilt as {@link #subnetVotes} is. */
        Map<Long, Long> subnet6Votes() {
            Map<Long, Long> votes = new HashMap<>();
            for (int i = 0; i < subnets6.size(); i++) {
                votes.merge(subnets6.key(i), subnets6.count(i), Long::sum);
            }
            return votes;
        }

        /** The MAC votes, rebuilt as {@link #subnetVotes} is. */
        Map<Long, Long> macVotes() {
            Map<Long, Long> votes = new HashMap<>();
            for (int i = 0; i < macs.size(); i++) {
                votes.merge(macs.key(i), macs.count(i), Long::sum);
            }
            return votes;
        }
    }
}
