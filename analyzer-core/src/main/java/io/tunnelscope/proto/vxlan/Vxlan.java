package io.tunnelscope.proto.vxlan;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;

/** VXLAN (RFC 7348) on IANA's UDP 4789 (Calico, Cilium) and on 8472, Linux's and flannel's default, a convention only (the payload must look like VXLAN there). Overhead: outer IP, UDP 8, VXLAN 8, inner Ethernet 14. */
public final class Vxlan {
    public static final int ID = 17;
    /** IANA's VXLAN port. */
    public static final int IANA_PORT = 4789;
    /** The Linux kernel's default VXLAN port, flannel's. */
    public static final int LINUX_PORT = 8472;
    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "vxlan", "VXLAN", Kind.TUNNEL)
        .udpPorts(IANA_PORT, LINUX_PORT).conventionalUdpPorts(LINUX_PORT).overhead(50, 70).decodeAsTarget().linuxKinds("vxlan")
        .kaitaiSpec("vxlan_header").build();

    private Vxlan() {
    }
}
