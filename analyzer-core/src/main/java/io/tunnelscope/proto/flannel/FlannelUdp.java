package io.tunnelscope.proto.flannel;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;

/** flannel's UDP backend (UDP 8285): the payload is a bare IPv4/IPv6 packet from the flannel0 TUN device; a zero-length marker layer. Overhead: outer IP and UDP 8. */
public final class FlannelUdp {
    public static final int ID = 20;
    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "flannel-udp", "flannel-udp", Kind.TUNNEL)
        .wiresharkName("ip").udpPorts(8285).overhead(28, 48).decodeAsTarget().linuxKinds("tun").build();

    private FlannelUdp() {
    }
}
