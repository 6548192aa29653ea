package io.tunnelscope.proto.vxlangpe;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * The VXLAN-GPE header (draft-ietf-nvo3-vxlan-gpe-12 section 3.2), carried in UDP (IANA port 4790):
 * VXLAN's 8 bytes with a version, three more flags and a next protocol byte.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |R|R|Ver|I|P|B|O|       Reserved                |Next Protocol  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                VXLAN Network Identifier (VNI) |   Reserved    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * I: the VNI is valid; P: the next protocol field is present (else, says the draft, the field is
 * zero and an Ethernet frame follows, as in VXLAN); B: the packet is broadcast, unknown unicast or
 * multicast (BUM) traffic; O: an OAM packet. Version 0 is the only one defined.
 */
public final class VxlanGpeHeader extends Flyweight {
    public static final int LENGTH = 8;
    public static final int FLAGS_OFFSET = 0;
    public static final int NEXT_PROTOCOL_OFFSET = 3;
    public static final int VNI_OFFSET = 4;
    public static final int VERSION_MASK = 0x30;
    public static final int VERSION_SHIFT = 4;
    /** The I flag: the VNI is valid. */
    public static final int FLAG_I = 0x08;
    /** The P flag: the next protocol field is present. */
    public static final int FLAG_P = 0x04;
    /** The B flag: broadcast, unknown unicast or multicast traffic. */
    public static final int FLAG_B = 0x02;
    /** The O flag: an OAM packet. */
    public static final int FLAG_O = 0x01;

    /** Next protocol values (the draft's IANA registry; 5, MPLS, from its earlier versions). */
    public static final int NEXT_IPV4 = 1;
    public static final int NEXT_IPV6 = 2;
    public static final int NEXT_ETHERNET = 3;
    public static final int NEXT_NSH = 4;
    public static final int NEXT_MPLS = 5;

    public VxlanGpeHeader wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    public boolean isComplete() { return available >= LENGTH; }

    public int flags() { return u8(FLAGS_OFFSET); }

    public int version() { return (flags() & VERSION_MASK) >>> VERSION_SHIFT; }

    public boolean vniValid() { return (flags() & FLAG_I) != 0; }

    public boolean nextProtocolPresent() { return (flags() & FLAG_P) != 0; }

    public boolean bum() { return (flags() & FLAG_B) != 0; }

    public boolean oam() { return (flags() & FLAG_O) != 0; }

    public int nextProtocol() { return u8(NEXT_PROTOCOL_OFFSET); }

    /** The 24-bit VNI. */
    public int vni() { return u24(VNI_OFFSET); }

    /** The 24-bit VNI of the header at absolute index {@code at}, without wrapping a flyweight. */
    public static int vni(ByteBuffer b, int at) {
        return ((b.get(at + VNI_OFFSET) & 0xff) << 16) | (b.getShort(at + VNI_OFFSET + 1) & 0xffff);
    }

    /** True when the two high flag bits, bytes 1-2 and byte 7 are zero. */
    public boolean reservedZero() {
        return (flags() & 0xc0) == 0 && u16(1) == 0 && u8(7) == 0;
    }

    /** tcpdump's name of a next protocol value ({@code IPv4}), or null for one without a name. */
    public static String nextProtocolName(int value) {
        switch (value) {
            case NEXT_IPV4: return "IPv4";
            case NEXT_IPV6: return "IPv6";
            case NEXT_ETHERNET: return "Ethernet";
            case NEXT_NSH: return "NSH";
            case NEXT_MPLS: return "MPLS";
            default: return null;
        }
    }
}
