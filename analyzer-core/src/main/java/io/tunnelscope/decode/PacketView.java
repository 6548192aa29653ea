package io.tunnelscope.decode;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.Protocols;
import io.tunnelscope.proto.tcp.TcpHeader;
import java.nio.ByteBuffer;

/**
 * A reusable flyweight over a decoded {@link LayerStack}, for the boundary code (CLI lines, JSON,
 * flows): which layer is the outer/inner IP header, the encapsulations, and the field values a
 * tcpdump-like one-line formatter needs. Nothing is allocated except by appending to the caller's
 * {@link StringBuilder}.
 *
 * <p>Accessors take a layer index and return -1 when the layer is not of the expected type or its
 * header was cut before the field (a truncated or quoted header keeps only the bytes that were
 * there). Not thread-safe; re-{@link #wrap(LayerStack)} after each decode.
 */
public final class PacketView {
    /** Most encapsulations recorded per packet. */
    public static final int MAX_ENCAPSULATIONS = 16;

    private LayerStack stack;
    private ByteBuffer buf;
    private final TcpHeader tcp = new TcpHeader();
    private final int[] encapsulationKind = new int[MAX_ENCAPSULATIONS];
    private final int[] encapsulationLayer = new int[MAX_ENCAPSULATIONS];
    private int encapsulations;
    private int outerIp;
    private int innerIp;
    private int carriedIp;

    /**
     * True when an IP layer's source and destination addresses were captured and decoded as such:
     * its header length reaches them (a header whose version contradicted what announced it has
     * none).
     */
    public boolean addressesReadable(int layer) {
        return isIp(layer, 20, 40);
    }

    /** Points this view at a freshly decoded stack. */
    public PacketView wrap(LayerStack layers) {
        this.stack = layers;
        this.buf = layers.buffer();
        this.encapsulations = 0;
        this.outerIp = -1;
        this.innerIp = -1;
        this.carriedIp = -1;
        int n = layers.count();
        for (int i = 0; i < n; i++) {
            if (layers.isQuoted(i)) {
                continue;
            }
            int type = layers.type(i);
            switch (type) {
                case LayerType.VXLAN: addEncapsulation(Encapsulation.VXLAN, i); break;
                case LayerType.GENEVE: addEncapsulation(Encapsulation.GENEVE, i); break;
                case LayerType.GRE: addEncapsulation(Encapsulation.GRE, i); break;
                case LayerType.FLANNEL_UDP: addEncapsulation(Encapsulation.FLANNEL_UDP, i); break;
                case LayerType.IPV4, LayerType.IPV6: {
                    if (!addressesReadable(i)) {
                        // The snaplen cut this header before its addresses: no IP level to offer.
                        break;
                    }
                    if (outerIp < 0) {
                        outerIp = i;
                    }
                    innerIp = i;
                    int j = i + 1;
                    while (j < n && LayerType.isIpv6Extension(layers.type(j))) {
                        j++;
                    }
                    if (j < n && LayerType.isIp(layers.type(j)) && !layers.isQuoted(j)
                        && layers.depth(j) == layers.depth(i) + 1) {
                        addEncapsulation(Encapsulation.IPIP, i);
                    }
                    break;
                }
                default: {
                    ProtocolDescriptor d = Protocols.byId(type);
                    if (d != null && d.isTunnel()) {
                        if (encapsulations > 0 && encapsulationLayer[encapsulations - 1] == i - 1) {
                            // A tunnel header another tunnel header carries directly (ERSPAN in
                            // GRE): one encapsulation, named by the inner header.
                            encapsulations--;
                        }
                        addEncapsulation(type, i);
                    }
                    break;
                }
            }
        }
        if (encapsulations == 0) {
            carriedIp = innerIp;
        } else if (innerIp > encapsulationLayer[encapsulations - 1]) {
            carriedIp = innerIp;
        }
        return this;
    }

    /**
     * A tunnel of the registry with a dissect step of its own (no built-in case above): its layer
     * is an encapsulation like VXLAN's, whether its inner packet can be read or not.
     */
    private static boolean isRegisteredTunnel(int type) {
        ProtocolDescriptor d = Protocols.byId(type);
        return d != null && d.isTunnel() && d.dissector() != null;
    }

