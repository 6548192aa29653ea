package io.tunnelscope.proto.icmp;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;

/** ICMP (RFC 792), IP protocol 1. */
public final class Icmp {
    public static final int ID = 15;
    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "icmp", "ICMP", Kind.TRANSPORT)
        .ipProtocols(1).kaitaiSpec("icmp_packet").build();

    private Icmp() {
    }
}
