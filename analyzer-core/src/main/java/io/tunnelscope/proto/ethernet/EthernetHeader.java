package io.tunnelscope.proto.ethernet;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * Ethernet II header (IEEE 802.3 clause 3.1.1, EtherType per RFC 894).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   Destination MAC (6 bytes)                   |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+      Source MAC (6 bytes)     +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     EtherType / Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * A type below {@link #MIN_ETHERTYPE} is an 802.3 length field.
 */
public final class EthernetHeader extends Flyweight {
    public static final int DESTINATION_OFFSET = 0;
    public static final int SOURCE_OFFSET = 6;
    public static final int TYPE_OFFSET = 12;
    public static final int LENGTH = 14;
    /** Values from here on are EtherTypes; below, 802.3 lengths. */
    public static final int MIN_ETHERTYPE = 0x0600;

    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final int TYPE_IPV6 = 0x86dd;
    public static final int TYPE_TRANSPARENT_ETHERNET = 0x6558;

    public EthernetHeader wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    public boolean isComplete() { return available >= LENGTH; }

    /** Absolute offset of the destination MAC. */
    public int destinationOffset() { return offset + DESTINATION_OFFSET; }

    /** Absolute offset of the source MAC. */
    public int sourceOffset() { return offset + SOURCE_OFFSET; }

    /** EtherType (or 802.3 length). */
    public int etherType() { return u16(TYPE_OFFSET); }
}
