package io.tunnelscope.proto.icmpv6;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;

/** ICMPv6 (RFC 4443), IP protocol 58 (tcpdump's word: icmp6). */
public final class Icmpv6 {
    public static final int ID = 16;
    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "icmpv6", "ICMPv6", Kind.TRANSPORT)
        .tcpdumpName("icmp6").ipProtocols(58).build();

    private Icmpv6() {
    }
}
