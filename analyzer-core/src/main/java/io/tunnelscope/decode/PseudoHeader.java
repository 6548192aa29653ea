package io.tunnelscope.decode;

import io.tunnelscope.proto.InternetChecksum;
import io.tunnelscope.proto.ipv4.Ipv4Header;
import io.tunnelscope.proto.ipv6.Ipv6ExtensionHeader;
import io.tunnelscope.proto.ipv6.Ipv6Header;
import java.nio.ByteBuffer;

/**
 * The addresses of the pseudo-header a TCP, UDP or ICMPv6 checksum covers, which are not always
 * the ones in the IP header: the final destination of a source-routed packet and the home address
 * of a mobile node. Shared by the decoder (which verifies checksums) and the offload judgement
 * (which recognises a partial checksum as the pseudo-header sum), so both read the same addresses.
 *
 * <ul>
 * <li>IPv4 loose or strict source route (options 131 and 137, RFC 791 section 3.1): while the
 * route is not exhausted (pointer not past the option's length) the final destination is the last
 * address of the route; once it is, the destination field holds it.</li>
 * <li>IPv6 routing header (RFC 8200 section 8.1): types 0 (RFC 2460) and 2 (RFC 6275 section
 * 6.4) with segments left: the last address of the header; type 4, the segment routing header
 * (RFC 8754 section 2): segment 0. With no segments left, the destination field.</li>
 * <li>IPv6 Home Address destination option (type 0xC9, RFC 6275 section 6.3): the home address
 * replaces the source.</li>
 * </ul>
 * Only the first routing header and home address option count; an option or header cut short is
 * ignored (the addresses of the IP header are used). This is what tshark does; tcpdump ignores
 * the route pointer, segments left and the home address option.
 */
public final class PseudoHeader {
    private static final int OPTION_LSRR = 131;
    private static final int OPTION_SSRR = 137;
    private static final int OPTION_HOME_ADDRESS = 0xC9;
    private static final int ROUTING_TYPE_0 = 0;
    private static final int ROUTING_TYPE_2 = 2;
    private static final int ROUTING_TYPE_SEGMENT = 4;

    private PseudoHeader() {
    }

    /**
     * The unfolded sum of the pseudo-header's source and destination addresses for the transport
     * header that follows IP layer {@code ipLayer} (and its extension headers) of {@code stack}.
     * The layer's header must be whole (20+ bytes of IPv4, 40 of IPv6).
     */
    public static long addressSum(LayerStack stack, int ipLayer) {
        ByteBuffer buf = stack.buffer();
        int ip = stack.offset(ipLayer);
        if (stack.type(ipLayer) == LayerType.IPV4) {
            return (buf.getInt(ip + Ipv4Header.SOURCE_OFFSET) & 0xFFFF_FFFFL)
                    + (ipv4Destination(buf, ip, stack.headerLength(ipLayer)) & 0xFFFF_FFFFL);
        }
        int source = ip + Ipv6Header.SOURCE_OFFSET;
        int destination = ip + Ipv6Header.DESTINATION_OFFSET;
        boolean routed = false;
        boolean home = false;
        for (int j = ipLayer + 1; j < stack.count() && LayerType.isIpv6Extension(stack.type(j))
                && stack.depth(j) == stack.depth(ipLayer); j++) {
            int at = stack.offset(j);
            int length = stack.headerLength(j);
            if (stack.type(j) == LayerType.IPV6_ROUTING && !routed && length >= Ipv6ExtensionHeader.MIN_LENGTH) {
                routed = true;
                int final6 = ipv6FinalDestination(buf, at, length);
                if (final6 >= 0) {
                    destination = final6;
                }
            } else if (stack.type(j) == LayerType.IPV6_DESTINATION && !home) {
                int address = homeAddress(buf, at, length);
                if (address >= 0) {
                    home = true;
                    source = address;
                }
            }
        }
        return InternetChecksum.add(0, buf, source, source + 16) + InternetChecksum.add(0, buf, destination,
                destination + 16);
    }

    /**
     * The destination an IPv4 header's source route ends at, else its destination field (as a
     * big-endian int); {@code headerLength} bytes from {@code ip} are read.
     */
    static int ipv4Destination(ByteBuffer buf, int ip, int headerLength) {
        int i = ip + Ipv4Header.MIN_LENGTH;
        int end = ip + headerLength;
        while (i < end) {
            int type = buf.get(i) & 0xff;
            if (type == 0) {
                break;
            }
            if (type == 1) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                break;
            }
            int length = buf.get(i + 1) & 0xff;
            if (length < 2 || i + length > end) {
                break;
            }
            if ((type == OPTION_LSRR || type == OPTION_SSRR) && length >= 7) {
                int pointer = buf.get(i + 2) & 0xff;
                // The pointer is 1-based; past the last address the route is spent and the
                // destination field holds the final destination.
                return pointer <= length ? buf.getInt(i + length - Integer.BYTES)
                    : buf.getInt(ip + Ipv4Header.DESTINATION_OFFSET);
            }
            i += length;
        }
        return buf.getInt(ip + Ipv4Header.DESTINATION_OFFSET);
    }

    /** Offset of the final destination a routing header names, or -1 for the header's own. */
    private static int ipv6FinalDestination(ByteBuffer buf, int at, int length) {
        int type = buf.get(at + Ipv6ExtensionHeader.ROUTING_TYPE_OFFSET) & 0xff;
        int segmentsLeft = buf.get(at + Ipv6ExtensionHeader.SEGMENTS_LEFT_OFFSET) & 0xff;
        int addresses = Ipv6ExtensionHeader.ROUTING_ADDRESSES_OFFSET;
        int address = Ipv6ExtensionHeader.ROUTING_ADDRESS_LENGTH;
        if (segmentsLeft == 0 || length < addresses + address) {
            return -1;
        }
        switch (type) {
            case ROUTING_TYPE_0, ROUTING_TYPE_2:
                return at + addresses + (length - addresses) / address * address - address;
            case ROUTING_TYPE_SEGMENT:
                return at + addresses;
            default:
                return -1;
        }
    }

    /** Offset of the home address in a destination options header, or -1 without one. */
    private static int homeAddress(ByteBuffer buf, int at, int length) {
        int i = at + Ipv6ExtensionHeader.OPTIONS_OFFSET;
        int end = at + length;
        while (i < end) {
            int type = buf.get(i) & 0xff;
            if (type == 0) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return -1;
            }
            int optionLength = buf.get(i + 1) & 0xff;
            if (i + 2 + optionLength > end) {
                return -1;
            }
            if (type == OPTION_HOME_ADDRESS) {
                return optionLength >= 16 ? i + 2 : -1;
            }
            i += 2 + optionLength;
        }
        return -1;
    }
}
