package io.tunnelscope.decode;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.Protocols;

/**
 * Names of IP protocol numbers, from the registry ({@link Protocols#byIpProtocol(int)}): as the
 * JSON contracts, reports and filter spell them ({@code icmp}, {@code tcp}, {@code udp},
 * {@code icmpv6}, {@code ipip}), or as tcpdump does ({@code icmp6}, {@code ip-proto-N}).
 */
public final class IpProtocols {
    private IpProtocols() {
    }

    /** The name of a protocol number, or null for numbers without a protocol. */
    public static String name(int protocol) {
        ProtocolDescriptor d = Protocols.byIpProtocol(protocol);
        return d != null ? d.name() : null;
    }

    /** The name, or the number as text for protocols without one. */
    public static String nameOrNumber(int protocol) {
        String name = name(protocol);
        return name != null ? name : Integer.toString(protocol);
    }

    /** tcpdump's word for a protocol number: {@code icmp6}, {@code ipip}; {@code ip-proto-N} else. */
    public static String tcpdumpName(int protocol) {
        ProtocolDescriptor d = Protocols.byIpProtocol(protocol);
        return d != null ? d.tcpdumpName() : "ip-proto-" + protocol;
    }

    /** The number of a protocol name (case-insensitive), or -1. */
    public static int number(String name) {
        ProtocolDescriptor d = Protocols.byName(name);
        if (d == null) {
            return -1;
        }
        int[] numbers = d.ipProtocols();
        return numbers.length > 0 ? numbers[0] : -1;
    }
}
