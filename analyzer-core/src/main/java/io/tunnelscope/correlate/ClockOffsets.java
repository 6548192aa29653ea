package io.tunnelscope.correlate;

import io.tunnelscope.collect.LongObjectMap;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Estimates how far each host's clock is from the reference host's, from packets seen on both, as
 * NTP does: a packet from host A to host B gives {@code ts(B) - ts(A) = offset + delay}, one from B
 * to A gives {@code offset - delay}, so the offset lies between the two, and with symmetric delays
 * in the middle. Each journey gives one sample per pair of hosts it crossed, taken where it crossed
 * between them: from A's last sighting to B's first (so the delay is the wire's, not the hosts'),
 * which keeps the bounds tight. Which way a packet went is told by its TTL (it only falls along
 * the path); when the TTLs are equal (only the NICs were captured), by the packet's addresses,
 * whose order is the same for every packet of a flow and opposite for its replies, and the one
 * assignment of those two classes to directions that keeps the bounds consistent.
 *
 * <p>The estimate of a pair: {@code 0} when zero lies between the bounds (the clocks agree as far
 * as the delays can tell: captures on one machine, or hosts NTP keeps close), else the midpoint.
 * With packets one way only the offset is bounded on one side: taken at the bound when zero is
 * beyond it (so no latency is negative), else 0, and said to be {@code one-way}. Offsets are
 * propagated from the reference host over the pairs, two-way estimates first. Samples are bounded
 * per pair and kind.
 */
final class ClockOffsets {
    private static final int MAX_SAMPLES = 4096;
    /** Sample kinds: A went first (TTL), B went first (TTL), address class X or Y (TTL tie; s1 and s2 each). */
    private static final int A_FIRST = 0;
    private static final int B_FIRST = 1;
    private static final int X_GAP = 2;
    private static final int X_SPAN = 3;
    private static final int Y_GAP = 4;
    private static final int Y_SPAN = 5;
    /** Beyond this, an offset seen one way only is certainly a clock difference, not a delay. */
    private static final long ONE_WAY_CERTAIN_NANOS = 50_000_000L;

    private final int hosts;
    private final LongObjectMap<Series> samples = new LongObjectMap<>();

    /** The samples of one pair and kind. */
    private static final class Series {
        final long[] values = new long[MAX_SAMPLES];
        int count;

        void add(long value) {
            if (count < MAX_SAMPLES) {
                values[count++] = value;
            }
        }

        long median() {
            long[] copy = Arrays.copyOf(values, count);
            Arrays.sort(copy);
            return copy[count / 2];
        }
    }

    /** The offsets found, with how each was found ({@link Host#clockBasis}). */
    record Estimate(long[] offsets, String[] bases) {
    }

    ClockOffsets(int hosts) {
        this.hosts = hosts;
    }

    private static long key(int a, int b, int kind) {
        return ((((long) a << 24) | b) << 3) | kind;
    }

    private void add(int a, int b, int kind, long value) {
        long key = key(a, b, kind);
        Series series = samples.get(key);
        if (series == null) {
            series = new Series();
            samples.put(key, series);
        }
        series.add(value);
    }

    private Series series(int a, int b, int kind) {
        return samples.get(key(a, b, kind));
    }

    /**
     * Samples one journey: hop {@code i} was seen on host {@code host[i]} at raw timestamp
     * {@code ts[i]} with TTL {@code ttl[i]}; {@code classX} is the journey's address class.
     */
    void journey(int[] host, long[] ts, int[] ttl, int n, boolean classX) {
        for (int a = 0; a < hosts; a++) {
            for (int b = a + 1; b < hosts; b++) {
                long minA = Long.MAX_VALUE;
                long maxA = Long.MIN_VALUE;
                long minB = Long.MAX_VALUE;
                long maxB = Long.MIN_VALUE;
                int ttlA = -1;
                int ttlB = -1;
                for (int i = 0; i < n; i++) {
                    if (host[i] == a) {
                        minA = Math.min(minA, ts[i]);
                        maxA = Math.max(maxA, ts[i]);
                        ttlA = Math.max(ttlA, ttl[i]);
                    } else if (host[i] == b) {
                        minB = Math.min(minB, ts[i]);
                        maxB = Math.max(maxB, ts[i]);
                        ttlB = Math.max(ttlB, ttl[i]);
                    }
                }
                if (ttlA < 0 || ttlB < 0) {
                    continue;
                }
                long gap = minB - maxA;
                long span = maxB - minA;
                if (ttlA > ttlB) {
                    add(a, b, A_FIRST, gap);
                } else if (ttlB > ttlA) {
                    add(a, b, B_FIRST, span);
                } else if (classX) {
                    add(a, b, X_GAP, gap);
                    add(a, b, X_SPAN, span);
                } else {
                    add(a, b, Y_GAP, gap);
                    add(a, b, Y_SPAN, span);
                }
            }
        }
    }

