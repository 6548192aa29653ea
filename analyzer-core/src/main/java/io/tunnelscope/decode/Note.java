package io.tunnelscope.decode;

/**
 * Expert notes: problems and remarks about a packet that do not stop decoding (or that say why it
 * stopped). A {@link LayerStack} records a note as this constant plus one {@code long} argument,
 * so noting allocates nothing; {@link #describe(long)} renders it at the boundary.
 *
 * <p>The message is a format with at most one {@code %d} (or {@code %x}) for the argument.
 */
public enum Note {
    SNAPLEN_CUT("captured %d bytes less than on the wire"),
    UNSUPPORTED_LINK_TYPE("link type %d is not decoded"),
    NESTING_TOO_DEEP("encapsulation nested deeper than %d levels, not decoded further"),
    TOO_MANY_LAYERS("more than %d layers, not decoded further"),
    ETHERNET_LENGTH_FIELD("802.3 length field %d, not an EtherType"),
    UNKNOWN_ETHERTYPE("EtherType 0x%04x not decoded"),
    IPV4_HEADER_LENGTH_INVALID("IPv4 header length %d below 20"),
    IPV4_TOTAL_LENGTH_INVALID("IPv4 total length %d below its header length"),
    IPV4_TOTAL_LENGTH_EXCEEDS("IPv4 total length %d exceeds the bytes on the wire"),
    IPV4_BAD_CHECKSUM("IPv4 header checksum wrong (computed 0x%04x)"),
    IPV4_OPTIONS_MALFORMED("IPv4 option overruns the header at offset %d"),
    /** An IP header whose version nibble contradicts what announced it: not decoded as either. */
    IP_VERSION_MISMATCH("IP version %d where another was announced, header not decoded"),
    IPV6_PAYLOAD_LENGTH_EXCEEDS("IPv6 payload length %d exceeds the bytes on the wire"),
    IPV6_JUMBOGRAM("IPv6 jumbo payload length %d"),
    IPV6_EXTENSION_CHAIN_TOO_LONG("IPv6 extension chain longer than %d headers"),
    IP_FRAGMENT("fragment at offset %d"),
    UNKNOWN_IP_PROTOCOL("IP protocol %d not decoded"),
    UDP_LENGTH_INVALID("UDP length %d invalid"),
    UDP_BAD_CHECKSUM("UDP checksum wrong (computed 0x%04x)"),
    TCP_HEADER_LENGTH_INVALID("TCP data offset %d below 5"),
    TCP_OPTIONS_MALFORMED("TCP option overruns the header at offset %d"),
    TCP_BAD_CHECKSUM("TCP checksum wrong (computed 0x%04x)"),
    ICMP_BAD_CHECKSUM("ICMP checksum wrong (computed 0x%04x)"),
    ICMP_ERROR_QUOTES_ERROR("ICMP error quoting an ICMP error (type %d), quote not decoded further"),
    VXLAN_FLAGS_INVALID("VXLAN flags 0x%02x lack the I bit"),
    VXLAN_HEURISTIC("VXLAN recognised by its header on UDP port %d"),
    /** A port VXLAN uses by convention only (8472) whose payload contradicts a VXLAN frame. */
    VXLAN_PORT_NOT_VXLAN("UDP port %d carries no consistent VXLAN frame, payload not decoded as VXLAN"),
    /**
     * A port registered for a protocol with a dissect step of its own (WireGuard's 51820) whose
     * payload contradicts that protocol: left as payload.
     */
    PORT_PAYLOAD_CONTRADICTS("UDP port %d carries no consistent message of the protocol registered for it, payload not decoded as it"),
    GENEVE_VERSION_UNKNOWN("Geneve version %d"),
    GENEVE_OPTIONS_OVERRUN("Geneve options length %d overruns the packet"),
    GRE_VERSION_UNKNOWN("GRE version %d"),
    FLANNEL_UDP_NOT_IP("flannel UDP payload starts with IP version %d"),
    ARP_MALFORMED("ARP hardware/protocol lengths %d not understood"),
    /** A header the snaplen cut (argument: the bytes the header needs). */
    HEADER_TRUNCATED("header of %d bytes cut by the snaplen"),
    /** A header that runs past its packet's own declared or on-the-wire end. */
    HEADER_OVERRUNS_PACKET("header of %d bytes runs past the end of the packet"),
    /**
     * A transport (or tunnel) header cut by the end of a first IP fragment, the rest being in the
     * next fragment: a fragment, not a broken packet (argument: the bytes in this fragment).
     */
    FRAGMENT_HEADER_SHORT("header continues in the next fragment (%d bytes in this one)"),
    /** A layer inside an ICMP quote cut short by the quote: normal, not an error. */
    QUOTED_HEADER_SHORT("quoted header cut to %d bytes by the ICMP quote"),
    /** IPv4 total length or IPv6 payload length 0 on a super-frame: TSO/GSO or BIG TCP. */
    BIG_TCP_PRESUMED("IP length field 0, presumed TSO/BIG TCP: real length %d"),
    UDP_LENGTH_ZERO_JUMBO("UDP length 0 in a datagram of %d bytes (jumbogram / BIG TCP)"),
    ICMPV6_BAD_CHECKSUM("ICMPv6 checksum wrong (computed 0x%04x)"),
    IP_VERSION_UNKNOWN("IP version %d not decoded"),
    UNKNOWN_ADDRESS_FAMILY("loopback address family %d not decoded"),
    /** A header field whose value the protocol forbids (argument: its offset in the header): not decoded further. */
    HEADER_FIELD_INVALID("header field at offset %d invalid, not decoded further"),
    /** A protocol's next-protocol field names something not decoded (argument: its value). */
    NEXT_PROTOCOL_UNKNOWN("next protocol 0x%x not decoded"),
    GRE_ROUTING_PRESENT("GRE routing present (flags 0x%04x), payload not decoded"),
    /** The record's wire length is below its captured length: the capture contradicts itself. */
    WIRE_LENGTH_BELOW_CAPTURED("wire length %d below the captured length"),
    /** A wire length no link carries (above {@link PacketDecoder#PLAUSIBLE_WIRE_LENGTH}). */
    WIRE_LENGTH_IMPLAUSIBLE("wire length %d implausible (above 16 MiB)"),
    /** The timestamp's fraction-of-a-second field holds a second or more. */
    TIMESTAMP_FRACTION_INVALID("timestamp fraction of a second is a second or more"),
    /** The timestamp (with the interface's offset) lies outside years 1678 to 2262: clamped. */
    TIMESTAMP_OUT_OF_RANGE("timestamp outside what 64-bit nanoseconds hold, shown as %d");

    private final String format;

    Note(String format) {
        this.format = format;
    }

    /** The note's message with its argument filled in. */
    public String describe(long argument) {
        return format.contains("%") ? String.format(java.util.Locale.ROOT, format, argument) : format;
    }

    private static final Note[] VALUES = values();

    /** The note with this ordinal (as stored in a {@link LayerStack}). */
    public static Note of(int ordinal) {
        return VALUES[ordinal];
    }
}
