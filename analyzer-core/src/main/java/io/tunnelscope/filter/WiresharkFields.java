package io.tunnelscope.filter;

import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.filter.Filter.Context;
import io.tunnelscope.filter.Filter.Extractor;
import io.tunnelscope.filter.Filter.Field;
import io.tunnelscope.filter.Filter.Kind;
import io.tunnelscope.filter.Filter.What;
import io.tunnelscope.flow.TcpAnalysis;
import io.tunnelscope.flow.TcpFacts;
import io.tunnelscope.proto.arp.ArpHeader;
import io.tunnelscope.proto.tcp.TcpHeader;
import java.util.ArrayList;
import java.util.List;

/**
 * The filter fields with Wireshark's names for what Tunnelscope decodes ({@code frame.*},
 * {@code eth.*}, {@code vlan.id}, {@code arp.*}, {@code ip.*}, {@code ipv6.*}, {@code udp.*},
 * {@code tcp.*} with its flags and {@code tcp.analysis.*}, {@code icmp.*}, {@code icmpv6.*},
 * {@code vxlan.*}, {@code geneve.vni}, {@code gre.*}), as a Wireshark user types them first.
 *
 * <p>As in Wireshark, a field names every occurrence in the packet: {@code ip.src == X} is true
 * when the outer or the inner IPv4 header has that source, {@code udp.port == 8472} when any UDP
 * header has that port. Tunnelscope looks at the first and the innermost occurrence (the outer and
 * inner levels of {@link Filter}) and, as Wireshark, the headers an ICMP error quotes
 * ({@code tcp.port == 5201} also finds the "fragmentation needed" errors about that flow).
 * {@code ip.*} is IPv4 and {@code ipv6.*} IPv6 ({@code ip.proto} and {@code ip.ttl} also read an
 * IPv6 header's next header and hop limit); the project's own {@code src}, {@code dst},
 * {@code addr}, {@code proto} and {@code ttl} (with or without {@code outer.}/{@code inner.}) take
 * either version and no quoted header. For the frame that completes a reassembled datagram,
 * {@code ip.len}, {@code ipv6.plen}, {@code ip.frag_offset} and {@code ip.flags.mf} are the frame's
 * own fragment header's, as in Wireshark, while the layers inside come from the datagram. Booleans
 * ({@code tcp.flags.syn}) compare with {@code 1}/{@code 0} or {@code true}/{@code false}; a field
 * alone tests that the packet has it, so {@code tcp.flags.syn} alone is every TCP packet, as in
 * Wireshark. Times are written in seconds ({@code tcp.analysis.ack_rtt > 0.2}). The
 * {@code tcp.analysis.*} fields, {@code tcp.stream} and relative {@code tcp.seq}/{@code tcp.ack}
 * need the packet's {@link TcpFacts} (given by the caller); without them they are absent and
 * {@code tcp.seq}/{@code tcp.ack} are the raw numbers.
 */
final class WiresharkFields {
    private static final int OUTER = Filter.OUTER;
    private static final int INNER = Filter.INNER;
    private static final int EITHER = Filter.EITHER;
    private static final int PACKET = Filter.PACKET;

    private WiresharkFields() {
    }

    private static final List<Field> FIELDS = new ArrayList<>();

    /** Every Wireshark-named field. */
    static List<Field> fields() {
        return FIELDS;
    }

    /** A number field; at {@link Filter#EITHER} level it also looks into ICMP error quotes. */
    private static void number(String name, int level, Extractor e) {
        FIELDS.add(new Field(name, Kind.NUMBER, level, What.EXTRACTED, e, null, 0, false, 0, level == EITHER));
    }

    private static void either(String name, Extractor a, Extractor b) {
        FIELDS.add(new Field(name, Kind.NUMBER, EITHER, What.EXTRACTED, a, b, 0, false, 0, true));
    }

    private static void seconds(String name, Extractor e) {
        FIELDS.add(new Field(name, Kind.NUMBER, PACKET, What.EXTRACTED, e, null, 0, true, 0, false));
    }

    private static void address(String name, int family, What what) {
        FIELDS.add(new Field(name, Kind.ADDRESS, EITHER, what, null, null, family, false, 0, true));
    }

    private static void ipNumber(String name, What what) {
        FIELDS.add(new Field(name, Kind.NUMBER, EITHER, what, null, null, 4, false, 0, true));
    }

    private static void mac(String name, int layerType, What what) {
        FIELDS.add(new Field(name, Kind.MAC, PACKET, what, null, null, 0, false, layerType, false));
    }

    private static void ipv4Value(String name, Extractor e) {
        FIELDS.add(new Field(name, Kind.IPV4, PACKET, What.EXTRACTED, e, null, 4, false, 0, false));
    }

