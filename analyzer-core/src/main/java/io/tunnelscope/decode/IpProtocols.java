package io.tunnelscope.decode;

/**
 * Names of the IP protocols (IANA protocol numbers) as the JSON contracts and reports spell them:
 * {@code icmp}, {@code tcp}, {@code udp}, {@code icmpv6}. The one-line text uses tcpdump's words
 * instead ({@link PacketLineFormatter}).
 */
public final class IpProtocols {
    private IpProtocols() {
    }

    /** The name of a protocol number, or null for the others. */
    public static String name(int protocol) {
        switch (protocol) {
            case 1: return "icmp";
            case 6: return "tcp";
            case 17: return "udp";
            case 58: return "icmpv6";
            default: return null;
        }
    }

    /** The name, or the number as text for protocols without one. */
    public static String nameOrNumber(int protocol) {
        String name = name(protocol);
        return name != null ? name : Integer.toString(protocol);
    }
}
