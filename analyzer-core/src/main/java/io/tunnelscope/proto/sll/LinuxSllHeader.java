package io.tunnelscope.proto.sll;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * Linux cooked capture v1 header (LINKTYPE_LINUX_SLL, tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html).
 *
 * <pre>
 * +---------------------------+
 * |  Packet type (2)          |  0 to us, 1 broadcast, 2 multicast, 3 other host, 4 sent by us
 * +---------------------------+
 * |  ARPHRD_ type (2)         |
 * +---------------------------+
 * |  Link-layer address len(2)|
 * +---------------------------+
 * |  Link-layer address (8)   |
 * +---------------------------+
 * |  Protocol type (2)        |  an EtherType for most ARPHRD types
 * +---------------------------+
 * </pre>
 */
public final class LinuxSllHeader extends Flyweight {
    public static final int PACKET_TYPE_OFFSET = 0;
    public static final int ARPHRD_OFFSET = 2;
    public static final int ADDRESS_LENGTH_OFFSET = 4;
    public static final int ADDRESS_OFFSET = 6;
    public static final int PROTOCOL_OFFSET = 14;
    public static final int LENGTH = 16;

    public LinuxSllHeader wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    public boolean isComplete() { return available >= LENGTH; }

    public int packetType() { return u16(PACKET_TYPE_OFFSET); }

    public int arphrdType() { return u16(ARPHRD_OFFSET); }

    public int addressLength() { return u16(ADDRESS_LENGTH_OFFSET); }

    /** Absolute offset of the (up to 8-byte) link-layer address. */
    public int addressOffset() { return offset + ADDRESS_OFFSET; }

    public int protocol() { return u16(PROTOCOL_OFFSET); }
}
