package io.tunnelscope.decode;

import io.tunnelscope.capture.LinkType;
import io.tunnelscope.proto.arp.ArpHeader;
import io.tunnelscope.proto.geneve.GeneveHeader;
import io.tunnelscope.proto.icmp.IcmpHeader;
import io.tunnelscope.proto.icmpv6.Icmpv6Header;
import io.tunnelscope.proto.ipv4.Ipv4Header;
import io.tunnelscope.proto.ipv6.Ipv6ExtensionHeader;
import io.tunnelscope.proto.ipv6.Ipv6Header;
import io.tunnelscope.proto.tcp.TcpHeader;
import io.tunnelscope.proto.udp.UdpHeader;
import io.tunnelscope.proto.vxlan.VxlanHeader;
import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;

/**
 * Renders a decoded packet as one tcpdump-like line with every encapsulation level on it, outer
 * first, levels separated by {@code " | "}:
 *
 * <pre>
 * 06:00:39.331059 192.168.66.11.46291 &gt; 192.168.66.12.8472: VXLAN vni 1 | 10.80.17.2 &gt; 10.80.42.2: ICMP echo request, id 11817, seq 1, length 1424
 * </pre>
 *
 * <p>Sequence numbers are absolute (as {@code tcpdump -S}); ICMP errors name the packet they quote.
 * Appends to the caller's builder; one instance per thread.
 */
public final class PacketLineFormatter {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final ZoneRules zone;
    private final boolean nanos;
    private final Ipv4Header ipv4 = new Ipv4Header();
    private final Ipv6Header ipv6 = new Ipv6Header();
    private final Ipv6ExtensionHeader extension = new Ipv6ExtensionHeader();
    private final UdpHeader udp = new UdpHeader();
    private final TcpHeader tcp = new TcpHeader();
    private final IcmpHeader icmp = new IcmpHeader();
    private final Icmpv6Header icmpv6 = new Icmpv6Header();
    private final VxlanHeader vxlan = new VxlanHeader();
    private final GeneveHeader geneve = new GeneveHeader();
    private final ArpHeader arp = new ArpHeader();

    /**
     * @param zone  the zone times are shown in (tcpdump shows local time)
     * @param nanos nine fractional digits instead of six
     */
    public PacketLineFormatter(ZoneId zone, boolean nanos) {
        this.zone = zone.getRules();
        this.nanos = nanos;
    }

    /** Appends the time of day and the packet's summary. */
    public void format(long timestampNanos, LayerStack stack, StringBuilder out) {
        appendTime(timestampNanos, out);
        out.append(' ');
        appendSummary(stack, out);
    }

    /** Appends {@code HH:MM:SS.ffffff} (or nine digits) in the formatter's zone. */
    public void appendTime(long timestampNanos, StringBuilder out) {
        long seconds = Math.floorDiv(timestampNanos, NANOS_PER_SECOND);
        long fraction = Math.floorMod(timestampNanos, NANOS_PER_SECOND);
        int offset = zone.isFixedOffset() ? zone.getOffset(Instant.EPOCH).getTotalSeconds()
                : zone.getOffset(Instant.ofEpochSecond(seconds)).getTotalSeconds();
        long secondOfDay = Math.floorMod(seconds + offset, 86_400L);
        pad(out, secondOfDay / 3600, 2).append(':');
        pad(out, secondOfDay / 60 % 60, 2).append(':');
        pad(out, secondOfDay % 60, 2).append('.');
        if (nanos) {
            pad(out, fraction, 9);
        } else {
            pad(out, fraction / 1000, 6);
        }
    }

