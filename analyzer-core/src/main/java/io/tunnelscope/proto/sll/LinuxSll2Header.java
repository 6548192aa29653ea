package io.tunnelscope.proto.sll;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * Linux cooked capture v2 header (LINKTYPE_LINUX_SLL2,
 * tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Protocol type          |          Reserved (MBZ)       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Interface index                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          ARPHRD_ type         |  Packet type  | Address length|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Link-layer address (8 bytes)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class LinuxSll2Header extends Flyweight {
    public static final int PROTOCOL_OFFSET = 0;
    public static final int RESERVED_OFFSET = 2;
    public static final int INTERFACE_INDEX_OFFSET = 4;
    public static final int ARPHRD_OFFSET = 8;
    public static final int PACKET_TYPE_OFFSET = 10;
    public static final int ADDRESS_LENGTH_OFFSET = 11;
    public static final int ADDRESS_OFFSET = 12;
    public static final int LENGTH = 20;

    public LinuxSll2Header wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    public boolean isComplete() { return available >= LENGTH; }

    public int protocol() { return u16(PROTOCOL_OFFSET); }

    public int interfaceIndex() { return i32(INTERFACE_INDEX_OFFSET); }

    public int arphrdType() { return u16(ARPHRD_OFFSET); }

    public int packetType() { return u8(PACKET_TYPE_OFFSET); }

    public int addressLength() { return u8(ADDRESS_LENGTH_OFFSET); }

    public int addressOffset() { return offset + ADDRESS_OFFSET; }
}