    /**
     * The registered tunnel of an encapsulation whose inner packet cannot be read (encrypted,
     * {@link ProtocolDescriptor#isOpaqueTunnel()}), or null.
     */
    public ProtocolDescriptor opaqueTunnel(int n) {
        ProtocolDescriptor d = n >= 0 && n < encapsulations ? Protocols.byId(encapsulationKind[n]) : null;
        return d != null && d.isOpaqueTunnel() ? d : null;
    }

    /**
     * The bytes an opaque tunnel's layer carries after its header (the encrypted packet with its
     * tag, as the packet declares it, captured or not), or -1 when the layer carries none or is
     * not such a tunnel: a handshake message is all header.
     */
    public int opaqueLength(int layer) {
        if (layer < 0 || layer >= stack.count()) {
            return -1;
        }
        ProtocolDescriptor d = Protocols.byId(stack.type(layer));
        if (d == null || !d.isOpaqueTunnel()) {
            return -1;
        }
        int carried = stack.declaredEnd(layer) - stack.payloadOffset(layer);
        return carried > 0 ? carried : -1;
    }

    private void addEncapsulation(int kind, int layer) {
        if (encapsulations < MAX_ENCAPSULATIONS) {
            encapsulationKind[encapsulations] = kind;
            encapsulationLayer[encapsulations] = layer;
            encapsulations++;
        }
    }

    /** The wrapped stack. */
    public LayerStack stack() { return stack; }

    private boolean is(int layer, int type, int need) {
        return layer >= 0 && layer < stack.count() && stack.type(layer) == type
            && stack.headerLength(layer) >= need;
    }

    private boolean isVlan(int layer, int need) {
        return is(layer, LayerType.VLAN, need) || is(layer, LayerType.IEEE_8021AD, need);
    }

    private boolean isIp(int layer, int need4, int need6) {
        return is(layer, LayerType.IPV4, need4) || is(layer, LayerType.IPV6, need6);
    }

    private int u8(int layer, int at) { return buf.get(stack.offset(layer) + at) & 0xff; }

    private int u16(int layer, int at) { return buf.getShort(stack.offset(layer) + at) & 0xffff; }

    private long u32(int layer, int at) { return buf.getInt(stack.offset(layer) + at) & 0xffffffffL; }

    // ---------------------------------------------------------------- structure

    /** First non-quoted IPv4/IPv6 layer whose addresses were captured, or -1. */
    public int outerIpLayer() { return outerIp; }

    /**
     * Innermost non-quoted IPv4/IPv6 layer whose addresses were captured ({@link #outerIpLayer()}
     * when there is no tunnel, or when the snaplen cut the inner header), or -1.
     */
    public int innerIpLayer() { return innerIp; }

    /**
     * The IP header the innermost tunnel carries, decoded as such: {@link #innerIpLayer()} when it
     * lies inside the last encapsulation, -1 when that tunnel carries no IP this decoder reads
     * (ARP in VXLAN, PPP in GRE inside IP-in-IP) or its header was cut; with no tunnel, the only
     * IP header. What {@code decode --json} calls {@code inner}.
     */
    public int carriedIpLayer() { return carriedIp; }

    /** Number of encapsulations, outermost first. */
    public int encapsulationCount() { return encapsulations; }

    /** The {@link Encapsulation} constant of encapsulation {@code n}. */
    public int encapsulation(int n) { return encapsulationKind[n]; }

    /** The tunnel header layer of encapsulation {@code n} (the outer IP layer for ipip). */
    public int encapsulationLayer(int n) { return encapsulationLayer[n]; }

    /** VNI of the first VXLAN or Geneve header, or -1. */
    public long vni() {
        for (int n = 0; n < encapsulations; n++) {
            int v = vni(encapsulationLayer[n]);
            if (v >= 0) {
                return v;
            }
        }
        return -1;
    }

    /** VNI of a VXLAN or Geneve layer, or -1. */
    public int vni(int layer) {
        if (is(layer, LayerType.VXLAN, 8) || is(layer, LayerType.GENEVE, 8)) {
            return (u16(layer, 4) << 8) | u8(layer, 6);
        }
        return -1;
    }

