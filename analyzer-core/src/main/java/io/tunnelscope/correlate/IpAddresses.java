package io.tunnelscope.correlate;

import io.tunnelscope.decode.Addresses;
import java.nio.ByteBuffer;

/**
 * IP addresses as two longs (the 128 bits of an IPv6 address; IPv4 as IPv4-mapped
 * {@code ::ffff:a.b.c.d}), so observations hold them without objects.
 */
final class IpAddresses {
    private static final long MAPPED = 0x0000_FFFF_0000_0000L;

    private IpAddresses() {
    }

    static boolean isIpv4(long high, long low) {
        return high == 0 && (low & 0xFFFF_FFFF_0000_0000L) == MAPPED;
    }

    /** Whether an IPv6 address is link-local unicast (fe80::/10, RFC 4291 2.5.6). */
    static boolean isIpv6LinkLocal(long high) {
        return (high >>> 54) == 0x3FA;
    }

    /** Whether an IPv6 address is multicast (ff00::/8, RFC 4291 2.7). */
    static boolean isIpv6Multicast(long high) {
        return (high >>> 56) == 0xFF;
    }

    /**
     * Whether an IPv6 packet from {@code src} to {@code dst} stays on its link: a link-local
     * source or destination, the unspecified source (duplicate address detection) or a multicast
     * destination (neighbour discovery, MLD, router solicitations). Routers never forward such a
     * packet (RFC 4291 2.5.6; the ff02:: groups are link scope and nothing here routes multicast),
     * so it is not on its way to any further device. IPv4 packets are never link-scoped here.
     */
    static boolean linkScoped(long srcHigh, long srcLow, long dstHigh, long dstLow) {
        if (isIpv4(srcHigh, srcLow) || isIpv4(dstHigh, dstLow)) {
            return false;
        }
        return isIpv6LinkLocal(srcHigh) || srcHigh == 0 && srcLow == 0
                || isIpv6LinkLocal(dstHigh) || isIpv6Multicast(dstHigh);
    }

    /** The low half of the IPv4-mapped form of {@code address} (the high half is 0). */
    static long mapped(int address) {
        return MAPPED | (address & 0xFFFF_FFFFL);
    }

    /** The IPv4 address as an int (for IPv4-mapped values). */
    static int ipv4(long low) {
        return (int) low;
    }

    static String format(long high, long low) {
        StringBuilder text = new StringBuilder(39);
        if (isIpv4(high, low)) {
            Addresses.appendIpv4(text, ipv4(low));
        } else {
            ByteBuffer bytes = ByteBuffer.allocate(16).putLong(high).putLong(low);
            Addresses.appendIpv6(text, bytes, 0);
        }
        return text.toString();
    }

    /** {@code ip}, or {@code ip:port} ({@code [ip]:port} for IPv6) when {@code port >= 0}. */
    static String format(long high, long low, int port) {
        String address = format(high, low);
        if (port < 0) {
            return address;
        }
        return isIpv4(high, low) ? address + ":" + port : "[" + address + "]:" + port;
    }

    static String formatMac(long mac) {
        StringBuilder text = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            int b = (int) (mac >>> shift) & 0xff;
            text.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
            if (shift > 0) {
                text.append(':');
            }
        }
        return text.toString();
    }
}