    /**
     * The offset of every host's clock from the reference host's (host {@code reference}, or the
     * first of each group of hosts no packet connects to it), in nanoseconds: subtract it from
     * a host's timestamps to put them on the reference clock.
     */
    Estimate estimate(int reference) {
        if (hosts == 0) {
            return new Estimate(new long[0], new String[0]);
        }
        long[][] pair = new long[hosts][hosts];
        int[][] quality = new int[hosts][hosts]; // 2 two-way, 1 one-way, 0 none
        for (int a = 0; a < hosts; a++) {
            for (int b = a + 1; b < hosts; b++) {
                long[] estimate = pairEstimate(a, b);
                if (estimate != null) {
                    pair[a][b] = estimate[0];
                    pair[b][a] = -estimate[0];
                    quality[a][b] = (int) estimate[1];
                    quality[b][a] = (int) estimate[1];
                }
            }
        }
        long[] offsets = new long[hosts];
        String[] bases = new String[hosts];
        Arrays.fill(bases, "none");
        boolean[] placed = new boolean[hosts];
        int[] order = new int[hosts];
        order[0] = reference;
        for (int i = 1, h = 0; i < hosts; h++) {
            if (h != reference) {
                order[i++] = h;
            }
        }
        for (int root : order) {
            if (placed[root]) {
                continue;
            }
            placed[root] = true;
            bases[root] = "reference";
            for (int wanted = 2; wanted >= 1; wanted--) {
                // Two-way pairs first; one-way pairs reach only what two-way ones did not.
                ArrayDeque<Integer> queue = new ArrayDeque<>();
                for (int h = 0; h < hosts; h++) {
                    if (placed[h]) {
                        queue.add(h);
                    }
                }
                while (!queue.isEmpty()) {
                    int a = queue.poll();
                    for (int b = 0; b < hosts; b++) {
                        if (!placed[b] && quality[a][b] >= wanted) {
                            offsets[b] = offsets[a] + pair[a][b];
                            bases[b] = wanted == 2 && !bases[a].equals("one-way") ? "two-way" : "one-way";
                            placed[b] = true;
                            queue.add(b);
                        }
                    }
                }
            }
        }
        for (int h = 0; h < hosts; h++) {
            if (bases[h].equals("reference") && h != reference && !connected(h, quality)) {
                bases[h] = "none";
            }
        }
        if (hosts > 0 && !connected(reference, quality)) {
            bases[reference] = "none";
        }
        return new Estimate(offsets, bases);
    }

    private boolean connected(int h, int[][] quality) {
        for (int b = 0; b < hosts; b++) {
            if (quality[h][b] > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The offset of b's clock from a's and its quality (2 two-way, 1 one-way), or null when no
     * packet crossed between them.
     */
    private long[] pairEstimate(int a, int b) {
        Series aFirst = series(a, b, A_FIRST);
        Series bFirst = series(a, b, B_FIRST);
        Series xGap = series(a, b, X_GAP);
        Series xSpan = series(a, b, X_SPAN);
        Series yGap = series(a, b, Y_GAP);
        Series ySpan = series(a, b, Y_SPAN);
        if (aFirst == null && bFirst == null && xGap == null && yGap == null) {
            return null;
        }
        // Upper bounds (a went first: offset <= gap), lower bounds (b went first: offset >= span).
        // The address classes the TTL could not direct go the way that keeps upper >= lower (the
        // other way puts a whole crossing on the wrong side of the offset).
        Series[][] options = {
            {merged(aFirst, xGap), merged(bFirst, ySpan)},
            {merged(aFirst, yGap), merged(bFirst, xSpan)},
        };
        Series[] best = null;
        long bestSlack = 0;
        for (Series[] option : options) {
            if (option[0] == null || option[1] == null) {
                continue;
            }
            long slack = option[0].median() - option[1].median();
            boolean better;
            if (best == null) {
                better = true;
            } else if ((slack >= 0) != (bestSlack >= 0)) {
                better = slack >= 0;
            } else {
                // Consistent options compete by tightness, inconsistent ones by the least violation.
                better = slack >= 0 ? slack < bestSlack : slack > bestSlack;
            }
            if (better) {
                best = option;
                bestSlack = slack;
            }
        }
        if (best != null && (bestSlack >= 0 || aFirst == null && bFirst == null)) {
            long high = best[0].median();
            long low = best[1].median();
            if (low <= 0 && high >= 0) {
                return new long[] {0, 2};
            }
            if (low > high) {
                // Inconsistent bounds (queueing, a wrong match): the midpoint is still the best guess.
                long t = low;
                low = high;
                high = t;
            }
            return new long[] {low / 2 + high / 2 + (low % 2 + high % 2) / 2, 2};
        }
        if (aFirst != null) {
            return new long[] {Math.min(0, aFirst.median()), 1};
        }
        if (bFirst != null) {
            return new long[] {Math.max(0, bFirst.median()), 1};
        }
        // One address class, no TTL to say which way it went: the offset is the median give or
        // take a delay, so only an offset larger than any delay is taken.
        long median = (xGap != null ? xGap : yGap).median();
        return new long[] {Math.abs(median) >= ONE_WAY_CERTAIN_NANOS ? median : 0, 1};
    }

    private static Series merged(Series a, Series b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        Series out = new Series();
        for (int i = 0; i < a.count; i++) {
            out.add(a.values[i]);
        }
        for (int i = 0; i < b.count; i++) {
            out.add(b.values[i]);
        }
        return out;
    }
}