    /** Appends the summary of every encapsulation level, without the time. */
    public void appendSummary(LayerStack stack, StringBuilder out) {
        int count = stack.count();
        if (count == 0) {
            if (!LinkType.isSupported(stack.linkType())) {
                out.append("link type ").append(LinkType.name(stack.linkType())).append(" not decoded");
            } else {
                out.append("empty packet");
            }
            out.append(", length ").append(stack.originalLength());
            appendStatus(stack, out);
            return;
        }
        boolean first = true;
        int i = 0;
        while (i < count) {
            int type = stack.type(i);
            if (stack.isQuoted(i)) {
                i++;
                continue;
            }
            if (type == LayerType.IPV4 || type == LayerType.IPV6) {
                first = separator(first, out);
                i = appendIpLevel(stack, i, out);
            } else if (type == LayerType.ARP) {
                first = separator(first, out);
                appendArp(stack, i, out);
                i++;
            } else if (type == LayerType.PAYLOAD && i > 0 && LayerType.isLink(stack.type(i - 1))
                    || type == LayerType.PAYLOAD && i > 0 && stack.type(i - 1) == LayerType.VLAN) {
                first = separator(first, out);
                appendNonIp(stack, i - 1, out);
                i++;
            } else {
                i++;
            }
        }
        if (first) {
            out.append(LayerType.name(stack.type(count - 1))).append(", length ")
                    .append(stack.originalLength());
        }
        appendStatus(stack, out);
    }

    private static boolean separator(boolean first, StringBuilder out) {
        if (!first) {
            out.append(" | ");
        }
        return false;
    }

    /**
     * Appends one IP level ({@code src[.port] > dst[.port]: info}) and returns the index of the
     * first layer after what it described.
     */
    private int appendIpLevel(LayerStack stack, int ip, StringBuilder out) {
        int count = stack.count();
        int next = ip + 1;
        while (next < count && LayerType.isIpv6Extension(stack.type(next))) {
            next++;
        }
        int transport = next < count && !stack.isQuoted(next) ? next : -1;
        int transportType = transport < 0 ? 0 : stack.type(transport);
        boolean ports = (transportType == LayerType.UDP || transportType == LayerType.TCP)
                && stack.headerLength(transport) >= 4;
        int sport = -1;
        int dport = -1;
        if (ports) {
            udp.wrap(stack.buffer(), stack.offset(transport), stack.end(transport) - stack.offset(transport));
            sport = udp.sourcePort();
            dport = udp.destinationPort();
        }
        appendAddress(stack, ip, true, out);
        if (ports) {
            out.append('.').append(sport);
        }
        out.append(" > ");
        appendAddress(stack, ip, false, out);
        if (ports) {
            out.append('.').append(dport);
        }
        out.append(": ");
        int payloadLength = ipPayloadLength(stack, ip, next);
        if (transport < 0) {
            out.append(LayerType.name(stack.type(ip))).append(", length ").append(payloadLength);
        } else {
            switch (transportType) {
                case LayerType.UDP:
                    appendUdp(stack, transport, out);
                    break;
                case LayerType.TCP:
                    appendTcp(stack, transport, payloadLength, out);
                    break;
                case LayerType.ICMP:
                    appendIcmp(stack, transport, payloadLength, out);
                    break;
                case LayerType.ICMPV6:
                    appendIcmpv6(stack, transport, payloadLength, out);
                    break;
                case LayerType.GRE:
                    out.append("GRE");
                    break;
                case LayerType.IPV4:
                case LayerType.IPV6:
                    out.append(stack.type(ip) == LayerType.IPV4 ? "IP-in-IP" : "IP-in-IPv6");
                    break;
                case LayerType.FRAGMENT_DATA:
                    out.append("fragment of ").append(protocolName(ipProtocol(stack, ip, next)))
                            .append(", length ").append(payloadLength);
                    break;
                default:
                    out.append(protocolName(ipProtocol(stack, ip, next))).append(", length ")
                            .append(payloadLength);
                    break;
            }
        }
        appendFragment(stack, ip, next, payloadLength, out);
        return transport < 0 ? next : transport + 1;
    }

    private void appendAddress(LayerStack stack, int ip, boolean source, StringBuilder out) {
        int offset = stack.offset(ip);
        if (stack.type(ip) == LayerType.IPV4) {
            Addresses.appendIpv4(out, stack.buffer().getInt(offset + (source ? 12 : 16)));
        } else {
            Addresses.appendIpv6(out, stack.buffer(), offset + (source ? 8 : 24));
        }
    }

    /** Bytes after the IP header (and IPv6 extension headers), bounded by the layer's end. */
    private static int ipPayloadLength(LayerStack stack, int ip, int afterExtensions) {
        int start = afterExtensions < stack.count() ? stack.offset(afterExtensions)
                : stack.payloadOffset(ip);
        return Math.max(0, stack.end(ip) - start);
    }

