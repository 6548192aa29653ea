package io.tunnelscope.correlate;

import io.tunnelscope.collect.LongObjectMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Estimates the clock offset between capture points from matched packets, as NTP does: for two
 * points A and B, packets of one direction give {@code ts(B) - ts(A) = offset + delay}, packets of
 * the reverse direction give {@code ts(B) - ts(A) = offset - delay}, so with symmetric delays the
 * offset is the mean of the two medians — unless zero lies between them, which means the clocks
 * agree (see {@link #offset(long, long)}). Directions are told apart by the packets' inner source
 * and destination, never by the (skewed) clocks. Offsets are then propagated from a reference
 * point (offset 0) over the pairs that have matches in both directions.
 *
 * <p>Samples are bounded per pair and direction; pairs seen in one direction only give no
 * estimate (their points keep offset 0 unless reached through other pairs).
 */
final class ClockOffsets {
    private static final int MAX_SAMPLES = 4096;

    private int points;
    /**
     * Samples of ts(b) - ts(a) for a < b, keyed by {@link #key}: found without boxing, as every
     * matched pair of sightings of the calibration pass is offered here.
     */
    private final LongObjectMap<Series> samples = new LongObjectMap<>();

    /** The samples of one pair and direction. */
    private static final class Series {
        final long[] deltas = new long[MAX_SAMPLES];
        int count;
    }

    ClockOffsets(int points) {
        this.points = points;
    }

    /** For samples taken before the number of points is known ({@link #estimate(int)}). */
    ClockOffsets() {
        this.points = -1;
    }

    /** Points a < b and a direction (0 or 1). */
    private static long key(int a, int b, int direction) {
        return ((((long) a << 31) | b) << 1) | direction;
    }

    /** {@link #estimate()} once the number of points is known. */
    long[] estimate(int pointCount) {
        points = pointCount;
        return estimate();
    }

    /**
     * Records that the same packet was seen at point {@code a} at {@code tsA} and at {@code b}
     * at {@code tsB}; {@code forward} says which way the packet's flow goes, in a way that is the
     * same for every packet of that flow and opposite for its replies.
     */
    void sample(int a, long tsA, int b, long tsB, boolean forward) {
        if (a == b) {
            return;
        }
        if (a > b) {
            sample(b, tsB, a, tsA, forward);
            return;
        }
        long key = key(a, b, forward ? 1 : 0);
        Series series = samples.get(key);
        if (series == null) {
            series = new Series();
            samples.put(key, series);
        }
        if (series.count < MAX_SAMPLES) {
            series.deltas[series.count++] = tsB - tsA;
        }
    }

    /**
     * The offset of every point's clock relative to point 0's (or to the first point of each
     * connected group), in nanoseconds: subtract it from a point's timestamps to put them on
     * the reference clock.
     */
    long[] estimate() {
        long[][] pairOffset = new long[points][points];
        boolean[][] known = new boolean[points][points];
        for (int a = 0; a < points; a++) {
            for (int b = a + 1; b < points; b++) {
                Series s0 = samples.get(key(a, b, 0));
                Series s1 = samples.get(key(a, b, 1));
                if (s0 == null || s1 == null) {
                    continue;
                }
                long m0 = median(s0.deltas, s0.count);
                long m1 = median(s1.deltas, s1.count);
                long offset = offset(m0, m1);
                pairOffset[a][b] = offset;
                pairOffset[b][a] = -offset;
                known[a][b] = true;
                known[b][a] = true;
            }
        }
        long[] offsets = new long[points];
        boolean[] placed = new boolean[points];
        for (int root = 0; root < points; root++) {
            if (placed[root]) {
                continue;
            }
            placed[root] = true;
            ArrayDeque<Integer> queue = new ArrayDeque<>(List.of(root));
            while (!queue.isEmpty()) {
                int a = queue.poll();
                for (int b = 0; b < points; b++) {
                    if (known[a][b] && !placed[b]) {
                        offsets[b] = offsets[a] + pairOffset[a][b];
                        placed[b] = true;
                        queue.add(b);
                    }
                }
            }
        }
        return offsets;
    }

    /** Pairs that contributed an estimate, for reporting. */
    List<int[]> estimatedPairs() {
        List<int[]> pairs = new ArrayList<>();
        for (int a = 0; a < points; a++) {
            for (int b = a + 1; b < points; b++) {
                if (samples.get(key(a, b, 0)) != null && samples.get(key(a, b, 1)) != null) {
                    pairs.add(new int[] {a, b});
                }
            }
        }
        return pairs;
    }

    /**
     * The offset from the two direction medians. Causality bounds it: with non-negative one-way
     * delays it lies between the two medians. When zero lies there, the clocks are taken to agree
     * (captures on one host, or hosts kept in sync), because the midpoint would only measure how
     * much slower one direction is than the other; otherwise the midpoint, as NTP estimates it.
     */
    static long offset(long m0, long m1) {
        long low = Math.min(m0, m1);
        long high = Math.max(m0, m1);
        if (low <= 0 && high >= 0) {
            return 0;
        }
        return low / 2 + high / 2 + (low % 2 + high % 2) / 2;
    }

    private static long median(long[] values, int n) {
        long[] copy = Arrays.copyOf(values, n);
        Arrays.sort(copy);
        return copy[n / 2];
    }
}
