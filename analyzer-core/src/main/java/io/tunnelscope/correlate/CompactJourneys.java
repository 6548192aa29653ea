package io.tunnelscope.correlate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Journeys of the calibration pass kept for the VTEP votes, in primitive arrays (what ordering the
 * hops and voting read: point, time, resolution, TTL, encapsulation, outer addresses), only those
 * with a tunnel sighting, and at most {@code maxHops} hops in all: memory stays bounded however
 * many and large the captures are.
 */
final class CompactJourneys {
    private static final int INTS = 4;
    private static final int LONGS = 5;

    private final int maxHops;
    private int[] starts = new int[64];
    private int journeys;
    private int hops;
    private int[] ints = new int[64 * INTS];
    private long[] longs = new long[64 * LONGS];

    CompactJourneys(int maxHops) {
        this.maxHops = maxHops;
    }

    /** Keeps {@code journey} if one of its hops is encapsulated and there is room. */
    void addIfTunnelled(List<Observation> journey) {
        boolean tunnelled = false;
        for (int h = 0; h < journey.size(); h++) {
            tunnelled |= journey.get(h).encapsulated();
        }
        if (!tunnelled || hops + journey.size() > maxHops) {
            return;
        }
        if (journeys + 2 > starts.length) {
            starts = Arrays.copyOf(starts, starts.length * 2);
        }
        int need = hops + journey.size();
        if (need * INTS > ints.length) {
            int capacity = Math.max(need, ints.length / INTS * 2);
            ints = Arrays.copyOf(ints, capacity * INTS);
            longs = Arrays.copyOf(longs, capacity * LONGS);
        }
        starts[journeys] = hops;
        for (int h = 0; h < journey.size(); h++) {
            Observation hop = journey.get(h);
            int i = hops * INTS;
            ints[i] = hop.point;
            ints[i + 1] = hop.resolutionNanos;
            ints[i + 2] = hop.ttl;
            ints[i + 3] = hop.encapsulation;
            int l = hops * LONGS;
            longs[l] = hop.timestampNanos;
            longs[l + 1] = hop.outerSrcHigh;
            longs[l + 2] = hop.outerSrcLow;
            longs[l + 3] = hop.outerDstHigh;
            longs[l + 4] = hop.outerDstLow;
            hops++;
        }
        journeys++;
        starts[journeys] = hops;
    }

    int size() {
        return journeys;
    }

    /** Journey {@code j} rebuilt as observations (with the fields kept; adjusted time unset). */
    List<Observation> journey(int j) {
        int from = starts[j];
        int to = starts[j + 1];
        List<Observation> out = new ArrayList<>(to - from);
        for (int h = from; h < to; h++) {
            Observation o = new Observation();
            int i = h * INTS;
            o.point = ints[i];
            o.resolutionNanos = ints[i + 1];
            o.ttl = ints[i + 2];
            o.encapsulation = ints[i + 3];
            int l = h * LONGS;
            o.timestampNanos = longs[l];
            o.outerSrcHigh = longs[l + 1];
            o.outerSrcLow = longs[l + 2];
            o.outerDstHigh = longs[l + 3];
            o.outerDstLow = longs[l + 4];
            out.add(o);
        }
        return out;
    }
}
