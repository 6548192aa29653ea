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
        // Two 32-bit lanes per accumulator, each adding two 16-bit words per step (at most
        // 0x1fffe): exact for 8192 steps, then the lanes are added to the sum.
        int i = from;
        while (i + 8 <= to) {
            long lanes = 0;
            long lanes2 = 0;
            int stop = Math.min(to - 15, i + 8192 * 8);
            for (; i < stop; i += 16) {
                long w = buf.getLong(i);
                long v = buf.getLong(i + 8);
                lanes += (w & 0x0000ffff0000ffffL) + ((w >>> 16) & 0x0000ffff0000ffffL);
                lanes2 += (v & 0x0000ffff0000ffffL) + ((v >>> 16) & 0x0000ffff0000ffffL);
            }
            if (i + 8 <= to && i + 16 > to) {
                long w = buf.getLong(i);
                lanes += (w & 0x0000ffff0000ffffL) + ((w >>> 16) & 0x0000ffff0000ffffL);
                i += 8;
            }
            sum += (lanes & 0xffffffffL) + (lanes >>> 32) + (lanes2 & 0xffffffffL) + (lanes2 >>> 32);
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
