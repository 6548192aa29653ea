package io.tunnelscope.proto.vxlan;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * VXLAN header (RFC 7348 section 5), carried in UDP (IANA port 4789; Linux and flannel use 8472).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |R|R|R|R|I|R|R|R|            Reserved                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                VXLAN Network Identifier (VNI) |   Reserved    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * The inner Ethernet frame follows.
 */
public final class VxlanHeader extends Flyweight {
    public static final int FLAGS_OFFSET = 0;
    public static final int VNI_OFFSET = 4;
    public static final int LENGTH = 8;
    /** The I flag: the VNI is valid. */
    public static final int FLAG_I = 0x08;

    public VxlanHeader wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    public boolean isComplete() { return available >= LENGTH; }

    public int flags() { return u8(FLAGS_OFFSET); }

    /** The flags byte and the first reserved byte as one 16-bit field (Wireshark's vxlan.flags). */
    public int flagsField() { return u16(FLAGS_OFFSET); }

    public boolean vniValid() { return (flags() & FLAG_I) != 0; }

    /** The 24-bit VNI. */
    public int vni() { return u24(VNI_OFFSET); }

    /** The 24-bit VNI of the header at absolute index {@code at}, without wrapping a flyweight. */
    public static int vni(ByteBuffer b, int at) {
        return ((b.get(at + VNI_OFFSET) & 0xff) << 16) | (b.getShort(at + VNI_OFFSET + 1) & 0xffff);
    }

    /** True when the reserved bytes 1-3 and 7 are zero. */
    public boolean reservedZero() {
        return u8(1) == 0 && u16(2) == 0 && u8(7) == 0;
    }
}