    private int ipProtocol(LayerStack stack, int ip, int afterExtensions) {
        if (stack.type(ip) == LayerType.IPV4) {
            return stack.buffer().get(stack.offset(ip) + 9) & 0xff;
        }
        int last = afterExtensions - 1;
        if (last > ip) {
            extension.wrap(stack.buffer(), stack.offset(last), stack.headerLength(last), stack.type(last));
            return extension.nextHeader();
        }
        return stack.buffer().get(stack.offset(ip) + 6) & 0xff;
    }

    private void appendFragment(LayerStack stack, int ip, int afterExtensions, int payloadLength,
                                StringBuilder out) {
        if (stack.type(ip) == LayerType.IPV4) {
            ipv4.wrap(stack.buffer(), stack.offset(ip), stack.headerLength(ip));
            if (ipv4.moreFragments() || ipv4.fragmentOffset() != 0) {
                out.append(" (frag ").append(ipv4.identification()).append(':').append(payloadLength)
                        .append('@').append(ipv4.fragmentOffset() * 8)
                        .append(ipv4.moreFragments() ? "+)" : ")");
            }
            return;
        }
        for (int e = ip + 1; e < afterExtensions; e++) {
            if (stack.type(e) == LayerType.IPV6_FRAGMENT) {
                int offset = stack.offset(e);
                long id = stack.buffer().getInt(offset + 4) & 0xffffffffL;
                int field = stack.buffer().getShort(offset + 2) & 0xffff;
                out.append(" (frag ").append(id).append(':').append(payloadLength).append('@')
                        .append(field & 0xfff8).append((field & 1) != 0 ? "+)" : ")");
            }
        }
    }

    private void appendUdp(LayerStack stack, int transport, StringBuilder out) {
        int next = transport + 1;
        int nextType = next < stack.count() ? stack.type(next) : 0;
        if (nextType == LayerType.VXLAN) {
            vxlan.wrap(stack.buffer(), stack.offset(next), stack.end(next) - stack.offset(next));
            out.append("VXLAN");
            if (vxlan.isComplete()) {
                out.append(" vni ").append(vxlan.vni());
            }
            return;
        }
        if (nextType == LayerType.GENEVE) {
            geneve.wrap(stack.buffer(), stack.offset(next), stack.end(next) - stack.offset(next));
            out.append("Geneve");
            if (geneve.isComplete()) {
                out.append(" vni ").append(geneve.vni());
            }
            return;
        }
        if (nextType == LayerType.FLANNEL_UDP) {
            out.append("flannel-udp");
            return;
        }
        udp.wrap(stack.buffer(), stack.offset(transport), stack.end(transport) - stack.offset(transport));
        out.append("UDP, length ").append(Math.max(0, udp.length() - 8));
    }

    private void appendTcp(LayerStack stack, int transport, int segmentLength, StringBuilder out) {
        tcp.wrap(stack.buffer(), stack.offset(transport), stack.end(transport) - stack.offset(transport));
        if (stack.headerLength(transport) < 20) {
            out.append("TCP");
            return;
        }
        out.append("Flags [");
        int flags = tcp.flags();
        if ((flags & 0x02) != 0) {
            out.append('S');
        }
        if ((flags & 0x01) != 0) {
            out.append('F');
        }
        if ((flags & 0x08) != 0) {
            out.append('P');
        }
        if ((flags & 0x04) != 0) {
            out.append('R');
        }
        if ((flags & 0x20) != 0) {
            out.append('U');
        }
        if ((flags & 0x40) != 0) {
            out.append('E');
        }
        if ((flags & 0x80) != 0) {
            out.append('W');
        }
        if ((flags & 0x10) != 0) {
            out.append('.');
        }
        if ((flags & 0xff) == 0) {
            out.append("none");
        }
        int dataLength = Math.max(0, segmentLength - tcp.headerLength());
        out.append("], seq ").append(tcp.sequence());
        if (dataLength > 0) {
            out.append(':').append((tcp.sequence() + dataLength) & 0xffffffffL);
        }
        if ((flags & 0x10) != 0) {
            out.append(", ack ").append(tcp.acknowledgment());
        }
        out.append(", win ").append(tcp.window());
        int mss = tcp.mss();
        if (mss > 0) {
            out.append(", options [mss ").append(mss).append(']');
        }
        out.append(", length ").append(dataLength);
    }

