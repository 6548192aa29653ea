package io.tunnelscope.proto;

import java.nio.ByteBuffer;

/**
 * The Internet checksum (RFC 1071): a ones' complement sum of 16-bit words. Sums are kept
 * unfolded in a {@code long} so that partial sums (pseudo-header, header, payload) can be added.
 */
public final class InternetChecksum {
    private InternetChecksum() {
    }

    /** Adds the bytes {@code [from, to)} of {@code buf} as big-endian 16-bit words (odd tail padded). */
    public static long add(long sum, ByteBuffer buf, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long w = buf.getLong(i);
            sum += (w >>> 48) + ((w >>> 32) & 0xffff) + ((w >>> 16) & 0xffff) + (w & 0xffff);
        }
        for (; i + 1 < to; i += 2) {
            sum += buf.getShort(i) & 0xffff;
        }
        if (i < to) {
            sum += (buf.get(i) & 0xff) << 8;
        }
        return sum;
    }

    /** Folds a sum to 16 bits (without complementing). */
    public static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The checksum field value that would make the sum valid: complement of the folded sum. */
    public static int complement(long sum) {
        return ~fold(sum) & 0xffff;
    }
}
