package io.tunnelscope.proto.ipv4;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;

/** IPv4 (RFC 791): EtherType 0x0800, link type 228 (raw IPv4). IP protocol 4 (IPv4 in IP) is {@code ipip}'s. */
public final class Ipv4 {
    public static final int ID = 7;
    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "ip", "IPv4", Kind.NETWORK)
        .etherTypes(0x0800).linkTypes(228).kaitaiSpec("ipv4_packet").build();

    private Ipv4() {
    }
}
