package io.tunnelscope.anomaly;

import io.tunnelscope.decode.Addresses;

/** IPv4 addresses between their int and dotted forms; IPv6 from their 128 bits to RFC 5952 text. */
final class IpText {
    private IpText() {
    }

    static int ipv4(String dotted) {
        String[] parts = dotted.split("\\.");
        int value = 0;
        for (String part : parts) {
            value = (value << 8) | Integer.parseInt(part);
        }
        return value;
    }

    static String format(int address) {
        return Addresses.ipv4(address);
    }

    /** The IPv6 address of the bits {@code high/low} in RFC 5952 form. */
    static String formatIpv6(long high, long low) {
        StringBuilder text = new StringBuilder(39);
        Addresses.appendIpv6(text, java.nio.ByteBuffer.allocate(16).putLong(high).putLong(low), 0);
        return text.toString();
    }

}
