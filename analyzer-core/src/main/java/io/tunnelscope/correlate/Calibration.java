package io.tunnelscope.correlate;

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
            if (!device.points.isEmpty()) {
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
                    if (journeys.ttl(j, a) != journeys.ttl(j, b)
                            || journeys.encapsulated(j, a) != journeys.encapsulated(j, b)) {
                        continue;
                    }
                    if (apart < Math.max(unit, 1)) {
                        same[p][q]++;
                        same[q][p]++;
                    }
                    if (apart <= Math.max(unit, 1) + NEAR_NANOS) {
                        near[p][q]++;
                        near[q][p]++;
                    }
                }
            }
        }
    }

    /**
     * A host nothing named (a file of its own) joins the host whose captures saw its packets at
     * the same instants: the same kernel timestamped them. Named hosts never merge.
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
                int bestSame = 0;
                for (Host other : model.hosts) {
                    if (other == unnamed || other.points.isEmpty()) {
                        continue;
                    }
                    int together = 0;
                    int atOnce = 0;
                    for (CapturePoint p : unnamed.points) {
                        for (CapturePoint q : other.points) {
                            together += shared[p.index][q.index];
                            atOnce += same[p.index][q.index];
                        }
                    }
                    double share = together == 0 ? 0 : (double) atOnce / together;
                    boolean strong = atOnce >= 2 || atOnce == together && atOnce > 0;
                    if (strong && share >= SAME_INSTANT_SHARE
                            && (share > bestShare || share == bestShare && atOnce > bestSame)) {
                        best = other;
                        bestShare = share;
                        bestSame = atOnce;
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
            String claim = p.file + '\u0000' + q.device.index;
            if (named.contains(p.index) || taken.contains(claim)) {
                continue;
            }
            named.add(p.index);
            taken.add(claim);
            model.move(p, q.host, q.device);
        }
        for (CapturePoint p : points) {
            if (!p.anyCapture() || named.contains(p.index)) {
                continue;
            }
            String role = Roles.byContent(p, vtepMacs);
            if (role == null && p.ipPackets > 0) {
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
            if (candidates == 1 && taken.add(p.file + '\u0000' + only.index)) {
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
            case "overlay-vxlan": return "vxlan";
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
            long[] best = null;
            for (long[] tally : tallies.values()) {
                if (best == null || tally[2] > best[2]) {
                    best = tally;
                }
            }
            host.vtep = new long[] {best[0], best[1]};
            vteps.put(host.name, host.vtep);
        });
        return vteps;
    }

    private void vote(Map<Host, Map<String, long[]>> votes, Observation hop, boolean sender) {
        long high = sender ? hop.outerSrcHigh : hop.outerDstHigh;
        long low = sender ? hop.outerSrcLow : hop.outerDstLow;
        Host host = points.get(hop.point).host;
        votes.computeIfAbsent(host, k -> new HashMap<>())
                .computeIfAbsent(high + "/" + low, k -> new long[] {high, low, 0})[2]++;
    }
}
