package io.tunnelscope.proto.ipv6;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;

/** IPv6 extension headers (RFC 8200 section 4), a layer type each. */
public final class Ipv6Extensions {
    public static final int HOP_BY_HOP_ID = 9;
    public static final int ROUTING_ID = 10;
    public static final int FRAGMENT_ID = 11;
    public static final int DESTINATION_ID = 12;
    public static final ProtocolDescriptor HOP_BY_HOP = ProtocolDescriptor.builder(HOP_BY_HOP_ID, "hopopt", "IPv6 hop-by-hop", Kind.NETWORK)
        .ipProtocols(0).build();
    public static final ProtocolDescriptor ROUTING = ProtocolDescriptor.builder(ROUTING_ID, "ipv6-route", "IPv6 routing", Kind.NETWORK)
        .ipProtocols(43).build();
    public static final ProtocolDescriptor FRAGMENT = ProtocolDescriptor.builder(FRAGMENT_ID, "ipv6-frag", "IPv6 fragment", Kind.NETWORK)
        .ipProtocols(44).build();
    public static final ProtocolDescriptor DESTINATION = ProtocolDescriptor.builder(DESTINATION_ID, "ipv6-opts", "IPv6 destination options", Kind.NETWORK)
        .ipProtocols(60).build();

    /** True for the four extension header ids. */
    public static boolean isExtension(int id) {
        return id >= HOP_BY_HOP_ID && id <= DESTINATION_ID;
    }

    private Ipv6Extensions() {
    }
}
