package io.tunnelscope.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tunnelscope.proto.ipv4.Ipv4Header;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The checksum helpers against RFC 1071's byte-pair loop, on random data, lengths and offsets. */
class InternetChecksumTest {
    /** RFC 1071 section 4.1, word by word with end-around carry. */
    private static int reference(byte[] data, int from, int to) {
        long sum = 0;
        for (int i = from; i < to; i += 2) {
            int word = (data[i] & 0xff) << 8 | (i + 1 < to ? data[i + 1] & 0xff : 0);
            sum += word;
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    @Test
    void foldEqualsCarryLoop() {
        SplittableRandom random = new SplittableRandom(7);
        long[] edges = {0, 0xffff, 0x10000, 0x1ffff, 0xffffffffL, 0x1_0000_0000L, Long.MAX_VALUE, -1L};
        for (long v : edges) {
            assertEquals(loopFold(v), InternetChecksum.fold(v), Long.toHexString(v));
        }
        for (int i = 0; i < 100_000; i++) {
            long v = random.nextLong() >>> random.nextInt(64);
            assertEquals(loopFold(v), InternetChecksum.fold(v), Long.toHexString(v));
        }
    }

    private static int loopFold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    @Test
    void addEqualsReferenceAtAnyLengthAndOffset() {
        SplittableRandom random = new SplittableRandom(11);
        byte[] data = new byte[3000];
        for (int round = 0; round < 2000; round++) {
            random.nextBytes(data);
            int from = random.nextInt(64);
            int to = from + random.nextInt(data.length - from);
            int expected = reference(data, from, to);
            int got = InternetChecksum.fold(InternetChecksum.add(0, ByteBuffer.wrap(data), from, to));
            // 0 and 0xffff are the same ones' complement value; the loop above never yields 0xffff from 0.
            assertEquals(expected == 0xffff ? 0xffff : expected, got == 0xffff && expected == 0 ? 0 : got,
                    from + ".." + to);
        }
    }

    @Test
    void ipv4HeaderChecksumWithAndWithoutOptions() {
        SplittableRandom random = new SplittableRandom(3);
        byte[] data = new byte[80];
        Ipv4Header ip = new Ipv4Header();
        for (int round = 0; round < 20_000; round++) {
            random.nextBytes(data);
            int at = random.nextInt(16);
            int ihl = 5 + random.nextInt(3);
            data[at] = (byte) (0x40 | ihl);
            ip.wrap(ByteBuffer.wrap(data), at, data.length - at);
            data[at + 10] = 0;
            data[at + 11] = 0;
            int expected = ~reference(data, at, at + ihl * 4) & 0xffff;
            data[at + 10] = (byte) random.nextInt(256);
            data[at + 11] = (byte) random.nextInt(256);
            assertEquals(expected, ip.computedChecksum(), "ihl " + ihl + " at " + at);
        }
    }
}
