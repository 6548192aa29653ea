package io.tunnelscope.proto.udp;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;

/** UDP (RFC 768), IP protocol 17. */
public final class Udp {
    public static final int ID = 13;
    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "udp", "UDP", Kind.TRANSPORT)
        .ipProtocols(17).kaitaiSpec("udp_datagram").build();

    private Udp() {
    }
}
