package io.tunnelscope.detail;

import io.kaitai.struct.ByteBufferKaitaiStream;
import io.kaitai.struct.KaitaiStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * A Kaitai stream over a window of one byte array that knows where that window starts in the
 * array, so that the positions the generated parsers record ({@code _attrStart}/{@code _attrEnd},
 * relative to their own stream) can be made absolute. Its substreams are again positioned
 * streams over the same array.
 *
 * <p>It also does what the 0.11 runtime leaves out:
 * <ul>
 *   <li>bounds checks: a size past the end of the data raises a {@link Truncated} that says so
 *       (the runtime would allocate the array first, or fail with a bare
 *       {@code IllegalArgumentException});</li>
 *   <li>it records every bit-field read with its exact bit position, because the recorded byte
 *       positions of bit fields do not tell which bits they are.</li>
 * </ul>
 */
final class PositionedStream extends ByteBufferKaitaiStream {

    /** A read past the end of the data. */
    static final class Truncated extends RuntimeException {
        final int offset;

        Truncated(String message, int offset) {
            super(message);
            this.offset = offset;
        }
    }

    /** One bit-field read: absolute bit position and width. */
    record BitRead(long absoluteBit, int width) {
    }

    private final byte[] data;
    private final int base;
    private final int length;
    /** Bit reads keyed by (byte position before, byte position after), in read order. */
    private Map<Long, ArrayDeque<BitRead>> bitReads;

    PositionedStream(byte[] data) {
        this(data, 0, data.length);
    }

    /** A stream over {@code data[base, base + length)} whose positions are reported absolute. */
    PositionedStream(byte[] data, int base, int length) {
        super(ByteBuffer.wrap(data, base, length).slice());
        this.data = data;
        this.base = base;
        this.length = length;
    }

    /** Absolute offset of this stream's position 0. */
    int base() {
        return base;
    }

    /** Length of this stream's window. */
    int length() {
        return length;
    }

    @Override
    public KaitaiStream substream(long n) {
        int p = pos();
        if (n < 0 || n > length - p) {
            throw new Truncated("needs " + n + " bytes at offset " + (base + p) + ", "
                + (length - p) + " left", base + p);
        }
        seek(p + (int) n);
        return new PositionedStream(data, base + p, (int) n);
    }

    @Override
    protected byte[] readBytesNotAligned(long n) {
        int p = pos();
        if (n < 0 || n > length - p) {
            throw new Truncated("needs " + n + " bytes at offset " + (base + p) + ", "
                + (length - p) + " left", base + p);
        }
        return super.readBytesNotAligned(n);
    }

    @Override
    public long readBitsIntBe(int n) {
        int before = pos();
        long absoluteBit = (long) (base + before) * 8 - bitsLeft;
        long v = super.readBitsIntBe(n);
        if (bitReads == null) {
            bitReads = new HashMap<>();
        }
        bitReads.computeIfAbsent(key(before, pos()), k -> new ArrayDeque<>())
            .add(new BitRead(absoluteBit, n));
        return v;
    }

    /**
     * The bit read that a field recorded at positions [start, end) of this stream was, taken in
     * read order; null when no bit field was read there.
     */
    BitRead takeBitRead(int start, int end) {
        if (bitReads == null) {
            return null;
        }
        ArrayDeque<BitRead> q = bitReads.get(key(start, end));
        return q == null ? null : q.poll();
    }

    private static long key(int start, int end) {
        return ((long) start << 32) | (end & 0xffffffffL);
    }
}
