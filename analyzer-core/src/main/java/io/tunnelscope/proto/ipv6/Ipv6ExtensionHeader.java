package io.tunnelscope.proto.ipv6;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * An IPv6 extension header (RFC 8200 section 4): hop-by-hop options (0), routing (43), fragment
 * (44) or destination options (60). All start with next header and (except fragment) a length in
 * 8-byte units not counting the first 8 bytes.
 *
 * <pre>
 * Generic (hop-by-hop, routing, destination options):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |  Hdr Ext Len  |   type-specific data ...      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Fragment (RFC 8200 section 4.5):
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Identification                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Hop-by-hop option Jumbo Payload (RFC 2675): type 0xC2, length 4, 32-bit payload length.
 */
public final class Ipv6ExtensionHeader extends Flyweight {
    public static final int NEXT_HEADER_OFFSET = 0;
    public static final int LENGTH_OFFSET = 1;
    public static final int FRAGMENT_OFFSET_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int OPTIONS_OFFSET = 2;
    /** Routing header (RFC 8200 section 4.4): the routing type. */
    public static final int ROUTING_TYPE_OFFSET = 2;
    /** Routing header: segments left. */
    public static final int SEGMENTS_LEFT_OFFSET = 3;
    /**
     * Routing header: where the addresses of types 0 (RFC 2460), 2 (RFC 6275 section 6.4) and
     * the segment list of type 4 (RFC 8754 section 2) start.
     */
    public static final int ROUTING_ADDRESSES_OFFSET = 8;
    /** Length of an address in a routing header. */
    public static final int ROUTING_ADDRESS_LENGTH = 16;
    public static final int MIN_LENGTH = 8;
    public static final int FRAGMENT_LENGTH = 8;

    public static final int OPTION_PAD1 = 0;
    public static final int OPTION_JUMBO = 0xc2;

    private int kind;

    /**
     * Wraps an extension header.
     *
     * @param headerKind the next-header value that announced it (0, 43, 44 or 60)
     */
    public Ipv6ExtensionHeader wrap(ByteBuffer buf, int off, int avail, int headerKind) {
        set(buf, off, avail);
        this.kind = headerKind;
        return this;
    }

    public int kind() { return kind; }

    public int nextHeader() { return u8(NEXT_HEADER_OFFSET); }

    /** Length of this header in bytes. */
    public int length() {
        return kind == Ipv6Header.NEXT_FRAGMENT ? FRAGMENT_LENGTH : (u8(LENGTH_OFFSET) + 1) * 8;
    }

    /** Fragment header: offset in bytes. */
    public int fragmentOffset() { return u16(FRAGMENT_OFFSET_OFFSET) & 0xfff8; }

    /** Fragment header: M flag. */
    public boolean moreFragments() { return (u16(FRAGMENT_OFFSET_OFFSET) & 1) != 0; }

    /** Fragment header: identification (unsigned). */
    public long identification() { return u32(IDENTIFICATION_OFFSET); }

    /**
     * Hop-by-hop: the Jumbo Payload length, -1 when absent or when an option overruns the header.
     * Requires {@link #length()} bytes to be available.
     */
    public long jumboPayloadLength() {
        int len = length();
        int i = OPTIONS_OFFSET;
        while (i < len) {
            int type = u8(i);
            if (type == OPTION_PAD1) {
                i++;
                continue;
            }
            if (i + 1 >= len) {
                return -1;
            }
            int optLen = u8(i + 1);
            if (i + 2 + optLen > len) {
                return -1;
            }
            if (type == OPTION_JUMBO && optLen == 4) {
                return u32(i + 2);
            }
            i += 2 + optLen;
        }
        return -1;
    }
}
