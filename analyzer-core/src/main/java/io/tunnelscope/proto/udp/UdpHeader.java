package io.tunnelscope.proto.udp;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * UDP header (RFC 768). A length of 0 marks an IPv6 jumbogram (RFC 2675 section 4), and is also
 * what BIG TCP / GSO super-frames carry in the outer UDP of a tunnel.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Length             |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class UdpHeader extends Flyweight {
    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int LENGTH_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 6;
    public static final int LENGTH = 8;

    public UdpHeader wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    public boolean isComplete() { return available >= LENGTH; }

    public int sourcePort() { return u16(SOURCE_PORT_OFFSET); }

    public int destinationPort() { return u16(DESTINATION_PORT_OFFSET); }

    // Static readers of the fields every packet's flow key needs: no flyweight state to set, for
    // the hot accessors of PacketView (header at absolute index {@code at}; the caller checked the
    // header is there).

    public static int sourcePort(ByteBuffer b, int at) { return b.getShort(at + SOURCE_PORT_OFFSET) & 0xffff; }

    public static int destinationPort(ByteBuffer b, int at) { return b.getShort(at + DESTINATION_PORT_OFFSET) & 0xffff; }

    public int length() { return u16(LENGTH_OFFSET); }

    public int checksum() { return u16(CHECKSUM_OFFSET); }
}