    private void appendIcmp(LayerStack stack, int transport, int length, StringBuilder out) {
        icmp.wrap(stack.buffer(), stack.offset(transport), stack.end(transport) - stack.offset(transport));
        if (stack.headerLength(transport) < 4) {
            out.append("ICMP");
            return;
        }
        int type = icmp.type();
        int code = icmp.code();
        out.append("ICMP ");
        switch (type) {
            case 0:
            case 8:
                out.append(type == 8 ? "echo request" : "echo reply");
                if (stack.headerLength(transport) >= 8) {
                    out.append(", id ").append(icmp.identifier()).append(", seq ").append(icmp.sequence());
                }
                break;
            case 3:
                appendQuotedDestination(stack, transport, out);
                if (code == 4) {
                    out.append(" unreachable - need to frag (mtu ").append(icmp.nextHopMtu()).append(')');
                } else {
                    out.append(' ').append(unreachable(code)).append(" unreachable");
                }
                appendQuote(stack, transport, out);
                break;
            case 11:
                out.append(code == 0 ? "time exceeded in-transit" : "ip reassembly time exceeded");
                appendQuote(stack, transport, out);
                break;
            default:
                out.append("type ").append(type).append(" code ").append(code);
                if (IcmpHeader.isError(type)) {
                    appendQuote(stack, transport, out);
                }
                break;
        }
        out.append(", length ").append(length);
    }

    private void appendIcmpv6(LayerStack stack, int transport, int length, StringBuilder out) {
        icmpv6.wrap(stack.buffer(), stack.offset(transport), stack.end(transport) - stack.offset(transport));
        if (stack.headerLength(transport) < 4) {
            out.append("ICMP6");
            return;
        }
        int type = icmpv6.type();
        out.append("ICMP6, ");
        switch (type) {
            case 128:
            case 129:
                out.append(type == 128 ? "echo request" : "echo reply");
                if (stack.headerLength(transport) >= 8) {
                    out.append(", id ").append(icmpv6.identifier()).append(", seq ").append(icmpv6.sequence());
                }
                break;
            case 1:
                out.append("destination unreachable, code ").append(icmpv6.code());
                appendQuote(stack, transport, out);
                break;
            case 2:
                out.append("packet too big, mtu ").append(icmpv6.mtu());
                appendQuote(stack, transport, out);
                break;
            case 3:
                out.append("time exceeded in-transit");
                appendQuote(stack, transport, out);
                break;
            case 133: out.append("router solicitation"); break;
            case 134: out.append("router advertisement"); break;
            case 135: out.append("neighbor solicitation"); break;
            case 136: out.append("neighbor advertisement"); break;
            default:
                out.append("type ").append(type).append(" code ").append(icmpv6.code());
                break;
        }
        out.append(", length ").append(length);
    }

    /** The destination of the quoted packet, as tcpdump names it in "X unreachable". */
    private void appendQuotedDestination(LayerStack stack, int transport, StringBuilder out) {
        int quoted = transport + 1;
        if (quoted < stack.count() && stack.isQuoted(quoted) && LayerType.isIp(stack.type(quoted))) {
            appendAddress(stack, quoted, false, out);
        } else {
            out.append('?');
        }
    }

    /** {@code , quoting SRC[.port] > DST[.port] PROTO} for the packet an ICMP error carries. */
    private void appendQuote(LayerStack stack, int transport, StringBuilder out) {
        int quoted = transport + 1;
        if (quoted >= stack.count() || !stack.isQuoted(quoted) || !LayerType.isIp(stack.type(quoted))) {
            return;
        }
        int next = quoted + 1;
        while (next < stack.count() && LayerType.isIpv6Extension(stack.type(next))) {
            next++;
        }
        int quotedTransport = next < stack.count() && stack.isQuoted(next) ? next : -1;
        int quotedType = quotedTransport < 0 ? 0 : stack.type(quotedTransport);
        boolean ports = (quotedType == LayerType.UDP || quotedType == LayerType.TCP)
                && stack.end(quotedTransport) - stack.offset(quotedTransport) >= 4;
        out.append(", quoting ");
        appendAddress(stack, quoted, true, out);
        if (ports) {
            out.append('.').append(stack.buffer().getShort(stack.offset(quotedTransport)) & 0xffff);
        }
        out.append(" > ");
        appendAddress(stack, quoted, false, out);
        if (ports) {
            out.append('.').append(stack.buffer().getShort(stack.offset(quotedTransport) + 2) & 0xffff);
        }
        out.append(' ').append(protocolName(ipProtocol(stack, quoted, next)));
    }

