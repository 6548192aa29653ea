package io.tunnelscope.correlate;

import java.util.Arrays;
import java.util.List;

/**
 * Puts the sightings of one packet in the order the packet must have crossed them. Sightings of
 * one device (several captures of it) form one hop. Hosts come in the order of falling TTL (it
 * only falls along a path), then by the tunnel (the host whose VTEP sent it before the one it was
 * sent to), then by corrected time. Within a host, devices come by falling TTL, then as the path
 * goes — outbound pod, veth, bridge, overlay device, NIC; inbound the reverse — and by time only
 * where the roles do not say (unknown devices, or two devices of one role such as two pods of one
 * host). So the order never depends on clocks where the path decides, and clocks between hosts
 * never reorder a host's own devices.
 *
 * <p>Reuses its arrays: ordering a journey allocates nothing once they have grown.
 */
final class CausalOrder {
    private static final int OUT = 1;
    private static final int IN = -1;

    private final List<CapturePoint> points;
    private final List<Device> devices;

    // Per device hop (group), reused.
    private int[] groupStart = new int[9];
    private int[] groupDevice = new int[8];
    private int[] groupHost = new int[8];
    private long[] groupTime = new long[8];
    private int[] groupMaxTtl = new int[8];
    private int[] groupMinTtl = new int[8];
    private boolean[] groupEncapsulated = new boolean[8];
    private int[] groupOrder = new int[8];
    // Per host of the journey, reused.
    private int[] hostIds = new int[8];
    private int[] hostMaxTtl = new int[8];
    private long[] hostTime = new long[8];
    private int[] hostTunnelRank = new int[8];
    private int[] hostDirection = new int[8];
    private Observation[] scratch = new Observation[8];
    private int[] tmpStart = new int[8];
    private int[] tmpDevice = new int[8];
    private long[] tmpTime = new long[8];
    private int[] hostOrder = new int[8];
    private int[] knownGroups = new int[8];
    private int groups;

    CausalOrder(List<CapturePoint> points, List<Device> devices) {
        this.points = points;
        this.devices = devices;
    }

    /** The device a sighting is of. */
    int deviceOf(Observation hop) {
        return hop.device >= 0 ? hop.device : points.get(hop.point).device.index;
    }

    /**
     * Orders {@code hops[0..n)} in place (their {@code adjustedNanos} set): device hops in causal
     * order, the sightings of each device together, earliest first. Returns the number of device
     * hops; {@link #start(int)} tells where each begins.
     */
    int order(Observation[] hops, int n) {
        grow(n);
        // Sightings by device, then time: each device's sightings side by side.
        for (int i = 1; i < n; i++) {
            Observation hop = hops[i];
            int device = deviceOf(hop);
            int j = i - 1;
            while (j >= 0 && compareSightings(hops[j], deviceOf(hops[j]), hop, device) > 0) {
                hops[j + 1] = hops[j];
                j--;
            }
            hops[j + 1] = hop;
        }
        groups = 0;
        for (int i = 0; i < n; i++) {
            Observation hop = hops[i];
            int device = deviceOf(hop);
            if (i == 0 || device != groupDevice[groups - 1]) {
                int g = groups++;
                groupStart[g] = i;
                groupDevice[g] = device;
                groupHost[g] = devices.get(device).host.index;
                groupTime[g] = hop.adjustedNanos;
                groupMaxTtl[g] = hop.ttl;
                groupMinTtl[g] = hop.ttl;
                groupEncapsulated[g] = hop.encapsulated();
            } else {
                int g = groups - 1;
                groupMaxTtl[g] = Math.max(groupMaxTtl[g], hop.ttl);
                groupMinTtl[g] = Math.min(groupMinTtl[g], hop.ttl);
                groupEncapsulated[g] |= hop.encapsulated();
            }
        }
        groupStart[groups] = n;
        if (groups == 1) {
            return 1;
        }
        orderGroups(hops);
        // Lay the hops out in group order.
        if (scratch.length < n) {
            scratch = new Observation[Math.max(n, scratch.length * 2)];
        }
        int at = 0;
        for (int k = 0; k < groups; k++) {
            int g = groupOrder[k];
            for (int i = groupStart[g]; i < groupStart[g + 1]; i++) {
                scratch[at++] = hops[i];
            }
        }
        System.arraycopy(scratch, 0, hops, 0, n);
        Arrays.fill(scratch, 0, n, null);
        // The per-group facts in causal order too.
        int position = 0;
        for (int k = 0; k < groups; k++) {
            int g = groupOrder[k];
            tmpStart[k] = position;
            tmpDevice[k] = groupDevice[g];
            tmpTime[k] = groupTime[g];
            position += groupStart[g + 1] - groupStart[g];
        }
        System.arraycopy(tmpStart, 0, groupStart, 0, groups);
        groupStart[groups] = n;
        System.arraycopy(tmpDevice, 0, groupDevice, 0, groups);
        System.arraycopy(tmpTime, 0, groupTime, 0, groups);
        return groups;
    }

