package io.tunnelscope.proto.ipv6;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;

/** IPv6 (RFC 8200): EtherType 0x86dd, link type 229 (raw IPv6), IP protocol 41 (IPv6 in IP). */
public final class Ipv6 {
    public static final int ID = 8;
    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "ipv6", "IPv6", Kind.NETWORK)
        .etherTypes(0x86dd).linkTypes(229).ipProtocols(41).kaitaiSpec("ipv6_packet").build();

    private Ipv6() {
    }
}
