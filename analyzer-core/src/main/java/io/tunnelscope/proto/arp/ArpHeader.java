package io.tunnelscope.proto.arp;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * ARP packet (RFC 826); the address fields are laid out for Ethernet/IPv4 (hardware length 6,
 * protocol length 4), which {@link #isEthernetIpv4()} checks.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Hardware type         |         Protocol type         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  HW addr len  | Proto addr len|           Operation           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Sender hardware address (hlen) | Sender protocol address (plen)|
 * | Target hardware address (hlen) | Target protocol address (plen)|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class ArpHeader extends Flyweight {
    public static final int HARDWARE_TYPE_OFFSET = 0;
    public static final int PROTOCOL_TYPE_OFFSET = 2;
    public static final int HARDWARE_LENGTH_OFFSET = 4;
    public static final int PROTOCOL_LENGTH_OFFSET = 5;
    public static final int OPERATION_OFFSET = 6;
    public static final int ADDRESSES_OFFSET = 8;
    public static final int FIXED_LENGTH = 8;
    /** Length of an Ethernet/IPv4 ARP packet. */
    public static final int ETHERNET_IPV4_LENGTH = 28;
    /** Hardware address length of Ethernet. */
    public static final int ETHERNET_LENGTH = 6;
    /** Protocol address length of IPv4. */
    public static final int IPV4_LENGTH = 4;

    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;

    public ArpHeader wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    public int hardwareType() { return u16(HARDWARE_TYPE_OFFSET); }

    public int protocolType() { return u16(PROTOCOL_TYPE_OFFSET); }

    public int hardwareLength() { return u8(HARDWARE_LENGTH_OFFSET); }

    public int protocolLength() { return u8(PROTOCOL_LENGTH_OFFSET); }

    public int operation() { return u16(OPERATION_OFFSET); }

    /** Whole length implied by the address lengths. */
    public int length() { return FIXED_LENGTH + 2 * hardwareLength() + 2 * protocolLength(); }

    public boolean isEthernetIpv4() {
        return hasEthernetIpv4Lengths() && protocolType() == 0x0800;
    }

    /** True when the address lengths are Ethernet's (6) and IPv4's (4), whatever the types say. */
    public boolean hasEthernetIpv4Lengths() {
        return hardwareLength() == ETHERNET_LENGTH && protocolLength() == IPV4_LENGTH;
    }

    public int senderHardwareOffset() { return offset + ADDRESSES_OFFSET; }

    public int senderProtocolOffset() { return offset + ADDRESSES_OFFSET + hardwareLength(); }

    public int targetHardwareOffset() { return senderProtocolOffset() + protocolLength(); }

    public int targetProtocolOffset() { return targetHardwareOffset() + hardwareLength(); }

    /** Sender IPv4 address (valid when {@link #isEthernetIpv4()}). */
    public int senderIpv4() { return buffer.getInt(senderProtocolOffset()); }

    /** Target IPv4 address (valid when {@link #isEthernetIpv4()}). */
    public int targetIpv4() { return buffer.getInt(targetProtocolOffset()); }
}
