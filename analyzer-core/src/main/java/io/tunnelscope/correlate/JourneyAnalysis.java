package io.tunnelscope.correlate;

import io.tunnelscope.capture.LinkType;
import io.tunnelscope.collect.LongCounter;
import io.tunnelscope.collect.LongHashSet;
import io.tunnelscope.collect.LongObjectMap;
import io.tunnelscope.collect.LongTupleMap;
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
 * Aggregates finished journeys into what the correlation report shows: paths with hop latencies,
 * NAT translations between consecutive points, tunnels with the inner flows they carry, the hosts
 * of the overlay, and tunnel packets lost between underlay captures. Memory grows with the number
 * of distinct paths, translations, tunnels and flows, not with packets (unless journeys are kept).
 *
 * <p>A journey whose path, translations, tunnel, flow and host were seen before allocates
 * nothing: its hops are sorted in a reused array, and each fact is found by its numbers (point
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
    private final Map<String, long[]> vtepsByName;
    private final boolean keepJourneys;
    /** Journeys with fewer hops than this are not kept (1: every journey). */
    private int keepFromHops = 1;
    /** Tunnel packets by outer header, to tell a packet damaged on the way from a lost one. */
    private final OuterSightings outer;

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
    /** VTEP of each point index (by its name in the calibration), refreshed as points appear. */
    private long[][] vtepByPoint = new long[0][];
    private long lastLossPair = -1;
    private long[] lastLossCounts;
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
    private final LongTupleMap<HostVotes> hostsByNumbers = new LongTupleMap<>(2);
    private final long[] hostKey = new long[2];
    /** Loss counts (sent, lost) by sender and receiver point ({@code sender << 32 | receiver}). */
    private final LongObjectMap<long[]> losses = new LongObjectMap<>();
    /** The same counts in the report's order. */
    private final Map<Long, long[]> lossesInOrder = new TreeMap<>();
    private final LongObjectMap<List<Evidence>> lossEvidence = new LongObjectMap<>();
    /** Inner IPv4 addresses seen (as ints), up to 65536 and a few. */
    private final LongHashSet ipv4Seen = new LongHashSet(1024);
    private final List<CorrelationReport.Journey> journeys = new ArrayList<>();

    /** Keeps (with {@code keepJourneys}) only the journeys of at least {@code hops} hops. */
    void keepJourneysFrom(int hops) {
        this.keepFromHops = hops;
    }

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
        Observation[] ordered = hops.toArray(new Observation[0]);
        sort(ordered, ordered.length, points);
        return new ArrayList<>(Arrays.asList(ordered));
    }

    /**
     * Puts {@code hops[0..n)} in the order {@link #order} describes, in place and allocating
     * nothing: journeys have a few hops, so stable insertion sorts (with the comparisons written
     * out) beat a comparator chain.
     */
    static void sort(Observation[] hops, int n, List<CapturePoint> points) {
        if (n < 2) {
            return;
        }
        long unit = 1;
        int firstTtl = 0;
        for (int i = 0; i < n; i++) {
            unit = Math.max(unit, hops[i].resolutionNanos);
            firstTtl = Math.max(firstTtl, hops[i].ttl);
        }
        for (int i = 1; i < n; i++) {
            Observation hop = hops[i];
            int j = i - 1;
            while (j >= 0 && compareByTime(hops[j], hop, unit) > 0) {
                hops[j + 1] = hops[j];
                j--;
            }
            hops[j + 1] = hop;
        }
        boolean tunnelSeen = false;
        int i = 0;
        while (i < n) {
            Observation first = hops[i];
            long tick = Math.floorDiv(first.adjustedNanos, unit);
            int j = i + 1;
            while (j < n && Math.floorDiv(hops[j].adjustedNanos, unit) == tick && hops[j].ttl == first.ttl) {
                j++;
            }
            if (j - i > 1) {
                boolean tunnelFirst = tunnelSeen;
                int direction = !tunnelSeen && first.ttl == firstTtl ? 1 : -1;
                for (int k = i + 1; k < j; k++) {
                    Observation hop = hops[k];
                    int m = k - 1;
                    while (m >= i && compareAtInstant(hops[m], hop, tunnelFirst, direction, points) > 0) {
                        hops[m + 1] = hops[m];
                        m--;
                    }
                    hops[m + 1] = hop;
                }
            }
            for (int k = i; k < j; k++) {
                tunnelSeen |= hops[k].encapsulated();
            }
            i = j;
        }
    }

    /** Time at the coarsest resolution, falling TTL, full-resolution time, point. */
    private static int compareByTime(Observation a, Observation b, long unit) {
        int c = Long.compare(Math.floorDiv(a.adjustedNanos, unit), Math.floorDiv(b.adjustedNanos, unit));
        if (c == 0) {
            c = Integer.compare(-a.ttl, -b.ttl);
        }
        if (c == 0) {
            c = Long.compare(a.adjustedNanos, b.adjustedNanos);
        }
        return c != 0 ? c : Integer.compare(a.point, b.point);
    }

    /** Tunnel sightings first or last, device position along the direction, time, point. */
    private static int compareAtInstant(Observation a, Observation b, boolean tunnelFirst, int direction,
                                        List<CapturePoint> points) {
        int c = Integer.compare(a.encapsulated() == tunnelFirst ? 0 : 1, b.encapsulated() == tunnelFirst ? 0 : 1);
        if (c == 0) {
            c = Integer.compare(direction * points.get(a.point).pathRank, direction * points.get(b.point).pathRank);
        }
        if (c == 0) {
            c = Long.compare(a.adjustedNanos, b.adjustedNanos);
        }
        return c != 0 ? c : Integer.compare(a.point, b.point);
    }

    @Override
    public void journey(List<Observation> arrival) {
        int n = arrival.size();
        if (ordered.length < n) {
            ordered = new Observation[Math.max(n, ordered.length * 2)];
        }
        Observation[] hops = ordered;
        for (int i = 0; i < n; i++) {
            hops[i] = arrival.get(i);
        }
        sort(hops, n, points);
        Observation first = hops[0];
        points.get(first.point).firstHops++;
        for (int i = 0; i < n; i++) {
            Observation hop = hops[i];
            points.get(hop.point).journeys++;
            if (IpAddresses.isIpv4(hop.srcHigh, hop.srcLow) && ipv4Seen.size() < 65536) {
                ipv4Seen.add(IpAddresses.ipv4(hop.srcLow));
                ipv4Seen.add(IpAddresses.ipv4(hop.dstLow));
            }
        }
        recordPath(hops, n);
        recordNat(hops, n);
        recordTunnels(hops, n);
        recordLoss(hops, n);
        if (keepJourneys && n >= keepFromHops) {
            List<CorrelationReport.Hop> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Observation hop = hops[i];
                out.add(new CorrelationReport.Hop(points.get(hop.point).name, hop.frame, hop.timestampNanos,
                        hop.source(true), hop.destination(true), hop.ttl,
                        hop.encapsulated() ? Encapsulation.name(hop.encapsulation) : null,
                        hop.vni >= 0 ? hop.vni : null));
            }
            journeys.add(new CorrelationReport.Journey(out));
        }
        Arrays.fill(hops, 0, n, null);
    }

    private void recordPath(Observation[] hops, int n) {
        // Paths of up to 7 hops at points below 256 are packed into a long (the length in the top
        // byte) to find their statistics without building the string key.
        long packed = -1;
        if (n <= 7) {
            packed = (long) n << 56;
            for (int i = 0; i < n && packed != -1; i++) {
                int point = hops[i].point;
                packed = point < 256 ? packed | ((long) point << (8 * i)) : -1;
            }
        }
        PathStats stats = packed == -1 ? null : pathsByPacked.get(packed);
        if (stats == null) {
            StringBuilder key = new StringBuilder();
            int[] pointsOfPath = new int[n];
            for (int i = 0; i < n; i++) {
                key.append(hops[i].point).append(',');
                pointsOfPath[i] = hops[i].point;
            }
            stats = paths.computeIfAbsent(key.toString(), k -> new PathStats(pointsOfPath));
            if (packed != -1) {
                pathsByPacked.put(packed, stats);
            }
        }
        stats.packets++;
        for (int i = 1; i < n; i++) {
            stats.latency[i - 1].record(hops[i].adjustedNanos - hops[i - 1].adjustedNanos);
        }
    }

    /**
     * Compares consecutive sightings. {@code any} captures (Linux cooked) repeat what the device
     * captures show under interface indexes, so when a journey has two or more device sightings
     * the rewrite is placed between those; an {@code any} capture alone is compared with itself.
     * A Linux cooked v1 capture, which sees a packet once per interface with no index, never is.
     */
    private void recordNat(Observation[] hops, int n) {
        int devices = 0;
        for (int i = 0; i < n; i++) {
            if (!isAny(points.get(hops[i].point))) {
                devices++;
            }
        }
        Observation previous = null;
        for (int i = 0; i < n; i++) {
            Observation hop = hops[i];
            CapturePoint point = points.get(hop.point);
            if (point.linkType == LinkType.LINUX_SLL || devices >= 2 && isAny(point)) {
                continue;
            }
            if (previous != null) {
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
            previous = hop;
        }
    }

    private static boolean isAny(CapturePoint point) {
        return point.linkType == LinkType.LINUX_SLL || point.linkType == LinkType.LINUX_SLL2;
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
        key[0] = ((long) kind << 62) | ((long) from.point << 31) | to.point;
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
                    points.get(from.point).name, points.get(to.point).name);
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
    private void recordLoss(Observation[] hops, int n) {
        // The first tunnel sighting on the sending host, named by a device capture when one saw it
        // (an any capture repeats the NIC's).
        Observation sent = null;
        Observation named = null;
        for (int i = 0; i < n; i++) {
            Observation hop = hops[i];
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
        for (int r = 0; r < points.size(); r++) {
            CapturePoint receiver = points.get(r);
            long[] vtep = vtep(receiver.index);
            if (receiver.index == sent.point || receiver.index == named.point || vtep == null
                    || vtep[0] != sent.outerDstHigh || vtep[1] != sent.outerDstLow
                    || !covers(receiver, sent.timestampNanos)) {
                continue;
            }
            boolean arrived = false;
            for (int i = 0; i < n && !arrived; i++) {
                arrived = hops[i].point == receiver.index;
            }
            // The outer header tells a packet damaged on the way (new identity) from a lost one.
            arrived = arrived || outer.seen(sent, receiver.index);
            long pair = ((long) named.point << 32) | receiver.index;
            long[] counts = lastLossCounts;
            if (pair != lastLossPair) {
                counts = losses.get(pair);
                if (counts == null) {
                    counts = new long[2];
                    losses.put(pair, counts);
                    lossesInOrder.put(pair, counts);
                }
                lastLossPair = pair;
                lastLossCounts = counts;
            }
            counts[0]++;
            if (!arrived) {
                counts[1]++;
                List<Evidence> samples = lossEvidence.get(pair);
                if (samples == null) {
                    samples = new ArrayList<>();
                    lossEvidence.put(pair, samples);
                }
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
            for (int i = 0; i < votes.macs.size(); i++) {
                vtepMacs.add(votes.macs.key(i));
            }
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
        lossesInOrder.forEach((pair, counts) -> {
            List<Evidence> samples = lossEvidence.get(pair);
            lossReports.add(new CorrelationReport.Loss(points.get((int) (pair >>> 32)).name,
                    points.get((int) (long) pair).name, counts[0], counts[1], samples == null ? List.of() : samples));
        });

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
            Long mac = argmax(votes.macVotes());
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

        PathStats(int[] points) {
            this.points = points;
            latency = new LatencyHistogram[Math.max(0, points.length - 1)];
            Arrays.setAll(latency, i -> new LatencyHistogram());
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

    private static final class HostVotes {
        final long vtepHigh;
        final long vtepLow;
        String backend;
        /** Inner source /24 subnets (as ints) and inner source MACs, counted in the order first seen. */
        final LongCounter subnets = new LongCounter();
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
