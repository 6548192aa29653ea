package io.tunnelscope.proto.ppp;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * The PPP header (RFC 1661 section 2) as a capture of link type 9 or GRE (PPTP, RFC 2637) shows
 * it: the HDLC-like address and control bytes {@code 0xff 0x03} of RFC 1662 when present (a frame
 * starting with 0xff has them, as tshark reads it), then the protocol field, one byte when
 * compressed (RFC 1661 section 6.5: an odd first byte), else two.
 *
 * <pre>
 * +----------+----------+----------------+
 * | Address  | Control  |   Protocol     |
 * |   0xff   |   0x03   | 8 or 16 bits   |
 * +----------+----------+----------------+
 * </pre>
 */
public final class PppHeader extends Flyweight {
    public static final int ADDRESS_ALL_STATIONS = 0xff;
    public static final int ADDRESS_CONTROL_LENGTH = 2;
    public static final int PROTOCOL_IPV4 = 0x0021;
    public static final int PROTOCOL_IPV6 = 0x0057;
    public static final int PROTOCOL_MPLS_UNICAST = 0x0281;
    public static final int PROTOCOL_MPLS_MULTICAST = 0x0283;

    public PppHeader wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    public boolean hasAddressControl() { return available >= 1 && u8(0) == ADDRESS_ALL_STATIONS; }

    private int protocolOffset() { return hasAddressControl() ? ADDRESS_CONTROL_LENGTH : 0; }

    /** The header's length (the first protocol byte must be available to tell 3 from 4). */
    public int headerLength() {
        int at = protocolOffset();
        if (available <= at) {
            return at + 2;
        }
        return at + ((u8(at) & 1) != 0 ? 1 : 2);
    }

    /** The protocol field (the header must be whole). */
    public int protocol() {
        int at = protocolOffset();
        return (u8(at) & 1) != 0 ? u8(at) : u16(at);
    }
}
