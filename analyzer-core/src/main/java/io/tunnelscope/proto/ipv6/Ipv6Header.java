package io.tunnelscope.proto.ipv6;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * IPv6 fixed header (RFC 8200 section 3).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Source Address (16 bytes)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Destination Address (16 bytes)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Ipv6Header extends Flyweight {
    public static final int VERSION_CLASS_FLOW_OFFSET = 0;
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    public static final int NEXT_HEADER_OFFSET = 6;
    public static final int HOP_LIMIT_OFFSET = 7;
    public static final int SOURCE_OFFSET = 8;
    public static final int DESTINATION_OFFSET = 24;
    public static final int LENGTH = 40;

    public static final int NEXT_HOP_BY_HOP = 0;
    public static final int NEXT_ROUTING = 43;
    public static final int NEXT_FRAGMENT = 44;
    public static final int NEXT_NONE = 59;
    public static final int NEXT_DESTINATION = 60;

    public Ipv6Header wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    public boolean isComplete() { return available >= LENGTH; }

    public int version() { return u8(0) >>> 4; }

    public int trafficClass() { return (i32(VERSION_CLASS_FLOW_OFFSET) >>> 20) & 0xff; }

    public int flowLabel() { return i32(VERSION_CLASS_FLOW_OFFSET) & 0xfffff; }

    public int payloadLength() { return u16(PAYLOAD_LENGTH_OFFSET); }

    public int nextHeader() { return u8(NEXT_HEADER_OFFSET); }

    // Static readers of the fields every packet's flow key needs: no flyweight state to set, for
    // the hot accessors of PacketView (header at absolute index {@code at}; the caller checked the
    // header is there).

    public static int payloadLength(ByteBuffer b, int at) { return b.getShort(at + PAYLOAD_LENGTH_OFFSET) & 0xffff; }

    public static int nextHeader(ByteBuffer b, int at) { return b.get(at + NEXT_HEADER_OFFSET) & 0xff; }

    public int hopLimit() { return u8(HOP_LIMIT_OFFSET); }

    /** Absolute offset of the 16-byte source address. */
    public int sourceOffset() { return offset + SOURCE_OFFSET; }

    public int destinationOffset() { return offset + DESTINATION_OFFSET; }

    /** True for the next-header values of the extension headers this project walks. */
    public static boolean isExtension(int nextHeader) {
        return nextHeader == NEXT_HOP_BY_HOP || nextHeader == NEXT_ROUTING
            || nextHeader == NEXT_FRAGMENT || nextHeader == NEXT_DESTINATION;
    }
}
