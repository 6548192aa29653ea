package io.tunnelscope.correlate;

import io.tunnelscope.proto.vxlan.Vxlan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the calibration pass decides from the journeys it assembled, before the main pass reads
 * the captures again: which host a capture nothing named belongs to (its packets were seen at the
 * same instants as a named host's captures: one kernel timestamped both), which device each
 * interface of an {@code any} capture is (the device capture that saw the same packets at the same
 * instants, else what its packets show), each host's clock offset ({@link ClockOffsets}), and each
 * host's VTEP (the outer source of the tunnel packets it sends first).
 */
final class Calibration {
    /** A journey's sightings on two points at once: same instant, TTL and tunnel state. */
    private static final double SAME_INSTANT_SHARE = 0.5;
    /**
     * The share of a pair's journeys seen at nearly the same instant for two captures to be one
     * machine's: high, since hosts of a lab share one clock and their NICs may see a packet a few
     * microseconds apart now and then.
     */
    private static final double HOST_SHARE = 0.8;
    /**
     * Two captures of one device timestamp a packet a few microseconds apart (each packet socket
     * reads the clock itself); two devices a packet crosses one after the other are further apart.
     */
    private static final long NEAR_NANOS = 5_000;

    private final List<CapturePoint> points;
    private final HostModel model;
    private final CompactJourneys journeys;
    /** Inner source MACs of VXLAN/Geneve packets: the VTEPs' MACs. */
    private final Set<Long> vtepMacs;
    private int[][] same;
    private int[][] near;
    /**
     * Near-instant sightings of a pair (p, q) with p later than q, by the journey's address class
     * (X, Y): two captures of one device see a packet in either order whichever way it goes; two
     * devices it crosses one after the other see it in the order of its direction.
     */
    private int[][] laterX;
    private int[][] laterY;
    private int[][] nearX;
    private int[][] nearY;
    private int[][] shared;

    Calibration(List<CapturePoint> points, HostModel model, CompactJourneys journeys, Set<Long> vtepMacs) {
        this.points = points;
        this.model = model;
        this.journeys = journeys;
        this.vtepMacs = vtepMacs;
    }

    /** Decides hosts, devices, clocks and VTEPs, for the main pass. */
    HostModel.Plan decide() {
        countSameInstants();
        placeUnnamedHosts();
        nameAnyInterfaces();
        for (Device device : model.devices) {
            if (!device.points.isEmpty() && !device.given) {
                device.role = Roles.early(device.primary(), vtepMacs);
            }
        }
        List<Host> hosts = new ArrayList<>();
        for (Host host : model.hosts) {
            if (!host.points.isEmpty()) {
                hosts.add(host);
            }
        }
        int[] compact = new int[model.hosts.size()];
        for (int i = 0; i < hosts.size(); i++) {
            compact[hosts.get(i).index] = i;
        }
        ClockOffsets.Estimate clocks = clocks(hosts, compact);
        Map<String, Long> offsets = new HashMap<>();
        Map<String, String> bases = new HashMap<>();
        for (int i = 0; i < hosts.size(); i++) {
            Host host = hosts.get(i);
            host.offsetNanos = clocks.offsets()[i];
            host.clockBasis = clocks.bases()[i];
            offsets.put(host.name, host.offsetNanos);
            bases.put(host.name, host.clockBasis);
        }
        Map<String, long[]> vteps = vteps();
        if (placeBySubnet()) {
            // Files joined the hosts their pods' subnets belong to: their clocks are those hosts'.
            return decide();
        }
        Map<String, HostModel.Placement> placements = new HashMap<>();
        for (CapturePoint point : points) {
            placements.put(point.name, new HostModel.Placement(point.host.name, point.host.source,
                    point.device.name, point.device.role));
        }
        return new HostModel.Plan(placements, offsets, bases, vteps);
    }

    /**
     * Counts, for every pair of points, the journeys both saw ({@link #shared}) and those both saw
     * at the same instant with the same TTL and tunnel state ({@link #same}): one device, or two
     * captures one kernel timestamped alike.
     */
    private void countSameInstants() {
        int n = points.size();
        same = new int[n][n];
        near = new int[n][n];
        laterX = new int[n][n];
        laterY = new int[n][n];
        nearX = new int[n][n];
        nearY = new int[n][n];
        shared = new int[n][n];
        for (int j = 0; j < journeys.size(); j++) {
            int hops = journeys.hops(j);
            for (int a = 0; a < hops; a++) {
                int p = journeys.point(j, a);
                for (int b = a + 1; b < hops; b++) {
                    int q = journeys.point(j, b);
                    if (p == q) {
                        continue;
                    }
                    shared[p][q]++;
                    shared[q][p]++;
                    long unit = Math.max(journeys.resolution(j, a), journeys.resolution(j, b));
                    long apart = Math.abs(journeys.time(j, a) - journeys.time(j, b));
                    if (journeys.ttl(j, a) != journeys.ttl(j, b)) {
                        continue;
                    }
                    if (journeys.encapsulated(j, a) != journeys.encapsulated(j, b)) {
                        continue;
                    }
                    if (apart < Math.max(unit, 1)) {
                        same[p][q]++;
                        same[q][p]++;
                    }
                    if (apart <= Math.max(unit, 1) + NEAR_NANOS) {
                        near[p][q]++;
                        near[q][p]++;
                        int[][] count = journeys.classX(j) ? nearX : nearY;
                        int[][] later = journeys.classX(j) ? laterX : laterY;
                        count[p][q]++;
                        count[q][p]++;
                        if (apart >= Math.max(unit, 1)) {
                            if (journeys.time(j, a) > journeys.time(j, b)) {
                                later[p][q]++;
                            } else {
                                later[q][p]++;
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * A host nothing named (a file of its own) joins the host one of whose captures saw its
     * packets at nearly the same instants, with the same TTL and tunnel state: the same device
     * seen twice, on one machine. Named hosts never merge.
     */
    private void placeUnnamedHosts() {
        boolean merged = true;
        while (merged) {
            merged = false;
            for (Host unnamed : new ArrayList<>(model.hosts)) {
                if (!unnamed.source.equals("file") || unnamed.points.isEmpty()) {
                    continue;
                }
                Host best = null;
                double bestShare = 0;
                int bestNear = 0;
                for (Host other : model.hosts) {
                    if (other == unnamed || other.points.isEmpty()) {
                        continue;
                    }
                    // The best pair of captures: one device seen twice (by an any capture, say)
                    // shows nearly every packet at nearly the same instant.
                    for (CapturePoint p : unnamed.points) {
                        for (CapturePoint q : other.points) {
                            int together = shared[p.index][q.index];
                            int atOnce = near[p.index][q.index];
                            double share = together == 0 ? 0 : (double) atOnce / together;
                            boolean strong = atOnce >= 3 || atOnce == together && atOnce > 0;
                            if (strong && share >= HOST_SHARE && !inDirectionOrder(p.index, q.index)
                                    && (share > bestShare || share == bestShare && atOnce > bestNear)) {
                                best = other;
                                bestShare = share;
                                bestNear = atOnce;
                            }
                        }
                    }
                }
                if (best != null) {
                    for (CapturePoint p : new ArrayList<>(unnamed.points)) {
                        model.move(p, best, model.device(best, p.device.name, p.device.role));
                    }
                    merged = true;
                }
            }
        }
    }

    /**
     * Whether two captures see packets in the order the packets go (one always first one way,
     * the other first the other way): two devices a packet crosses in turn, not one device seen
     * twice. Needs near-instant sightings both ways; with one way only it cannot tell (false).
     */
    private boolean inDirectionOrder(int p, int q) {
        if (nearX[p][q] < 2 || nearY[p][q] < 2) {
            return false;
        }
        double laterInX = (double) laterX[p][q] / nearX[p][q];
        double laterInY = (double) laterY[p][q] / nearY[p][q];
        return Math.abs(laterInX - laterInY) > 0.6;
    }

    /**
     * Names the interfaces of {@code any} captures: each takes the device of the capture on its
     * host that saw the same packets at the same instants (one to one, best first); the others are
     * named by what they carried (tunnel packets: the NIC; the VTEP MACs: the VXLAN device; raw
     * IP: a TUN device; frames for another host: a pod's veth; else the bridge), with their
     * interface index when the capture gave one.
     */
    private void nameAnyInterfaces() {
        List<int[]> pairs = new ArrayList<>();
        for (CapturePoint p : points) {
            if (!p.anyCapture()) {
                continue;
            }
            String shown = Roles.byContent(p, vtepMacs);
            for (CapturePoint q : p.host.points) {
                if (q.anyCapture() || shared[p.index][q.index] == 0 || near[p.index][q.index] == 0) {
                    continue;
                }
                String named = Roles.early(q, vtepMacs);
                if (shown != null && named != null && !shown.equals(named)) {
                    // Two ends of a veth pair see a packet microseconds apart too: the roles tell them apart.
                    continue;
                }
                if ((double) near[p.index][q.index] / shared[p.index][q.index] >= SAME_INSTANT_SHARE) {
                    pairs.add(new int[] {p.index, q.index});
                }
            }
        }
        // Best first: most sightings at the very same instant, then within a few microseconds.
        pairs.sort(Comparator.comparingInt((int[] pq) -> -(2 * same[pq[0]][pq[1]] + near[pq[0]][pq[1]]))
                .thenComparingInt(pq -> pq[0]).thenComparingInt(pq -> pq[1]));
        Set<Integer> named = new HashSet<>();
        Set<String> taken = new HashSet<>();
        for (int[] pq : pairs) {
            CapturePoint p = points.get(pq[0]);
            CapturePoint q = points.get(pq[1]);
            // An interface index is one device; Linux cooked v1 splits a device by direction and
            // address, so several of its points may be one device.
            boolean indexed = p.linkType != io.tunnelscope.capture.LinkType.LINUX_SLL;
            String claim = p.file + '\u0000' + q.device.index;
            if (named.contains(p.index) || indexed && taken.contains(claim)) {
                continue;
            }
            named.add(p.index);
            if (indexed) {
                taken.add(claim);
            }
            model.move(p, q.host, q.device);
        }
        for (CapturePoint p : points) {
            if (!p.anyCapture() || named.contains(p.index)) {
                continue;
            }
            String role = Roles.byContent(p, vtepMacs);
            if (role == null && p.ipPackets > 0 && !p.loopback) {
                role = "bridge";
            }
            if (role == null) {
                continue;
            }
            // The host's one captured device of that role (when the snaplen cut what would have
            // matched the sightings, say), unless another interface of this capture took it.
            Device only = null;
            int candidates = 0;
            for (Device device : p.host.devices) {
                boolean captured = false;
                for (CapturePoint q : device.points) {
                    captured |= !q.anyCapture();
                }
                if (captured && role.equals(Roles.early(device.primary(), vtepMacs))) {
                    only = device;
                    candidates++;
                }
            }
            boolean indexed = p.linkType != io.tunnelscope.capture.LinkType.LINUX_SLL;
            if (candidates == 1 && (!indexed || taken.add(p.file + '\u0000' + only.index))) {
                model.move(p, p.host, only);
                continue;
            }
            String name = roleWord(role);
            if (p.device.name.startsWith("ifindex")) {
                name = name + "@if" + p.device.name.substring("ifindex".length());
            }
            model.move(p, p.host, model.device(p.host, name, role));
        }
    }

    /** The word a device found by its role is called by. */
    private static String roleWord(String role) {
        switch (role) {
            case "underlay": return "nic";
            case "overlay-vxlan": return Vxlan.DESCRIPTOR.name();
            case "overlay-tun": return "tun";
            default: return role;
        }
    }

    private ClockOffsets.Estimate clocks(List<Host> hosts, int[] compact) {
        ClockOffsets clocks = new ClockOffsets(hosts.size());
        int[] host = new int[16];
        long[] ts = new long[16];
        int[] ttl = new int[16];
        for (int j = 0; j < journeys.size(); j++) {
            int n = journeys.hops(j);
            if (host.length < n) {
                host = new int[n];
                ts = new long[n];
                ttl = new int[n];
            }
            boolean several = false;
            for (int h = 0; h < n; h++) {
                host[h] = compact[points.get(journeys.point(j, h)).host.index];
                ts[h] = journeys.time(j, h);
                ttl[h] = journeys.ttl(j, h);
                several |= host[h] != host[0];
            }
            if (several) {
                clocks.journey(host, ts, ttl, n, journeys.classX(j));
            }
        }
        int reference = 0;
        for (int i = 1; i < hosts.size(); i++) {
            if (hosts.get(i).name.compareTo(hosts.get(reference).name) < 0) {
                reference = i;
            }
        }
        return clocks.estimate(reference);
    }

    /**
     * The VTEP of each host: the first tunnel sighting of a journey is on the sending host (its
     * outer source is the sender's VTEP), the last on the receiving host (the outer destination).
     * A journey with one tunnel sighting votes by what surrounds it.
     */
    private Map<String, long[]> vteps() {
        CausalOrder order = new CausalOrder(points, model.devices);
        Map<Host, Map<String, long[]>> votes = new HashMap<>();
        Observation[] hops = new Observation[0];
        for (int j = 0; j < journeys.size(); j++) {
            int n = journeys.hops(j);
            boolean tunnelled = false;
            for (int h = 0; h < n; h++) {
                tunnelled |= journeys.encapsulated(j, h);
            }
            if (!tunnelled) {
                continue;
            }
            if (hops.length < n) {
                hops = new Observation[n];
                for (int h = 0; h < n; h++) {
                    hops[h] = new Observation();
                }
            }
            journeys.journey(j, hops);
            for (int h = 0; h < n; h++) {
                hops[h].adjustedNanos = hops[h].timestampNanos - points.get(hops[h].point).host.offsetNanos;
            }
            order.order(hops, n);
            int first = -1;
            int last = -1;
            for (int h = 0; h < n; h++) {
                if (hops[h].encapsulated()) {
                    last = h;
                    if (first < 0) {
                        first = h;
                    }
                }
            }
            if (first != last) {
                vote(votes, hops[first], true);
                vote(votes, hops[last], false);
            } else if (first > 0 && first == n - 1) {
                vote(votes, hops[first], true);
            } else if (first == 0 && n > 1) {
                vote(votes, hops[first], false);
            }
        }
        Map<String, long[]> vteps = new HashMap<>();
        votes.forEach((host, tallies) -> {
            // the best of each family: a dual-stack node tunnels IPv4 from its IPv4 address and
            // IPv6 from its IPv6 address
            long[] best = null;
            long[] bestOther = null;
            for (long[] tally : tallies.values()) {
                if (best == null || tally[2] > best[2]) {
                    best = tally;
                }
            }
            boolean bestIpv4 = IpAddresses.isIpv4(best[0], best[1]);
            for (long[] tally : tallies.values()) {
                if (IpAddresses.isIpv4(tally[0], tally[1]) != bestIpv4 && (bestOther == null || tally[2] > bestOther[2])) {
                    bestOther = tally;
                }
            }
            host.vtep = new long[] {best[0], best[1]};
            host.otherVtep = bestOther == null ? null : new long[] {bestOther[0], bestOther[1]};
            // the plan keeps both: {high, low} or {high, low, other high, other low}
            vteps.put(host.name, bestOther == null ? host.vtep
                    : new long[] {best[0], best[1], bestOther[0], bestOther[1]});
        });
        return vteps;
    }

    /**
     * A host nothing named (a file of its own) whose pod-side capture shows a pod of a subnet joins
     * the host that sends that subnet's tunnel packets (its VTEP's inner sources), or whose pods'
     * captures show the same subnet; a nameless NIC capture joins the named host whose pods it
     * carries. True when a file moved.
     */
    private boolean placeBySubnet() {
        // Subnets as IPv4 /24s (ints widened) and IPv6 /64s (an address's high half, marked by
        // IPV6_SUBNET so the two never meet)
        Map<Host, Set<Long>> subnets = new HashMap<>();
        for (CapturePoint point : points) {
            // A pod-side capture's fresh sources (packets with an initial TTL) are its pods; a NIC's
            // tunnel packets carry routed (not fresh) inner packets.
            boolean nic = "underlay".equals(point.device.role);
            Integer own = nic ? null : point.mostFreshSource();
            if (own != null) {
                subnets.computeIfAbsent(point.host, h -> new HashSet<>()).add((long) (own & 0xFFFFFF00));
            }
            long[] own6 = nic ? null : point.mostFreshSource6();
            if (own6 != null) {
                subnets.computeIfAbsent(point.host, h -> new HashSet<>()).add(own6[0] ^ IPV6_SUBNET);
            }
        }
        for (CapturePoint point : points) {
            Set<Integer> sent = point.ownTunnelSubnets();
            if (!sent.isEmpty()) {
                Set<Long> of = subnets.computeIfAbsent(point.host, h -> new HashSet<>());
                sent.forEach(subnet -> of.add((long) subnet));
            }
        }
        for (Host unnamed : model.hosts) {
            if (!unnamed.source.equals("file") || unnamed.points.isEmpty() || !subnets.containsKey(unnamed)) {
                continue;
            }
            List<Host> named = new ArrayList<>();
            Host unnamedHome = null;
            for (Map.Entry<Host, Set<Long>> other : subnets.entrySet()) {
                Host host = other.getKey();
                if (host == unnamed || host.points.isEmpty()
                        || java.util.Collections.disjoint(other.getValue(), subnets.get(unnamed))) {
                    continue;
                }
                if (!host.source.equals("file")) {
                    named.add(host);
                } else if (host.index < unnamed.index && (unnamedHome == null || host.index < unnamedHome.index)) {
                    unnamedHome = host;
                }
            }
            // One named host of that subnet takes it; several would be ambiguous. Nameless files of
            // one subnet gather in the first of them.
            Host home = named.size() == 1 ? named.get(0) : named.isEmpty() ? unnamedHome : null;
            if (home != null) {
                for (CapturePoint p : new ArrayList<>(unnamed.points)) {
                    model.move(p, home, model.device(home, p.device.name, p.device.role));
                }
                return true;
            }
        }
        return false;
    }

    /** Marks an IPv6 /64 among the IPv4 /24s of {@link #placeBySubnet} (the ints widened to longs). */
    private static final long IPV6_SUBNET = 0x5DEECE66DL << 32;

    private void vote(Map<Host, Map<String, long[]>> votes, Observation hop, boolean sender) {
        long high = sender ? hop.outerSrcHigh : hop.outerDstHigh;
        long low = sender ? hop.outerSrcLow : hop.outerDstLow;
        Host host = points.get(hop.point).host;

        votes.computeIfAbsent(host, k -> new HashMap<>())
                .computeIfAbsent(high + "/" + low, k -> new long[] {high, low, 0})[2]++;
    }
}
