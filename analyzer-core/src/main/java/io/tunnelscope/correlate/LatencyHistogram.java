package io.tunnelscope.correlate;

/**
 * Latencies in nanoseconds kept in log-linear buckets (16 linear sub-buckets per power of two), so
 * percentiles cost fixed memory however many packets are recorded; a reported percentile is
 * within 1/16 (6.25 %) of the true value. Negative latencies (clock skew not fully corrected)
 * are recorded as their own histogram and reported negative.
 */
final class LatencyHistogram {
    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    private static final int BUCKETS = (64 - SUB_BITS) * SUB + SUB;

    private final long[] positive = new long[BUCKETS];
    private final long[] negative = new long[BUCKETS];
    private long count;

    void record(long nanos) {
        if (nanos >= 0) {
            positive[index(nanos)]++;
        } else {
            negative[index(nanos == Long.MIN_VALUE ? Long.MAX_VALUE : -nanos)]++;
        }
        count++;
    }

    long count() {
        return count;
    }

    /** The value at quantile {@code q} (0..1), or 0 when nothing was recorded. */
    long percentile(double q) {
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * count));
        long seen = 0;
        for (int i = BUCKETS - 1; i >= 0; i--) {
            seen += negative[i];
            if (seen >= rank) {
                return -lowerBound(i);
            }
        }
        for (int i = 0; i < BUCKETS; i++) {
            seen += positive[i];
            if (seen >= rank) {
                return lowerBound(i);
            }
        }
        return lowerBound(BUCKETS - 1);
    }

    static int index(long value) {
        if (value < SUB) {
            return (int) value;
        }
        int magnitude = 63 - Long.numberOfLeadingZeros(value);
        int shift = magnitude - SUB_BITS;
        int sub = (int) (value >>> shift) & (SUB - 1);
        return (shift + 1) * SUB + sub;
    }

    static long lowerBound(int index) {
        if (index < SUB) {
            return index;
        }
        int shift = index / SUB - 1;
        int sub = index % SUB;
        return ((long) (SUB + sub)) << shift;
    }
}
