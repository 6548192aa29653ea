package io.tunnelscope.correlate;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Which underlay points saw a tunnel packet, by its outer header alone (outer source, destination,
 * IP ID and UDP source port): a packet damaged on the way has a new identity (its payload digest
 * changed) but the same outer header, so the receiver did get it. Keeps a few windows of packets.
 */
final class OuterSightings {
    private final long keepNanos;
    private final Map<Long, long[]> pointsByKey = new HashMap<>();
    private final ArrayDeque<long[]> byAge = new ArrayDeque<>();

    OuterSightings(long keepNanos) {
        this.keepNanos = keepNanos;
    }

    static long key(Observation o) {
        long h = o.outerSrcLow * 0x9E3779B97F4A7C15L ^ o.outerSrcHigh;
        h = (h ^ o.outerDstLow) * 0xBF58476D1CE4E5B9L ^ o.outerDstHigh;
        h = (h ^ o.outerIpId) * 0x94D049BB133111EBL;
        return h ^ o.outerSourcePort ^ (h >>> 29);
    }

    void add(Observation o) {
        if (!o.encapsulated() || o.point >= 64) {
            return;
        }
        while (!byAge.isEmpty() && byAge.peekFirst()[0] < o.adjustedNanos - keepNanos) {
            long[] old = byAge.pollFirst();
            long[] mask = pointsByKey.get(old[1]);
            if (mask != null && mask[1] <= old[0]) {
                pointsByKey.remove(old[1]);
            }
        }
        long key = key(o);
        long[] mask = pointsByKey.computeIfAbsent(key, k -> new long[2]);
        mask[0] |= 1L << o.point;
        mask[1] = o.adjustedNanos;
        byAge.addLast(new long[] {o.adjustedNanos, key});
    }

    /** Whether {@code point} saw a tunnel packet with the same outer header as {@code sent}. */
    boolean seen(Observation sent, int point) {
        long[] mask = point < 64 ? pointsByKey.get(key(sent)) : null;
        return mask != null && (mask[0] & (1L << point)) != 0;
    }
}
