package io.tunnelscope.proto.ipip;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;

/** IP in IP (RFC 2003), IP protocol 4: Calico's tunl0 and flannel's ipip backend. No header of its own: the inner IPv4 header follows the outer one (IPv6 inside, IP protocol 41, counts as this encapsulation too). */
public final class Ipip {
    public static final int ID = 23;
    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "ipip", "IP-in-IP", Kind.TUNNEL)
        .ipProtocols(4).overhead(20, 40).linuxKinds("ipip", "sit").build();

    private Ipip() {
    }
}
