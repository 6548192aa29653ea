package io.tunnelscope.correlate;

import java.util.Arrays;
import java.util.List;

/**
 * Journeys of the calibration pass, kept in primitive arrays for what is decided once they are
 * all seen (hosts of unnamed captures, names of {@code any} interfaces, clock offsets, VTEPs):
 * per hop its point, raw time, resolution, TTL, tunnel and outer addresses, inner IPv4 source, and
 * per journey the
 * order of its inner addresses. At most {@code maxHops} hops in all: memory stays bounded however
 * many and large the captures are.
 */
final class CompactJourneys {
    private static final int INTS = 5;
    private static final int LONGS = 6;

    private final int maxHops;
    private int[] starts = new int[64];
    private int journeys;
    private int hops;
    private int[] ints = new int[64 * INTS];
    private long[] longs = new long[64 * LONGS];

    CompactJourneys(int maxHops) {
        this.maxHops = maxHops;
    }

    /**
     * Keeps {@code journey} (of two or more hops) if there is room; {@code classX} is the order of
     * its inner addresses (see {@link ClockOffsets#journey}).
     */
    void add(List<Observation> journey, boolean classX) {
        if (journey.size() < 2 || hops + journey.size() > maxHops) {
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
            ints[i + 4] = classX ? 1 : 0;
            int l = hops * LONGS;
            longs[l] = hop.timestampNanos;
            longs[l + 1] = hop.outerSrcHigh;
            longs[l + 2] = hop.outerSrcLow;
            longs[l + 3] = hop.outerDstHigh;
            longs[l + 4] = hop.outerDstLow;
            longs[l + 5] = IpAddresses.isIpv4(hop.srcHigh, hop.srcLow) ? IpAddresses.ipv4(hop.srcLow) & 0xFFFF_FFFFL : -1;
            hops++;
        }
        journeys++;
        starts[journeys] = hops;
    }

    int size() {
        return journeys;
    }

    /** Hops of journey {@code j}. */
    int hops(int j) {
        return starts[j + 1] - starts[j];
    }

    /** Whether journey {@code j}'s inner addresses are in class X. */
    boolean classX(int j) {
        return ints[starts[j] * INTS + 4] != 0;
    }

    int point(int j, int h) {
        return ints[(starts[j] + h) * INTS];
    }

    int resolution(int j, int h) {
        return ints[(starts[j] + h) * INTS + 1];
    }

    int ttl(int j, int h) {
        return ints[(starts[j] + h) * INTS + 2];
    }

    boolean encapsulated(int j, int h) {
        return ints[(starts[j] + h) * INTS + 3] >= 0;
    }

    long time(int j, int h) {
        return longs[(starts[j] + h) * LONGS];
    }

    /**
     * Fills {@code into[0..hops(j))} with journey {@code j}'s hops as observations (reused: the
     * fields kept are set, the rest left as they were; the device is unset).
     */
    void journey(int j, Observation[] into) {
        int from = starts[j];
        int to = starts[j + 1];
        for (int h = from; h < to; h++) {
            Observation o = into[h - from];
            int i = h * INTS;
            o.point = ints[i];
            o.resolutionNanos = ints[i + 1];
            o.ttl = ints[i + 2];
            o.encapsulation = ints[i + 3];
            o.device = -1;
            int l = h * LONGS;
            o.timestampNanos = longs[l];
            o.outerSrcHigh = longs[l + 1];
            o.outerSrcLow = longs[l + 2];
            o.outerDstHigh = longs[l + 3];
            o.outerDstLow = longs[l + 4];
            long source = longs[l + 5];
            o.srcHigh = 0;
            o.srcLow = source < 0 ? 0 : IpAddresses.mapped((int) source);
        }
    }
}
