package io.tunnelscope.proto;

import java.nio.ByteBuffer;

/**
 * Base of the protocol flyweights: a buffer, the absolute offset of a header in it and the number
 * of bytes available from there. Getters read big-endian primitives by absolute index and never
 * allocate; callers check {@link #available()} (or a header's {@code isComplete()}) before reading a
 * field, as the decoder does.
 */
public abstract class Flyweight {
    protected ByteBuffer buffer;
    protected int offset;
    protected int available;

    protected final void set(ByteBuffer buf, int off, int avail) {
        this.buffer = buf;
        this.offset = off;
        this.available = Math.max(0, avail);
    }

    /** The wrapped buffer. */
    public final ByteBuffer buffer() { return buffer; }

    /** Absolute offset of the header's first byte. */
    public final int offset() { return offset; }

    /** Bytes available from {@link #offset()} (captured and within the enclosing layer). */
    public final int available() { return available; }

    /**
     * Walks options laid out as IPv4 (RFC 791) and TCP (RFC 9293) lay them out: End (0),
     * No-Operation (1), and type-length-value options, from {@code from} to {@code end} (offsets
     * from the header start).
     *
     * @param kind the option type to find, or -1 to find the first malformed option
     * @return with {@code kind >= 0}, the offset of the first option of that type; with -1, the
     * offset of the first option that overruns {@code end} or has a length below 2; else -1
     */
    protected final int walkOptions(int from, int end, int kind) {
        int i = from;
        while (i < end) {
            int type = u8(i);
            if (type == 0) {
                return -1;
            }
            if (type == 1) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return kind < 0 ? i : -1;
            }
            int len = u8(i + 1);
            if (len < 2 || i + len > end) {
                return kind < 0 ? i : -1;
            }
            if (type == kind) {
                return i;
            }
            i += len;
        }
        return -1;
    }

    protected final int u8(int at) { return buffer.get(offset + at) & 0xff; }

    protected final int u16(int at) { return buffer.getShort(offset + at) & 0xffff; }

    protected final int u24(int at) { return (u8(at) << 16) | u16(at + 1); }

    protected final long u32(int at) { return buffer.getInt(offset + at) & 0xffffffffL; }

    protected final int i32(int at) { return buffer.getInt(offset + at); }
}