    /** The flags byte of a VXLAN layer, or -1. */
    public int vxlanFlags(int layer) {
        return is(layer, LayerType.VXLAN, 1) ? u8(layer, 0) : -1;
    }

    /** Protocol type of a Geneve layer, or -1. */
    public int geneveProtocolType(int layer) {
        return is(layer, LayerType.GENEVE, 4) ? u16(layer, 2) : -1;
    }

    /** Options length in bytes of a Geneve layer, or -1. */
    public int geneveOptionsLength(int layer) {
        return is(layer, LayerType.GENEVE, 1) ? (u8(layer, 0) & 0x3f) * 4 : -1;
    }

    /** The O and C flags byte of a Geneve layer (0x80 OAM, 0x40 critical), or -1. */
    public int geneveFlags(int layer) {
        return is(layer, LayerType.GENEVE, 2) ? u8(layer, 1) & 0xc0 : -1;
    }

    /** Protocol type of a GRE layer, or -1. */
    public int greProtocolType(int layer) {
        return is(layer, LayerType.GRE, 4) ? u16(layer, 2) : -1;
    }

    /** Key of a GRE layer, or -1 when absent. */
    public long greKey(int layer) {
        if (!is(layer, LayerType.GRE, 4)) {
            return -1;
        }
        int flags = u16(layer, 0);
        if ((flags & 0x2000) == 0) {
            return -1;
        }
        int at = (flags & 0xc000) != 0 ? 8 : 4;
        return stack.headerLength(layer) >= at + 4 ? u32(layer, at) : -1;
    }

    // ---------------------------------------------------------------- link

    /**
     * The EtherType / protocol a link or VLAN layer announces (Ethernet, VLAN, SLL, SLL2), or -1.
     */
    public int etherType(int layer) {
        if (is(layer, LayerType.ETHERNET, 14)) {
            return u16(layer, 12);
        }
        if (isVlan(layer, 4)) {
            return u16(layer, 2);
        }
        if (is(layer, LayerType.LINUX_SLL, 16)) {
            return u16(layer, 14);
        }
        if (is(layer, LayerType.LINUX_SLL2, 20)) {
            return u16(layer, 0);
        }
        return -1;
    }

    /** VLAN ID of a VLAN layer, or -1. */
    public int vlanId(int layer) {
        return isVlan(layer, 2) ? u16(layer, 0) & 0x0fff : -1;
    }

    /** Appends an Ethernet layer's source MAC; false (nothing appended) for other layers. */
    public boolean appendEthernetSource(int layer, StringBuilder sb) {
        if (!is(layer, LayerType.ETHERNET, 14)) {
            return false;
        }
        Addresses.appendMac(sb, buf, stack.offset(layer) + 6);
        return true;
    }

    /** Appends an Ethernet layer's destination MAC; false for other layers. */
    public boolean appendEthernetDestination(int layer, StringBuilder sb) {
        if (!is(layer, LayerType.ETHERNET, 14)) {
            return false;
        }
        Addresses.appendMac(sb, buf, stack.offset(layer));
        return true;
    }

    // ---------------------------------------------------------------- IP

    /** 4 or 6 for an IP layer, else -1. */
    public int ipVersion(int ipLayer) {
        if (is(ipLayer, LayerType.IPV4, 1)) {
            return 4;
        }
        return is(ipLayer, LayerType.IPV6, 1) ? 6 : -1;
    }

    /** The protocol (IPv4) or final next header after the IPv6 extension headers, or -1. */
    public int ipProtocol(int ipLayer) {
        if (is(ipLayer, LayerType.IPV4, 20)) {
            return u8(ipLayer, 9);
        }
        if (!is(ipLayer, LayerType.IPV6, 40)) {
            return -1;
        }
        int protocol = u8(ipLayer, 6);
        for (int j = ipLayer + 1; j < stack.count() && LayerType.isIpv6Extension(stack.type(j)); j++) {
            if (stack.headerLength(j) < 1) {
                break;
            }
            protocol = u8(j, 0);
        }
        return protocol;
    }