    /** The earliest corrected time device hop {@code k} was seen at. */
    long time(int k) {
        return groupTime[k];
    }

    /** Where device hop {@code k} (in causal order) begins among the ordered hops. */
    int start(int k) {
        return groupStart[k];
    }

    /** The device of device hop {@code k}. */
    int device(int k) {
        return groupDevice[k];
    }

    private static int compareSightings(Observation a, int deviceA, Observation b, int deviceB) {
        int c = Integer.compare(deviceA, deviceB);
        if (c == 0) {
            c = Long.compare(a.adjustedNanos, b.adjustedNanos);
        }
        return c != 0 ? c : Integer.compare(a.point, b.point);
    }

    private void orderGroups(Observation[] hops) {
        // Hosts of the journey, with what orders them.
        int hostCount = 0;
        for (int g = 0; g < groups; g++) {
            int h = indexOfHost(groupHost[g], hostCount);
            if (h < 0) {
                h = hostCount++;
                hostIds[h] = groupHost[g];
                hostMaxTtl[h] = -1;
                hostTime[h] = Long.MAX_VALUE;
                hostTunnelRank[h] = 1;
            }
            hostMaxTtl[h] = Math.max(hostMaxTtl[h], groupMaxTtl[g]);
            hostTime[h] = Math.min(hostTime[h], groupTime[g]);
            if (groupEncapsulated[g]) {
                Host host = devices.get(groupDevice[g]).host;
                Observation tunnel = firstEncapsulated(hops, g);
                if (tunnel != null) {
                    if (host.isVtep(tunnel.outerSrcHigh, tunnel.outerSrcLow)) {
                        hostTunnelRank[h] = 0;
                    } else if (host.isVtep(tunnel.outerDstHigh, tunnel.outerDstLow)) {
                        hostTunnelRank[h] = 2;
                    }
                }
            } else {
                // A bare packet between the nodes' own underlay addresses (IPv6 neighbour
                // discovery: hop limit 255 on both sides, so the TTL cannot tell): the node whose
                // address sent it comes first.
                Host host = devices.get(groupDevice[g]).host;
                Observation hop = hops[groupStart[g]];
                if (host.isVtep(hop.srcHigh, hop.srcLow)) {
                    hostTunnelRank[h] = Math.min(hostTunnelRank[h], 0);
                } else if (host.isVtep(hop.dstHigh, hop.dstLow) && hostTunnelRank[h] == 1) {
                    hostTunnelRank[h] = 2;
                }
            }
        }
        // Hosts: falling TTL, sender before receiver of the tunnel, time, index.
        for (int i = 0; i < hostCount; i++) {
            hostOrder[i] = i;
            int j = i - 1;
            while (j >= 0 && compareHosts(hostOrder[j], i) > 0) {
                hostOrder[j + 1] = hostOrder[j];
                j--;
            }
            hostOrder[j + 1] = i;
        }
        for (int k = 0; k < hostCount; k++) {
            int h = hostOrder[k];
            hostDirection[h] = hostCount == 1 ? singleHostDirection()
                    : k == 0 ? OUT : k == hostCount - 1 ? IN : 0;
        }
        int at = 0;
        for (int k = 0; k < hostCount; k++) {
            int h = hostOrder[k];
            int from = at;
            for (int g = 0; g < groups; g++) {
                if (groupHost[g] == hostIds[h]) {
                    groupOrder[at++] = g;
                }
            }
            orderWithinHost(from, at, hostDirection[h]);
        }
    }

    private int indexOfHost(int host, int count) {
        for (int i = 0; i < count; i++) {
            if (hostIds[i] == host) {
                return i;
            }
        }
        return -1;
    }

    private int compareHosts(int a, int b) {
        int c = Integer.compare(hostMaxTtl[b], hostMaxTtl[a]);
        if (c == 0) {
            c = Integer.compare(hostTunnelRank[a], hostTunnelRank[b]);
        }
        if (c == 0) {
            c = Long.compare(hostTime[a], hostTime[b]);
        }
        return c != 0 ? c : Integer.compare(hostIds[a], hostIds[b]);
    }

    private static Observation firstEncapsulated(Observation[] hops, int from, int to) {
        for (int i = from; i < to; i++) {
            if (hops[i].encapsulated()) {
                return hops[i];
            }
        }
        return null;
    }

    private Observation firstEncapsulated(Observation[] hops, int g) {
        return firstEncapsulated(hops, groupStart[g], groupStart[g + 1]);
    }