    // ---------------------------------------------------------------- where a field is

    /** The IP layer at a level when it is of that version, else -1. */
    private static int ip(Context c, int level, int version) {
        int ip = c.ip(level);
        return c.view.ipVersion(ip) == version ? ip : -1;
    }

    /** The transport layer at a level when it is of that type, else -1. */
    private static int transport(Context c, int level, int type) {
        int t = c.transport(level);
        return t >= 0 && c.stack.type(t) == type ? t : -1;
    }

    /** The first (OUTER) or last (INNER) non-quoted layer of a type, or -1. */
    private static int layer(Context c, int level, int type) {
        LayerStack s = c.stack;
        int found = -1;
        for (int i = 0, n = s.count(); i < n; i++) {
            if (s.type(i) == type && !s.isQuoted(i)) {
                found = i;
                if (level == OUTER) {
                    return i;
                }
            }
        }
        return found;
    }

    private static long bit(int value, int mask) {
        return value < 0 ? -1 : (value & mask) != 0 ? 1 : 0;
    }

    /** The TCP analysis of the packet, when given and its TCP segment was analysed. */
    private static TcpFacts tcp(Context c) {
        return c.tcp != null && c.tcp.isTcp() ? c.tcp : null;
    }

    private static long tcpFlag(Context c, int level, int mask) {
        return bit(c.view.tcpFlags(transport(c, level, LayerType.TCP)), mask);
    }

    private static void analysisFlag(String field, int bit) {
        number(field, PACKET, (c, l) -> {
            TcpFacts t = tcp(c);
            return t != null && t.has(bit) ? 1 : -1;
        });
    }