    /** IPv4 identification; IPv6: the fragment header's identification, or -1 without one. */
    public long ipId(int ipLayer) {
        if (is(ipLayer, LayerType.IPV4, 20)) {
            return u16(ipLayer, 4);
        }
        if (!is(ipLayer, LayerType.IPV6, 40)) {
            return -1;
        }
        for (int j = ipLayer + 1; j < stack.count() && LayerType.isIpv6Extension(stack.type(j)); j++) {
            if (stack.type(j) == LayerType.IPV6_FRAGMENT && stack.headerLength(j) >= 8) {
                return u32(j, 4);
            }
        }
        return -1;
    }

    /** IPv4 TTL or IPv6 hop limit, or -1. */
    public int ttl(int ipLayer) {
        if (is(ipLayer, LayerType.IPV4, 20)) {
            return u8(ipLayer, 8);
        }
        return is(ipLayer, LayerType.IPV6, 40) ? u8(ipLayer, 7) : -1;
    }

    /** IPv4 TOS byte or IPv6 traffic class, or -1. */
    public int tos(int ipLayer) {
        if (is(ipLayer, LayerType.IPV4, 20)) {
            return u8(ipLayer, 1);
        }
        return is(ipLayer, LayerType.IPV6, 40) ? (u16(ipLayer, 0) >>> 4) & 0xff : -1;
    }

    /** IPv6 flow label, or -1. */
    public int flowLabel(int ipLayer) {
        return is(ipLayer, LayerType.IPV6, 40) ? (int) (u32(ipLayer, 0) & 0xfffff) : -1;
    }

    /**
     * Length of the IP packet: IPv4 total length, IPv6 40 + payload length; for a length field of
     * 0 (TSO / BIG TCP, or an IPv6 jumbogram) the length the decoder took instead (as tcpdump
     * prints it). -1 for other layers.
     */
    public int ipTotalLength(int ipLayer) {
        if (is(ipLayer, LayerType.IPV4, 20)) {
            int total = u16(ipLayer, 2);
            return total != 0 || stack.isQuoted(ipLayer) ? total : stack.declaredEnd(ipLayer) - stack.offset(ipLayer);
        }
        if (is(ipLayer, LayerType.IPV6, 40)) {
            int payload = u16(ipLayer, 4);
            return payload != 0 || stack.isQuoted(ipLayer)
                ? 40 + payload : stack.declaredEnd(ipLayer) - stack.offset(ipLayer);
        }
        return -1;
    }

    /** The raw IPv4 total length / IPv6 payload length field, or -1. */
    public int ipLengthField(int ipLayer) {
        if (is(ipLayer, LayerType.IPV4, 20)) {
            return u16(ipLayer, 2);
        }
        return is(ipLayer, LayerType.IPV6, 40) ? u16(ipLayer, 4) : -1;
    }

    /** IPv4 DF flag (false for other layers). */
    public boolean dontFragment(int ipLayer) {
        return is(ipLayer, LayerType.IPV4, 20) && (u16(ipLayer, 6) & 0x4000) != 0;
    }

    /** IPv4 MF flag, or the IPv6 fragment header's M flag. */
    public boolean moreFragments(int ipLayer) {
        if (is(ipLayer, LayerType.IPV4, 20)) {
            return (u16(ipLayer, 6) & 0x2000) != 0;
        }
        int f = fragmentLayer(ipLayer);
        return f >= 0 && (u16(f, 2) & 1) != 0;
    }

    /** Fragment offset in bytes (IPv4, or the IPv6 fragment header), 0 when not fragmented, -1 for non-IP. */
    public int fragmentOffset(int ipLayer) {
        if (is(ipLayer, LayerType.IPV4, 20)) {
            return (u16(ipLayer, 6) & 0x1fff) * 8;
        }
        if (!is(ipLayer, LayerType.IPV6, 40)) {
            return -1;
        }
        int f = fragmentLayer(ipLayer);
        return f >= 0 ? u16(f, 2) & 0xfff8 : 0;
    }

