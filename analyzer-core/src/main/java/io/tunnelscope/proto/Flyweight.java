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

    protected final int u8(int at) { return buffer.get(offset + at) & 0xff; }

    protected final int u16(int at) { return buffer.getShort(offset + at) & 0xffff; }

    protected final int u24(int at) { return (u8(at) << 16) | u16(at + 1); }

    protected final long u32(int at) { return buffer.getInt(offset + at) & 0xffffffffL; }

    protected final int i32(int at) { return buffer.getInt(offset + at); }
}
