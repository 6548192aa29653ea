package io.tunnelscope.decode;

import io.tunnelscope.capture.LinkType;
import io.tunnelscope.proto.LineSummary;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.Protocols;
import io.tunnelscope.proto.flannel.FlannelUdp;
import io.tunnelscope.proto.geneve.GeneveHeader;
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
    private final PacketView view = new PacketView();
    private final GeneveHeader geneve = new GeneveHeader();
    private final StringBuilder scratch = new StringBuilder(24);

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
            if (!DecodeTables.defaults().decodesLinkType(stack.linkType())) {
                out.append("link type ").append(LinkType.name(stack.linkType())).append(" not decoded");
            } else {
                out.append("empty packet");
            }
            out.append(", length ").append(stack.originalLength());
            appendStatus(stack, out);
            return;
        }
        view.wrap(stack);
        boolean first = true;
        boolean prefixed = false;
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
                appendArp(i, out);
                i++;
            } else if (type == LayerType.PAYLOAD && i > 0 && LayerType.isLink(stack.type(i - 1))
                    || type == LayerType.PAYLOAD && i > 0 && LayerType.isVlan(stack.type(i - 1))) {
                first = separator(first, out);
                appendNonIp(stack, i - 1, out);
                i++;
            } else {
                LineSummary summary = summary(type);
                if (summary != null && appendLayerSummary(summary, stack, i, out) && first) {
                    // Before the first IP level (MPLS on a link): a prefix, as tcpdump prints it.
                    out.append(' ');
                    prefixed = true;
                }
                i++;
            }
        }
        if (first) {
            if (prefixed) {
                out.setLength(out.length() - 1);
            } else {
                out.append(LayerType.name(stack.type(count - 1)));
            }
            out.append(", length ").append(stack.originalLength());
        }
        appendStatus(stack, out);
    }

    /** The registered line summary of a layer type, or null. */
    private static LineSummary summary(int type) {
        ProtocolDescriptor d = Protocols.byId(type);
        return d == null ? null : d.summary();
    }

    /**
     * Appends a layer's registered summary after a space (none after a space already there);
     * false, with nothing appended, when the summary had nothing to say.
     */
    private static boolean appendLayerSummary(LineSummary summary, LayerStack stack, int layer, StringBuilder out) {
        if (stack.isQuoted(layer)) {
            return false;
        }
        int before = out.length();
        if (before > 0 && out.charAt(before - 1) != ' ') {
            out.append(' ');
        }
        int start = out.length();
        int offset = stack.offset(layer);
        summary.append(stack.buffer(), offset, stack.headerLength(layer),
            Math.max(stack.headerLength(layer), Math.max(0, stack.declaredEnd(layer) - offset)), out);
        if (out.length() == start) {
            out.setLength(before);
            return false;
        }
        return true;
    }

    /**
     * True when the layer after a UDP header is a registered protocol that the line shows by its
     * summary (directly, or after a zero-length tunnel marker such as MPLS-in-UDP's).
     */
    private static boolean summarisedAfterUdp(LayerStack stack, int next) {
        for (int j = next; j < stack.count() && j <= next + 1; j++) {
            ProtocolDescriptor d = Protocols.byId(stack.type(j));
            if (d == null || d.dissector() == null) {
                return false;
            }
            if (d.summary() != null) {
                return true;
            }
            if (stack.headerLength(j) != 0) {
                return false;
            }
        }
        return false;
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
        if (!view.addressesReadable(ip)) {
            // Cut before its addresses, or not the version announced: nothing to show but its size.
            out.append(LayerType.name(stack.type(ip))).append(", length ").append(stack.end(ip) - stack.offset(ip));
            return ip + 1;
        }
        int count = stack.count();
        int next = ip + 1;
        while (next < count && LayerType.isIpv6Extension(stack.type(next))) {
            next++;
        }
        int transport = next < count && !stack.isQuoted(next) ? next : -1;
        int transportType = transport < 0 ? 0 : stack.type(transport);
        int sport = transport < 0 ? -1 : view.sourcePort(transport);
        int dport = transport < 0 ? -1 : view.destinationPort(transport);
        appendEndpoint(ip, true, sport, out);
        out.append(" > ");
        appendEndpoint(ip, false, dport, out);
        out.append(": ");
        int payloadLength = ipPayloadLength(stack, ip, next);
        switch (transportType) {
            case LayerType.UDP:
                appendUdp(stack, transport, out);
                break;
            case LayerType.TCP:
                appendTcp(transport, out);
                break;
            case LayerType.ICMP:
            case LayerType.ICMPV6:
                appendIcmp(transport, transportType == LayerType.ICMPV6, payloadLength, out);
                break;
            case LayerType.GRE:
                out.append(LayerType.name(LayerType.GRE));
                break;
            case LayerType.IPV4:
            case LayerType.IPV6:
                out.append(stack.type(ip) == LayerType.IPV4 ? "IP-in-IP" : "IP-in-IPv6");
                break;
            case LayerType.FRAGMENT_DATA:
                out.append("fragment of ").append(protocolName(view.ipProtocol(ip)))
                        .append(", length ").append(payloadLength);
                break;
            default:
                out.append(protocolName(view.ipProtocol(ip))).append(", length ").append(payloadLength);
                break;
        }
        appendFragment(ip, payloadLength, out);
        return transport < 0 ? next : transport + 1;
    }

    private void appendEndpoint(int ip, boolean source, int port, StringBuilder out) {
        if (source) {
            view.appendSource(ip, out);
        } else {
            view.appendDestination(ip, out);
        }
        if (port >= 0) {
            out.append('.').append(port);
        }
    }

    /** Bytes after the IP header (and IPv6 extension headers), bounded by the layer's end. */
    private static int ipPayloadLength(LayerStack stack, int ip, int afterExtensions) {
        int start = afterExtensions < stack.count() ? stack.offset(afterExtensions)
                : stack.payloadOffset(ip);
        return Math.max(0, stack.end(ip) - start);
    }

    /** tcpdump's {@code (frag ID:LEN@OFFSET+)} for IPv4 and IPv6 fragments. */
    private void appendFragment(int ip, int payloadLength, StringBuilder out) {
        boolean more = view.moreFragments(ip);
        int offset = view.fragmentOffset(ip);
        if (more || offset > 0) {
            out.append(" (frag ").append(view.ipId(ip)).append(':').append(payloadLength)
                    .append('@').append(offset).append(more ? "+)" : ")");
        }
    }

    private void appendUdp(LayerStack stack, int transport, StringBuilder out) {
        int next = transport + 1;
        int nextType = next < stack.count() ? stack.type(next) : 0;
        if (nextType == LayerType.VXLAN || nextType == LayerType.GENEVE) {
            out.append(LayerType.name(nextType));
            int vni = view.vni(next);
            if (vni >= 0) {
                out.append(" vni ").append(vni);
            }
            if (nextType == LayerType.GENEVE && stack.headerLength(next) > GeneveHeader.MIN_LENGTH) {
                out.append(", options [");
                geneve.wrap(stack.buffer(), stack.offset(next), stack.headerLength(next)).appendOptions(out);
                out.append(']');
            }
        } else if (nextType == LayerType.FLANNEL_UDP) {
            out.append(FlannelUdp.DESCRIPTOR.name());
        } else if (next < stack.count() && summarisedAfterUdp(stack, next)) {
            // GTP-U, Teredo, MPLS-in-UDP: the layers' own summaries follow.
            return;
        } else {
            out.append("UDP, length ").append(Math.max(0, view.udpPayloadLength(transport)));
        }
    }

    private void appendTcp(int transport, StringBuilder out) {
        int flags = view.tcpFlags(transport);
        if (flags < 0) {
            out.append("TCP");
            return;
        }
        out.append("Flags [");
        appendFlag(flags, 0x02, 'S', out);
        appendFlag(flags, 0x01, 'F', out);
        appendFlag(flags, 0x08, 'P', out);
        appendFlag(flags, 0x04, 'R', out);
        appendFlag(flags, 0x20, 'U', out);
        appendFlag(flags, 0x40, 'E', out);
        appendFlag(flags, 0x80, 'W', out);
        appendFlag(flags, 0x10, '.', out);
        if ((flags & 0xff) == 0) {
            out.append("none");
        }
        long sequence = view.tcpSequence(transport);
        int dataLength = Math.max(0, view.tcpPayloadLength(transport));
        out.append("], seq ").append(sequence);
        if (dataLength > 0) {
            out.append(':').append((sequence + dataLength) & 0xffffffffL);
        }
        if ((flags & 0x10) != 0) {
            out.append(", ack ").append(view.tcpAcknowledgment(transport));
        }
        out.append(", win ").append(view.tcpWindow(transport));
        int mss = view.tcpMss(transport);
        if (mss > 0) {
            out.append(", options [mss ").append(mss).append(']');
        }
        out.append(", length ").append(dataLength);
    }

    private static void appendFlag(int flags, int bit, char letter, StringBuilder out) {
        if ((flags & bit) != 0) {
            out.append(letter);
        }
    }

    private void appendIcmp(int transport, boolean v6, int length, StringBuilder out) {
        int type = view.icmpType(transport);
        if (type < 0) {
            out.append(v6 ? "ICMP6" : "ICMP");
            return;
        }
        int code = view.icmpCode(transport);
        out.append(v6 ? "ICMP6, " : "ICMP ");
        boolean echo = v6 ? type == 128 || type == 129 : type == 0 || type == 8;
        if (echo) {
            out.append(type == 8 || type == 128 ? "echo request" : "echo reply");
            if (view.icmpSequence(transport) >= 0) {
                out.append(", id ").append(view.icmpId(transport))
                        .append(", seq ").append(view.icmpSequence(transport));
            }
        } else if (!v6 && type == 3) {
            int quoted = view.quotedIpLayer(transport);
            if (quoted >= 0) {
                view.appendDestination(quoted, out);
            } else {
                out.append('?');
            }
            if (code == 4) {
                out.append(" unreachable - need to frag (mtu ").append(view.icmpMtu(transport)).append(')');
            } else {
                out.append(' ').append(unreachable(code)).append(" unreachable");
            }
            appendQuote(transport, out);
        } else if (!v6 && type == 11 || v6 && type == 3) {
            out.append(code == 0 ? "time exceeded in-transit" : "ip reassembly time exceeded");
            appendQuote(transport, out);
        } else if (v6 && type == 2) {
            out.append("packet too big, mtu ").append(view.icmpMtu(transport));
            appendQuote(transport, out);
        } else if (v6 && type == 1) {
            out.append("destination unreachable, code ").append(code);
            appendQuote(transport, out);
        } else if (v6 && type >= 133 && type <= 136) {
            out.append(NEIGHBOUR_DISCOVERY[type - 133]);
        } else {
            out.append("type ").append(type).append(" code ").append(code);
            appendQuote(transport, out);
        }
        out.append(", length ").append(length);
    }

    private static final String[] NEIGHBOUR_DISCOVERY = {
        "router solicitation", "router advertisement", "neighbor solicitation", "neighbor advertisement",
    };

    /** {@code , quoting SRC[.port] > DST[.port] PROTO} for the packet an ICMP error carries. */
    private void appendQuote(int transport, StringBuilder out) {
        int quoted = view.quotedIpLayer(transport);
        if (quoted < 0) {
            return;
        }
        int quotedTransport = view.transportLayer(quoted);
        int sport = quotedTransport < 0 ? -1 : view.sourcePort(quotedTransport);
        int dport = quotedTransport < 0 ? -1 : view.destinationPort(quotedTransport);
        out.append(", quoting ");
        appendEndpoint(quoted, true, sport, out);
        out.append(" > ");
        appendEndpoint(quoted, false, dport, out);
        out.append(' ').append(protocolName(view.ipProtocol(quoted)));
    }

    private void appendArp(int i, StringBuilder out) {
        int operation = view.arpOperation(i);
        out.append("ARP, ");
        if (operation == 1 && view.arpTargetIpv4(i) != -1) {
            out.append("Request who-has ");
            Addresses.appendIpv4(out, view.arpTargetIpv4(i));
            out.append(" tell ");
            Addresses.appendIpv4(out, view.arpSenderIpv4(i));
        } else if (operation == 2 && view.appendArpSenderMac(i, scratch.delete(0, scratch.length()))) {
            out.append("Reply ");
            Addresses.appendIpv4(out, view.arpSenderIpv4(i));
            out.append(" is-at ").append(scratch);
        } else {
            out.append("operation ").append(operation);
        }
        out.append(", length ").append(view.stack().end(i) - view.stack().offset(i));
    }

    /** A frame whose EtherType (or SLL protocol) no dissector claimed. */
    private void appendNonIp(LayerStack stack, int link, StringBuilder out) {
        int etherType = view.etherType(link);
        if (etherType >= 0) {
            out.append("ethertype 0x");
            appendHex4(out, etherType);
        } else {
            out.append(LayerType.name(stack.type(link))).append(" protocol not decoded");
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
        return IpProtocols.tcpdumpName(protocol);
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