    private int fragmentLayer(int ipLayer) {
        if (!is(ipLayer, LayerType.IPV6, 40)) {
            return -1;
        }
        for (int j = ipLayer + 1; j < stack.count() && LayerType.isIpv6Extension(stack.type(j)); j++) {
            if (stack.type(j) == LayerType.IPV6_FRAGMENT && stack.headerLength(j) >= 8) {
                return j;
            }
        }
        return -1;
    }

    /** IPv4 source address as an int (0 for other layers). */
    public int ipv4Source(int ipLayer) {
        return is(ipLayer, LayerType.IPV4, 20) ? buf.getInt(stack.offset(ipLayer) + 12) : 0;
    }

    /** IPv4 destination address as an int (0 for other layers). */
    public int ipv4Destination(int ipLayer) {
        return is(ipLayer, LayerType.IPV4, 20) ? buf.getInt(stack.offset(ipLayer) + 16) : 0;
    }

    /** Absolute buffer offset of an IPv6 layer's source address, or -1. */
    public int ipv6SourceOffset(int ipLayer) {
        return is(ipLayer, LayerType.IPV6, 40) ? stack.offset(ipLayer) + 8 : -1;
    }

    /** Absolute buffer offset of an IPv6 layer's destination address, or -1. */
    public int ipv6DestinationOffset(int ipLayer) {
        return is(ipLayer, LayerType.IPV6, 40) ? stack.offset(ipLayer) + 24 : -1;
    }

    /**
     * The first 64 bits of an IP layer's source or destination address as a 128-bit value, IPv4
     * as IPv4-mapped ({@code ::ffff:a.b.c.d}, so 0); with {@link #addressLow} it tells addresses
     * apart without building text. -1 when the layer has no captured address.
     */
    public long addressHigh(int ipLayer, boolean source) {
        if (is(ipLayer, LayerType.IPV4, 20)) {
            return 0;
        }
        int offset = source ? ipv6SourceOffset(ipLayer) : ipv6DestinationOffset(ipLayer);
        return offset < 0 ? -1 : buf.getLong(offset);
    }

    /** The last 64 bits of the address (see {@link #addressHigh}); -1 when not captured. */
    public long addressLow(int ipLayer, boolean source) {
        if (is(ipLayer, LayerType.IPV4, 20)) {
            return 0x0000_FFFF_0000_0000L | ((source ? ipv4Source(ipLayer) : ipv4Destination(ipLayer)) & 0xFFFF_FFFFL);
        }
        int offset = source ? ipv6SourceOffset(ipLayer) : ipv6DestinationOffset(ipLayer);
        return offset < 0 ? -1 : buf.getLong(offset + 8);
    }

    /** Appends the source address (dotted IPv4, RFC 5952 IPv6); false, nothing appended, for non-IP. */
    public boolean appendSource(int ipLayer, StringBuilder sb) {
        if (is(ipLayer, LayerType.IPV4, 20)) {
            Addresses.appendIpv4(sb, ipv4Source(ipLayer));
            return true;
        }
        if (is(ipLayer, LayerType.IPV6, 40)) {
            Addresses.appendIpv6(sb, buf, stack.offset(ipLayer) + 8);
            return true;
        }
        return false;
    }

