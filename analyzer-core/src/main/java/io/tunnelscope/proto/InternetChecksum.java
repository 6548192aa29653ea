package io.tunnelscope.proto;

import java.nio.ByteBuffer;

/**
 * The Internet checksum (RFC 1071): a ones' complement sum of 16-bit words. Sums are kept
 * unfolded in a {@code long} so that partial sums (pseudo-header, header, payload) can be added.
 */
public final class InternetChecksum {
    private InternetChecksum() {
    }

    /**
     * Adds the bytes {@code [from, to)} of {@code buf} as big-endian 16-bit words (odd tail padded).
     * The result is congruent to that sum modulo 0xffff, which is all that {@link #fold} and
     * {@link #complement} see: it is summed as 32-bit words (65536 = 1 modulo 0xffff, RFC 1071
     * section 2), two accumulators of 64 bits that cannot overflow for any int-sized range.
     */
    public static long add(long sum, ByteBuffer buf, int from, int to) {
        long a = 0;
        long b = 0;
        int i = from;
        // A counted loop (i < stop, stop fixed) so that the compiler unrolls it without checks.
        int stop = to - 15;
        for (; i < stop; i += 16) {
            a = add(a, buf.getLong(i));
            b = add(b, buf.getLong(i + 8));
        }
        if (i + 8 <= to) {
            a = add(a, buf.getLong(i));
            i += 8;
        }
        if (i + 4 <= to) {
            b += buf.getInt(i) & 0xffffffffL;
            i += 4;
        }
        if (i + 2 <= to) {
            a += buf.getShort(i) & 0xffff;
            i += 2;
        }
        if (i < to) {
            b += (buf.get(i) & 0xff) << 8;
        }
        return sum + a + b;
    }

    /** Adds eight bytes, given as a big-endian long, as {@link #add(long, ByteBuffer, int, int)} does. */
    public static long add(long sum, long eightBytes) {
        return sum + (eightBytes >>> 32) + (eightBytes & 0xffffffffL);
    }

    /** Folds a sum to 16 bits (without complementing). */
    public static int fold(long sum) {
        // Branch-free: 64 -> 33 -> 18 -> 17 -> 16 bits (end-around carries included).
        sum = (sum & 0xffffffffL) + (sum >>> 32);
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        return (int) sum;
    }

    /** The checksum field value that would make the sum valid: complement of the folded sum. */
    public static int complement(long sum) {
        return ~fold(sum) & 0xffff;
    }
}
