package io.tunnelscope.proto.geneve;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;

/** Geneve (RFC 8926) on UDP 6081, as Cilium and OVN use it. Overhead without options: outer IP, UDP 8, Geneve 8, inner Ethernet 14. */
public final class Geneve {
    public static final int ID = 18;
    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "geneve", "Geneve", Kind.TUNNEL)
        .udpPorts(6081).overhead(50, 70).decodeAsTarget().linuxKinds("geneve").kaitaiSpec("geneve_header").build();

    private Geneve() {
    }
}
