package io.tunnelscope.proto.arp;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;

/** ARP (RFC 826), EtherType 0x0806. */
public final class Arp {
    public static final int ID = 6;
    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "arp", "ARP", Kind.NETWORK)
        .etherTypes(0x0806).build();

    private Arp() {
    }
}
