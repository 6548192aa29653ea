package io.tunnelscope.proto.iana;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;

/** IP protocols the decoder leaves as payload but names, as tcpdump and the filter do (IANA protocol numbers). */
public final class NamedIpProtocols {
    public static final ProtocolDescriptor IGMP = ProtocolDescriptor.builder(24, "igmp", "IGMP", Kind.OTHER)
        .ipProtocols(2).build();
    public static final ProtocolDescriptor ESP = ProtocolDescriptor.builder(25, "esp", "ESP", Kind.OTHER)
        .ipProtocols(50).build();
    public static final ProtocolDescriptor AH = ProtocolDescriptor.builder(26, "ah", "AH", Kind.OTHER)
        .ipProtocols(51).build();
    public static final ProtocolDescriptor SCTP = ProtocolDescriptor.builder(27, "sctp", "SCTP", Kind.OTHER)
        .ipProtocols(132).build();

    private NamedIpProtocols() {
    }
}