    private void appendArp(LayerStack stack, int i, StringBuilder out) {
        arp.wrap(stack.buffer(), stack.offset(i), stack.end(i) - stack.offset(i));
        out.append("ARP, ");
        if (stack.headerLength(i) < 28 || !arp.isEthernetIpv4()) {
            out.append("operation ").append(stack.headerLength(i) >= 8 ? arp.operation() : -1);
        } else if (arp.operation() == 1) {
            out.append("Request who-has ");
            Addresses.appendIpv4(out, arp.targetIpv4());
            out.append(" tell ");
            Addresses.appendIpv4(out, arp.senderIpv4());
        } else if (arp.operation() == 2) {
            out.append("Reply ");
            Addresses.appendIpv4(out, arp.senderIpv4());
            out.append(" is-at ");
            Addresses.appendMac(out, stack.buffer(), arp.senderHardwareOffset());
        } else {
            out.append("operation ").append(arp.operation());
        }
        out.append(", length ").append(stack.end(i) - stack.offset(i));
    }

    /** A frame whose EtherType (or SLL protocol) no dissector claimed. */
    private void appendNonIp(LayerStack stack, int link, StringBuilder out) {
        int type = stack.type(link);
        int end = stack.offset(link) + stack.headerLength(link);
        if ((type == LayerType.ETHERNET || type == LayerType.VLAN) && end >= 2) {
            out.append("ethertype 0x");
            appendHex4(out, stack.buffer().getShort(end - 2) & 0xffff);
        } else {
            out.append(LayerType.name(type)).append(" protocol not decoded");
        }
        out.append(", length ").append(stack.end(link + 1) - stack.offset(link + 1));
    }

    private static void appendStatus(LayerStack stack, StringBuilder out) {
        LayerStatus status = stack.status();
        if (status == LayerStatus.OK) {
            return;
        }
        out.append(" [").append(status.jsonName());
        for (int i = 0; i < stack.count(); i++) {
            if (stack.status(i) != LayerStatus.OK) {
                out.append(' ').append(LayerType.name(stack.type(i)));
                break;
            }
        }
        for (int n = 0; n < stack.noteCount(); n++) {
            Note note = stack.note(n);
            if (note != Note.SNAPLEN_CUT && stack.noteLayer(n) >= 0
                    && stack.status(stack.noteLayer(n)) != LayerStatus.OK) {
                out.append(": ").append(note.describe(stack.noteArgument(n)));
                break;
            }
        }
        out.append(']');
    }

    private static String unreachable(int code) {
        switch (code) {
            case 0: return "net";
            case 1: return "host";
            case 2: return "protocol";
            case 3: return "port";
            case 9:
            case 10:
            case 13: return "administratively prohibited";
            default: return "code " + code;
        }
    }

    static String protocolName(int protocol) {
        switch (protocol) {
            case 1: return "icmp";
            case 2: return "igmp";
            case 4: return "ipip";
            case 6: return "tcp";
            case 17: return "udp";
            case 41: return "ipv6";
            case 47: return "gre";
            case 50: return "esp";
            case 58: return "icmp6";
            case 132: return "sctp";
            default: return "ip-proto-" + protocol;
        }
    }

    private static StringBuilder pad(StringBuilder out, long value, int width) {
        long limit = 1;
        for (int d = 1; d < width; d++) {
            limit *= 10;
        }
        for (long l = limit; l > 1 && value < l; l /= 10) {
            out.append('0');
        }
        return out.append(value);
    }

    private static void appendHex4(StringBuilder out, int value) {
        for (int shift = 12; shift >= 0; shift -= 4) {
            out.append(Character.forDigit((value >> shift) & 0xf, 16));
        }
    }
}