    static {
        // frame
        seconds("frame.time_epoch", (c, l) -> c.timeNanos == Long.MIN_VALUE ? -1 : Math.max(0, c.timeNanos));
        // Ethernet, VLAN, ARP
        mac("eth.src", LayerType.ETHERNET, What.SRC);
        mac("eth.dst", LayerType.ETHERNET, What.DST);
        mac("eth.addr", LayerType.ETHERNET, What.ADDR);
        number("eth.type", EITHER, (c, l) -> c.view.etherType(layer(c, l, LayerType.ETHERNET)));
        number("vlan.id", EITHER, (c, l) -> c.view.vlanId(layer(c, l, LayerType.VLAN)));
        number("arp.opcode", PACKET, (c, l) -> c.view.arpOperation(layer(c, OUTER, LayerType.ARP)));
        ipv4Value("arp.src.proto_ipv4", (c, l) -> arpAddress(c, true));
        ipv4Value("arp.dst.proto_ipv4", (c, l) -> arpAddress(c, false));
        mac("arp.src.hw_mac", LayerType.ARP, What.SRC);
        mac("arp.dst.hw_mac", LayerType.ARP, What.DST);
        // IPv4
        address("ip.src", 4, What.SRC);
        address("ip.dst", 4, What.DST);
        address("ip.addr", 4, What.ADDR);
        ipNumber("ip.proto", What.PROTO);
        ipNumber("ip.ttl", What.TTL);
        number("ip.version", EITHER, (c, l) -> ip(c, l, 4) >= 0 ? 4 : -1);
        number("ip.hdr_len", EITHER, (c, l) -> {
            int ip = ip(c, l, 4);
            return ip < 0 ? -1 : c.stack.headerLength(ip);
        });
        number("ip.len", EITHER, (c, l) -> c.ipLengthField(ip(c, l, 4)));
        number("ip.id", EITHER, (c, l) -> c.view.ipId(ip(c, l, 4)));
        number("ip.dsfield", EITHER, (c, l) -> c.view.tos(ip(c, l, 4)));
        number("ip.dsfield.dscp", EITHER, (c, l) -> {
            int tos = c.view.tos(ip(c, l, 4));
            return tos < 0 ? -1 : tos >>> 2;
        });
        number("ip.flags.df", EITHER, (c, l) -> {
            int ip = ip(c, l, 4);
            return ip < 0 || c.view.ttl(ip) < 0 ? -1 : c.view.dontFragment(ip) ? 1 : 0;
        });
        number("ip.flags.mf", EITHER, (c, l) -> {
            int ip = ip(c, l, 4);
            if (c.reassembled(ip)) {
                return c.ownMoreFragments ? 1 : 0;
            }
            return ip < 0 || c.view.ttl(ip) < 0 ? -1 : c.view.moreFragments(ip) ? 1 : 0;
        });
        number("ip.frag_offset", EITHER, (c, l) -> {
            int ip = ip(c, l, 4);
            return c.reassembled(ip) ? c.ownFragmentOffset : c.view.fragmentOffset(ip);
        });
        number("ip.checksum", EITHER, (c, l) -> c.view.ipv4Checksum(ip(c, l, 4)));
        // IPv6
        address("ipv6.src", 6, What.SRC);
        address("ipv6.dst", 6, What.DST);
        address("ipv6.addr", 6, What.ADDR);
        number("ipv6.version", EITHER, (c, l) -> ip(c, l, 6) >= 0 ? 6 : -1);
        number("ipv6.nxt", EITHER, (c, l) -> {
            int ip = ip(c, l, 6);
            return ip < 0 ? -1 : c.view.ipv6NextHeader(ip);
        });
        number("ipv6.hlim", EITHER, (c, l) -> c.view.ttl(ip(c, l, 6)));
        number("ipv6.plen", EITHER, (c, l) -> c.ipLengthField(ip(c, l, 6)));
        number("ipv6.flow", EITHER, (c, l) -> c.view.flowLabel(ip(c, l, 6)));
        number("ipv6.tclass", EITHER, (c, l) -> c.view.tos(ip(c, l, 6)));
        // UDP
        number("udp.srcport", EITHER, (c, l) -> c.view.sourcePort(transport(c, l, LayerType.UDP)));
        number("udp.dstport", EITHER, (c, l) -> c.view.destinationPort(transport(c, l, LayerType.UDP)));
        either("udp.port", (c, l) -> c.view.sourcePort(transport(c, l, LayerType.UDP)),
                (c, l) -> c.view.destinationPort(transport(c, l, LayerType.UDP)));
        number("udp.length", EITHER, (c, l) -> c.view.udpLength(transport(c, l, LayerType.UDP)));
        number("udp.checksum", EITHER, (c, l) -> c.view.udpChecksum(transport(c, l, LayerType.UDP)));
        // TCP
        number("tcp.srcport", EITHER, (c, l) -> c.view.sourcePort(transport(c, l, LayerType.TCP)));
        number("tcp.dstport", EITHER, (c, l) -> c.view.destinationPort(transport(c, l, LayerType.TCP)));
        either("tcp.port", (c, l) -> c.view.sourcePort(transport(c, l, LayerType.TCP)),
                (c, l) -> c.view.destinationPort(transport(c, l, LayerType.TCP)));
        number("tcp.seq", EITHER, (c, l) -> {
            TcpFacts t = tcp(c);
            int layer = transport(c, l, LayerType.TCP);
            return t != null && layer == c.innerTransport ? t.relativeSequence() : c.view.tcpSequence(layer);
        });
        number("tcp.seq_raw", EITHER, (c, l) -> c.view.tcpSequence(transport(c, l, LayerType.TCP)));
        number("tcp.ack", EITHER, (c, l) -> {
            TcpFacts t = tcp(c);
            int layer = transport(c, l, LayerType.TCP);
            return t != null && layer == c.innerTransport ? t.relativeAcknowledgment() : c.view.tcpAcknowledgment(layer);
        });
        number("tcp.ack_raw", EITHER, (c, l) -> c.view.tcpAcknowledgment(transport(c, l, LayerType.TCP)));
        number("tcp.len", EITHER, (c, l) -> c.view.tcpPayloadLength(transport(c, l, LayerType.TCP)));
        number("tcp.hdr_len", EITHER, (c, l) -> c.view.tcpHeaderLength(transport(c, l, LayerType.TCP)));
        number("tcp.flags", EITHER, (c, l) -> c.view.tcpFlags(transport(c, l, LayerType.TCP)));
        number("tcp.flags.fin", EITHER, (c, l) -> tcpFlag(c, l, TcpHeader.FIN));
        number("tcp.flags.syn", EITHER, (c, l) -> tcpFlag(c, l, TcpHeader.SYN));
        number("tcp.flags.reset", EITHER, (c, l) -> tcpFlag(c, l, TcpHeader.RST));
        number("tcp.flags.push", EITHER, (c, l) -> tcpFlag(c, l, TcpHeader.PSH));
        number("tcp.flags.ack", EITHER, (c, l) -> tcpFlag(c, l, TcpHeader.ACK));
        number("tcp.flags.urg", EITHER, (c, l) -> tcpFlag(c, l, TcpHeader.URG));
        number("tcp.flags.ece", EITHER, (c, l) -> tcpFlag(c, l, TcpHeader.ECE));
        number("tcp.flags.cwr", EITHER, (c, l) -> tcpFlag(c, l, TcpHeader.CWR));
        number("tcp.window_size_value", EITHER, (c, l) -> c.view.tcpWindow(transport(c, l, LayerType.TCP)));
        number("tcp.window_size", EITHER, (c, l) -> {
            TcpFacts t = tcp(c);
            int layer = transport(c, l, LayerType.TCP);
            return t != null && layer == c.innerTransport ? t.windowSize() : c.view.tcpWindow(layer);
        });
        number("tcp.checksum", EITHER, (c, l) -> c.view.tcpChecksum(transport(c, l, LayerType.TCP)));
        number("tcp.urgent_pointer", EITHER, (c, l) -> c.view.tcpUrgentPointer(transport(c, l, LayerType.TCP)));
        number("tcp.stream", EITHER, (c, l) -> {
            if (c.tcp == null || transport(c, l, LayerType.TCP) < 0) {
                return -1;
            }
            return l == Filter.QUOTED ? c.tcp.quotedStream() : c.tcp.stream();
        });
        number("tcp.analysis.flags", PACKET, (c, l) -> tcp(c) == null || tcp(c).flags() == 0 ? -1 : tcp(c).flags());
        for (TcpAnalysis.Flag f : TcpAnalysis.FLAGS) {
            analysisFlag(f.field(), f.bit());
        }
        seconds("tcp.analysis.ack_rtt", (c, l) -> tcp(c) == null ? -1 : tcp(c).ackRttNanos());
        number("tcp.analysis.acks_frame", PACKET, (c, l) -> tcp(c) == null ? -1 : tcp(c).ackedFrame());
        number("tcp.analysis.duplicate_ack_num", PACKET, (c, l) -> tcp(c) == null || tcp(c).duplicateAckNumber() == 0
                ? -1 : tcp(c).duplicateAckNumber());
        number("tcp.analysis.duplicate_ack_frame", PACKET, (c, l) -> tcp(c) == null ? -1 : tcp(c).duplicateAckFrame());
        // ICMP, ICMPv6
        number("icmp.type", EITHER, (c, l) -> c.view.icmpType(transport(c, l, LayerType.ICMP)));
        number("icmp.code", EITHER, (c, l) -> c.view.icmpCode(transport(c, l, LayerType.ICMP)));
        number("icmp.ident", EITHER, (c, l) -> c.view.icmpId(echo(c, l, LayerType.ICMP)));
        number("icmp.seq", EITHER, (c, l) -> c.view.icmpSequence(echo(c, l, LayerType.ICMP)));
        number("icmp.mtu", EITHER, (c, l) -> c.view.icmpMtu(transport(c, l, LayerType.ICMP)));
        number("icmpv6.type", EITHER, (c, l) -> c.view.icmpType(transport(c, l, LayerType.ICMPV6)));
        number("icmpv6.code", EITHER, (c, l) -> c.view.icmpCode(transport(c, l, LayerType.ICMPV6)));
        number("icmpv6.mtu", EITHER, (c, l) -> c.view.icmpMtu(transport(c, l, LayerType.ICMPV6)));
        number("icmpv6.echo.identifier", EITHER, (c, l) -> c.view.icmpId(echo(c, l, LayerType.ICMPV6)));
        number("icmpv6.echo.sequence_number", EITHER, (c, l) -> c.view.icmpSequence(echo(c, l, LayerType.ICMPV6)));
        // Tunnels
        number("vxlan.vni", EITHER, (c, l) -> c.view.vni(layer(c, l, LayerType.VXLAN)));
        number("vxlan.flags", EITHER, (c, l) -> c.view.vxlanFlagsField(layer(c, l, LayerType.VXLAN)));
        number("geneve.vni", EITHER, (c, l) -> c.view.vni(layer(c, l, LayerType.GENEVE)));
        number("gre.proto", EITHER, (c, l) -> c.view.greProtocolType(layer(c, l, LayerType.GRE)));
        number("gre.key", EITHER, (c, l) -> c.view.greKey(layer(c, l, LayerType.GRE)));
    }

    /** An ICMP layer of a message with identifier and sequence (echo, timestamp, information, mask), or -1. */
    private static int echo(Context c, int level, int type) {
        int t = transport(c, level, type);
        int messageType = c.view.icmpType(t);
        boolean echo = type == LayerType.ICMP
                ? messageType == 0 || messageType == 8 || messageType >= 13 && messageType <= 18
                : messageType == 128 || messageType == 129;
        return echo ? t : -1;
    }

    /** The sender's or target's IPv4 address of an Ethernet/IPv4 ARP packet, unsigned, or -1. */
    private static long arpAddress(Context c, boolean sender) {
        int arp = layer(c, OUTER, LayerType.ARP);
        PacketView v = c.view;
        if (arp < 0 || c.stack.headerLength(arp) < ArpHeader.ETHERNET_IPV4_LENGTH) {
            return -1;
        }
        return (sender ? v.arpSenderIpv4(arp) : v.arpTargetIpv4(arp)) & 0xFFFF_FFFFL;
    }
}
