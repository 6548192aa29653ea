package io.tunnelscope.decode;

/**
 * Kinds of layers the decoder puts on a {@link LayerStack}. Plain {@code int} constants so the
 * stack stays primitive; {@link #name(int)} gives the display name.
 */
public final class LayerType {
    public static final int ETHERNET = 1;
    /** One 802.1Q or 802.1ad tag. */
    public static final int VLAN = 2;
    /** Linux cooked capture v1. */
    public static final int LINUX_SLL = 3;
    /** Linux cooked capture v2. */
    public static final int LINUX_SLL2 = 4;
    /** BSD/OpenBSD loopback (LINKTYPE_NULL / LINKTYPE_LOOP) header. */
    public static final int LOOPBACK = 5;
    public static final int ARP = 6;
    public static final int IPV4 = 7;
    public static final int IPV6 = 8;
    public static final int IPV6_HOP_BY_HOP = 9;
    public static final int IPV6_ROUTING = 10;
    public static final int IPV6_FRAGMENT = 11;
    public static final int IPV6_DESTINATION = 12;
    public static final int UDP = 13;
    public static final int TCP = 14;
    public static final int ICMP = 15;
    public static final int ICMPV6 = 16;
    /** VXLAN header (RFC 7348); the next layer is the inner Ethernet frame. */
    public static final int VXLAN = 17;
    /** Geneve header with options (RFC 8926). */
    public static final int GENEVE = 18;
    /** GRE header (RFC 2784/2890). */
    public static final int GRE = 19;
    /**
     * flannel's UDP backend: a zero-length marker layer at the start of the UDP payload, which is a
     * bare IPv4/IPv6 packet.
     */
    public static final int FLANNEL_UDP = 20;
    /** Bytes no dissector claimed: application data, or an unknown protocol. */
    public static final int PAYLOAD = 21;
    /** A non-first IP fragment: the bytes are a piece of a payload that cannot be dissected alone. */
    public static final int FRAGMENT_DATA = 22;

    private static final String[] NAMES = {
        "?", "Ethernet", "VLAN", "SLL", "SLL2", "Loopback", "ARP", "IPv4", "IPv6",
        "IPv6 hop-by-hop", "IPv6 routing", "IPv6 fragment", "IPv6 destination options",
        "UDP", "TCP", "ICMP", "ICMPv6", "VXLAN", "Geneve", "GRE", "flannel-udp", "Payload",
        "Fragment data",
    };

    private LayerType() {
    }

    /** Display name of a layer type. */
    public static String name(int type) {
        return type > 0 && type < NAMES.length ? NAMES[type] : "layer" + type;
    }

    /** True for IPv4 and IPv6 network headers (not extension headers). */
    public static boolean isIp(int type) {
        return type == IPV4 || type == IPV6;
    }

    /** True for IPv6 extension headers. */
    public static boolean isIpv6Extension(int type) {
        return type >= IPV6_HOP_BY_HOP && type <= IPV6_DESTINATION;
    }

    /** True for the link-layer headers a capture starts with. */
    public static boolean isLink(int type) {
        return type >= ETHERNET && type <= LOOPBACK;
    }
}