    /** Appends the destination address; false for non-IP. */
    public boolean appendDestination(int ipLayer, StringBuilder sb) {
        if (is(ipLayer, LayerType.IPV4, 20)) {
            Addresses.appendIpv4(sb, ipv4Destination(ipLayer));
            return true;
        }
        if (is(ipLayer, LayerType.IPV6, 40)) {
            Addresses.appendIpv6(sb, buf, stack.offset(ipLayer) + 24);
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- transport

    /**
     * The UDP/TCP/ICMP/ICMPv6 layer right after this IP header and its extension headers (same
     * depth), or -1.
     */
    public int transportLayer(int ipLayer) {
        if (!isIp(ipLayer, 1, 1)) {
            return -1;
        }
        int j = ipLayer + 1;
        while (j < stack.count() && LayerType.isIpv6Extension(stack.type(j))) {
            j++;
        }
        if (j >= stack.count() || stack.depth(j) != stack.depth(ipLayer)) {
            return -1;
        }
        switch (stack.type(j)) {
            case LayerType.UDP, LayerType.TCP, LayerType.ICMP, LayerType.ICMPV6:
                return j;
            default:
                return -1;
        }
    }

    /** Source port of a UDP/TCP layer, or -1. */
    public int sourcePort(int transportLayer) {
        return is(transportLayer, LayerType.UDP, 2) || is(transportLayer, LayerType.TCP, 2)
            ? u16(transportLayer, 0) : -1;
    }

    /** Destination port of a UDP/TCP layer, or -1. */
    public int destinationPort(int transportLayer) {
        return is(transportLayer, LayerType.UDP, 4) || is(transportLayer, LayerType.TCP, 4)
            ? u16(transportLayer, 2) : -1;
    }

    /** The UDP length field, or -1. */
    public int udpLength(int layer) {
        return is(layer, LayerType.UDP, 6) ? u16(layer, 4) : -1;
    }

    /** UDP payload length as decoded (the length field, or the jumbo length when it is 0), or -1. */
    public int udpPayloadLength(int layer) {
        return is(layer, LayerType.UDP, 8) ? stack.declaredEnd(layer) - stack.payloadOffset(layer) : -1;
    }

    /** The UDP checksum field, or -1. */
    public int udpChecksum(int layer) {
        return is(layer, LayerType.UDP, 8) ? u16(layer, 6) : -1;
    }

    /** TCP flags byte (CWR..FIN), or -1. */
    public int tcpFlags(int layer) {
        return is(layer, LayerType.TCP, 14) ? u8(layer, 13) : -1;
    }

    public long tcpSequence(int layer) {
        return is(layer, LayerType.TCP, 8) ? u32(layer, 4) : -1;
    }

    public long tcpAcknowledgment(int layer) {
        return is(layer, LayerType.TCP, 12) ? u32(layer, 8) : -1;
    }

    public int tcpWindow(int layer) {
        return is(layer, LayerType.TCP, 16) ? u16(layer, 14) : -1;
    }

    public int tcpChecksum(int layer) {
        return is(layer, LayerType.TCP, 18) ? u16(layer, 16) : -1;
    }

    /** TCP header length in bytes, or -1. */
    public int tcpHeaderLength(int layer) {
        return is(layer, LayerType.TCP, 13) ? (u8(layer, 12) >>> 4) * 4 : -1;
    }

    /**
     * True when a TCP layer's whole header, options included, was decoded: what option accessors
     * need. False for a header cut by the snaplen, a fragment or a quote, and for malformed options.
     */
    public boolean tcpOptionsReadable(int layer) {
        if (!is(layer, LayerType.TCP, 20) || stack.status(layer) == LayerStatus.MALFORMED) {
            return false;
        }
        int length = tcpHeaderLength(layer);
        return length >= 20 && stack.headerLength(layer) == length;
    }

    /** The TCP flyweight over a layer whose options are readable ({@link #tcpOptionsReadable}). */
    private TcpHeader tcpHeader(int layer) {
        return tcp.wrap(buf, stack.offset(layer), stack.headerLength(layer));
    }

    /** The MSS option's value (RFC 9293 section 3.7.1), or -1 when absent or not readable. */
    public int tcpMss(int layer) {
        return tcpOptionsReadable(layer) ? tcpHeader(layer).mss() : -1;
    }

    /** Number of SACK blocks (RFC 2018) in a TCP header, 0 when none or not readable. */
    public int tcpSackBlocks(int layer) {
        return tcpOptionsReadable(layer) ? tcpHeader(layer).sackBlocks() : 0;
    }

    /** Left edge of SACK block {@code n} (see {@link #tcpSackBlocks}), or -1. */
    public long tcpSackLeft(int layer, int n) {
        return n >= 0 && n < tcpSackBlocks(layer) ? tcp.sackLeft(n) : -1;
    }

    /** Right edge (exclusive) of SACK block {@code n}, or -1. */
    public long tcpSackRight(int layer, int n) {
        return n >= 0 && n < tcpSackBlocks(layer) ? tcp.sackRight(n) : -1;
    }

    /** TCP payload length by the IP lengths (as tcpdump's "length N"), or -1. */
    public int tcpPayloadLength(int layer) {
        if (!is(layer, LayerType.TCP, 20) || stack.isQuoted(layer)) {
            return -1;
        }
        return Math.max(0, stack.declaredEnd(layer) - stack.payloadOffset(layer));
    }

    public int icmpType(int layer) {
        return is(layer, LayerType.ICMP, 1) || is(layer, LayerType.ICMPV6, 1) ? u8(layer, 0) : -1;
    }

    public int icmpCode(int layer) {
        return is(layer, LayerType.ICMP, 2) || is(layer, LayerType.ICMPV6, 2) ? u8(layer, 1) : -1;
    }

    /** Echo identifier (ICMP or ICMPv6 echo), or -1. */
    public int icmpId(int layer) {
        return is(layer, LayerType.ICMP, 6) || is(layer, LayerType.ICMPV6, 6) ? u16(layer, 4) : -1;
    }

    /** Echo sequence number, or -1. */
    public int icmpSequence(int layer) {
        return is(layer, LayerType.ICMP, 8) || is(layer, LayerType.ICMPV6, 8) ? u16(layer, 6) : -1;
    }

    /**
     * The MTU an ICMP "fragmentation needed" (type 3 code 4: next-hop MTU) or ICMPv6 Packet Too
     * Big (type 2) reports, or -1 for other messages.
     */
    public long icmpMtu(int layer) {
        if (is(layer, LayerType.ICMP, 8) && u8(layer, 0) == 3 && u8(layer, 1) == 4) {
            return u16(layer, 6);
        }
        if (is(layer, LayerType.ICMPV6, 8) && u8(layer, 0) == 2) {
            return u32(layer, 4);
        }
        return -1;
    }

    /** Length of an ICMP/ICMPv6 message (header and data) as declared by the IP lengths, or -1. */
    public int icmpLength(int layer) {
        return is(layer, LayerType.ICMP, 1) || is(layer, LayerType.ICMPV6, 1)
            ? stack.declaredEnd(layer) - stack.offset(layer) : -1;
    }

    /** The layer index of the first quoted IP header after an ICMP error layer, or -1. */
    public int quotedIpLayer(int icmpLayer) {
        int j = icmpLayer + 1;
        return j < stack.count() && stack.isQuoted(j) && LayerType.isIp(stack.type(j)) ? j : -1;
    }

    // ---------------------------------------------------------------- ARP

    private boolean isArpEthernetIpv4(int layer) {
        return is(layer, LayerType.ARP, 28) && u8(layer, 4) == 6 && u8(layer, 5) == 4;
    }

    /** ARP operation (1 request, 2 reply), or -1. */
    public int arpOperation(int layer) {
        return is(layer, LayerType.ARP, 8) ? u16(layer, 6) : -1;
    }

    /** Sender IPv4 address of an Ethernet/IPv4 ARP layer (0 otherwise). */
    public int arpSenderIpv4(int layer) {
        return isArpEthernetIpv4(layer) ? buf.getInt(stack.offset(layer) + 14) : 0;
    }

    /** Target IPv4 address of an Ethernet/IPv4 ARP layer (0 otherwise). */
    public int arpTargetIpv4(int layer) {
        return isArpEthernetIpv4(layer) ? buf.getInt(stack.offset(layer) + 24) : 0;
    }

    /** Appends the sender MAC of an Ethernet/IPv4 ARP layer; false otherwise. */
    public boolean appendArpSenderMac(int layer, StringBuilder sb) {
        if (!isArpEthernetIpv4(layer)) {
            return false;
        }
        Addresses.appendMac(sb, buf, stack.offset(layer) + 8);
        return true;
    }

    /** Appends the target MAC of an Ethernet/IPv4 ARP layer; false otherwise. */
    public boolean appendArpTargetMac(int layer, StringBuilder sb) {
        if (!isArpEthernetIpv4(layer)) {
            return false;
        }
        Addresses.appendMac(sb, buf, stack.offset(layer) + 18);
        return true;
    }
}
