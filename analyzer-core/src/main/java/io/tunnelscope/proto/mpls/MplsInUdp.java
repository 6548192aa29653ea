package io.tunnelscope.proto.mpls;

import io.tunnelscope.proto.DissectCursor;
import io.tunnelscope.proto.Dissector;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;

/**
 * MPLS-in-UDP (RFC 7510) on UDP 6635: the tunnel, a zero-length marker layer at the start of the
 * UDP payload (as flannel's UDP backend has), then the {@link Mpls} label stack one encapsulation
 * deeper. Wireshark dissects the same bytes as {@code mpls}. Overhead with one label: outer IP,
 * UDP 8, label 4.
 */
public final class MplsInUdp {
    public static final int ID = 32;
    public static final int PORT = 6635;
    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "mpls-udp", "MPLS-in-UDP", Kind.TUNNEL)
        .udpPorts(PORT).overhead(32, 52).wiresharkName("mpls").decodeAsTarget().dissector(MplsInUdp::dissect).build();

    private MplsInUdp() {
    }

    static int dissect(DissectCursor c) {
        if (!c.header(ID, 0) || !c.enterTunnel()) {
            return Dissector.STOP;
        }
        return Mpls.ID;
    }
}
