package io.tunnelscope.proto.gre;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;

/** GRE (RFC 2784, RFC 2890), IP protocol 47. Overhead of a plain header: outer IP and GRE 4. */
public final class Gre {
    public static final int ID = 19;
    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "gre", "GRE", Kind.TUNNEL)
        .ipProtocols(47).overhead(24, 44).linuxKinds("gre", "gretap").build();

    private Gre() {
    }
}
