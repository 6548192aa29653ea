package io.tunnelscope.proto.tcp;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;

/** TCP (RFC 9293), IP protocol 6. */
public final class Tcp {
    public static final int ID = 14;
    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "tcp", "TCP", Kind.TRANSPORT)
        .ipProtocols(6).kaitaiSpec("tcp_segment").build();

    private Tcp() {
    }
}