    /**
     * Which way a packet seen on one host only went: outbound when the unencapsulated sightings
     * have a higher TTL than the tunnel ones (routed before it was encapsulated) or the pod side a
     * higher TTL than the NIC side; inbound the other way; else by time between the two ends.
     */
    private int singleHostDirection() {
        int plainMax = -1;
        int plainMin = Integer.MAX_VALUE;
        int tunnelTtl = -1;
        int low = -1;
        int high = -1;
        for (int g = 0; g < groups; g++) {
            if (groupEncapsulated[g]) {
                tunnelTtl = Math.max(tunnelTtl, groupMaxTtl[g]);
            } else {
                plainMax = Math.max(plainMax, groupMaxTtl[g]);
                plainMin = Math.min(plainMin, groupMinTtl[g]);
            }
            int rank = devices.get(groupDevice[g]).rank();
            if (rank >= 0) {
                if (low < 0 || rank < devices.get(groupDevice[low]).rank()) {
                    low = g;
                }
                if (high < 0 || rank > devices.get(groupDevice[high]).rank()) {
                    high = g;
                }
            }
        }
        if (tunnelTtl >= 0 && plainMax >= 0) {
            if (plainMax > tunnelTtl) {
                return OUT;
            }
            if (plainMin < tunnelTtl) {
                return IN;
            }
        }
        if (low >= 0 && high >= 0 && devices.get(groupDevice[low]).rank() < devices.get(groupDevice[high]).rank()) {
            if (groupMaxTtl[low] != groupMaxTtl[high]) {
                return groupMaxTtl[low] > groupMaxTtl[high] ? OUT : IN;
            }
            if (groupTime[low] != groupTime[high]) {
                return groupTime[low] < groupTime[high] ? OUT : IN;
            }
        }
        return 0;
    }

    /**
     * Orders {@code groupOrder[from..to)} (device hops of one host): falling TTL, then time; then,
     * within each run of equal TTL, the devices whose role is known take their places along the
     * path in {@code direction}, the others keep theirs (unless two known devices share a role).
     */
    private void orderWithinHost(int from, int to, int direction) {
        for (int i = from + 1; i < to; i++) {
            int g = groupOrder[i];
            int j = i - 1;
            while (j >= from && compareInHost(groupOrder[j], g) > 0) {
                groupOrder[j + 1] = groupOrder[j];
                j--;
            }
            groupOrder[j + 1] = g;
        }
        if (direction == 0) {
            return;
        }
        int run = from;
        while (run < to) {
            int end = run + 1;
            while (end < to && groupMaxTtl[groupOrder[end]] == groupMaxTtl[groupOrder[run]]) {
                end++;
            }
            placeByRole(run, end, direction);
            run = end;
        }
    }

    private int compareInHost(int a, int b) {
        int c = Integer.compare(groupMaxTtl[b], groupMaxTtl[a]);
        if (c == 0) {
            c = Long.compare(groupTime[a], groupTime[b]);
        }
        return c != 0 ? c : Integer.compare(groupDevice[a], groupDevice[b]);
    }

    private void placeByRole(int from, int to, int direction) {
        int known = 0;
        long seenRanks = 0;
        for (int i = from; i < to; i++) {
            int rank = devices.get(groupDevice[groupOrder[i]]).rank();
            if (rank >= 0) {
                if ((seenRanks & (1L << rank)) != 0) {
                    return; // two devices of one role: the path does not say, time does
                }
                seenRanks |= 1L << rank;
                known++;
            }
        }
        if (known < 2) {
            return;
        }
        // The known devices' slots, refilled in path order.
        int[] known0 = knownGroups;
        int k = 0;
        for (int i = from; i < to; i++) {
            int g = groupOrder[i];
            if (devices.get(groupDevice[g]).rank() >= 0) {
                known0[k++] = g;
            }
        }
        for (int i = 1; i < known; i++) {
            int g = known0[i];
            int rank = direction * devices.get(groupDevice[g]).rank();
            int j = i - 1;
            while (j >= 0 && direction * devices.get(groupDevice[known0[j]]).rank() > rank) {
                known0[j + 1] = known0[j];
                j--;
            }
            known0[j + 1] = g;
        }
        k = 0;
        for (int i = from; i < to; i++) {
            if (devices.get(groupDevice[groupOrder[i]]).rank() >= 0) {
                groupOrder[i] = known0[k++];
            }
        }
    }

    private void grow(int n) {
        if (groupDevice.length < n) {
            int size = Math.max(n, groupDevice.length * 2);
            groupStart = new int[size + 1];
            groupDevice = new int[size];
            groupHost = new int[size];
            groupTime = new long[size];
            groupMaxTtl = new int[size];
            groupMinTtl = new int[size];
            groupEncapsulated = new boolean[size];
            groupOrder = new int[size];
            hostIds = new int[size];
            hostMaxTtl = new int[size];
            hostTime = new long[size];
            hostTunnelRank = new int[size];
            hostDirection = new int[size];
            tmpStart = new int[size];
            tmpDevice = new int[size];
            tmpTime = new long[size];
            hostOrder = new int[size];
            knownGroups = new int[size];
        }
    }
}
