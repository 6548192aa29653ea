package io.tunnelscope.decode;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.Protocols;
import io.tunnelscope.proto.arp.ArpHeader;
import io.tunnelscope.proto.ethernet.EthernetHeader;
import io.tunnelscope.proto.ethernet.VlanTag;
import io.tunnelscope.proto.geneve.GeneveHeader;
import io.tunnelscope.proto.gre.GreHeader;
import io.tunnelscope.proto.icmp.IcmpHeader;
import io.tunnelscope.proto.icmpv6.Icmpv6Header;
import io.tunnelscope.proto.ipv4.Ipv4Header;
import io.tunnelscope.proto.ipv6.Ipv6ExtensionHeader;
import io.tunnelscope.proto.ipv6.Ipv6Header;
import io.tunnelscope.proto.sll.LinuxSll2Header;
import io.tunnelscope.proto.sll.LinuxSllHeader;
import io.tunnelscope.proto.tcp.TcpHeader;
import io.tunnelscope.proto.udp.UdpHeader;
import io.tunnelscope.proto.vxlan.VxlanHeader;
import java.nio.ByteBuffer;

/**
 * A reusable flyweight over a decoded {@link LayerStack}, for the boundary code (CLI lines, JSON,
 * flows): which layer is the outer/inner IP header, the encapsulations, and the field values a
 * tcpdump-like one-line formatter needs. Nothing is allocated except by appending to the caller's
 * {@link StringBuilder}.
 *
 * <p>Accessors take a layer index and return -1 when the layer is not of the expected type or its
 * header was cut before the field (a truncated or quoted header keeps only the bytes that were
 * there). The fields are read by the protocol flyweights ({@code proto.<name>.*Header}), one
 * instance of each re-wrapped over the layer asked about: they alone know the offsets, and the
 * length checks name their constants. Not thread-safe; re-{@link #wrap(LayerStack)} after each
 * decode.
 */
public final class PacketView {
    /** Most encapsulations recorded per packet. */
    public static final int MAX_ENCAPSULATIONS = 16;

    private LayerStack stack;
    private ByteBuffer buf;
    private final EthernetHeader ethernet = new EthernetHeader();
    private final VlanTag vlanTag = new VlanTag();
    private final LinuxSllHeader sll = new LinuxSllHeader();
    private final LinuxSll2Header sll2 = new LinuxSll2Header();
    private final ArpHeader arp = new ArpHeader();
    private final Ipv4Header ipv4 = new Ipv4Header();
    private final Ipv6Header ipv6 = new Ipv6Header();
    private final Ipv6ExtensionHeader extension = new Ipv6ExtensionHeader();
    private final UdpHeader udp = new UdpHeader();
    private final TcpHeader tcp = new TcpHeader();
    private final IcmpHeader icmp = new IcmpHeader();
    private final Icmpv6Header icmpv6 = new Icmpv6Header();
    private final VxlanHeader vxlan = new VxlanHeader();
    private final GeneveHeader geneve = new GeneveHeader();
    private final GreHeader gre = new GreHeader();
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
        return is(layer, LayerType.IPV4, Ipv4Header.DESTINATION_OFFSET + 4)
            || is(layer, LayerType.IPV6, Ipv6Header.DESTINATION_OFFSET + 16);
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

    // The flyweights over a layer's header: the bytes the stack holds for it, so a getter past a
    // cut header is caught by the is(...) check before it.

    private EthernetHeader ethernet(int layer) {
        return ethernet.wrap(buf, stack.offset(layer), stack.headerLength(layer));
    }

    private VlanTag vlanTag(int layer) { return vlanTag.wrap(buf, stack.offset(layer), stack.headerLength(layer)); }

    private LinuxSllHeader sll(int layer) { return sll.wrap(buf, stack.offset(layer), stack.headerLength(layer)); }

    private LinuxSll2Header sll2(int layer) { return sll2.wrap(buf, stack.offset(layer), stack.headerLength(layer)); }

    private ArpHeader arp(int layer) { return arp.wrap(buf, stack.offset(layer), stack.headerLength(layer)); }

    private Ipv4Header ipv4(int layer) { return ipv4.wrap(buf, stack.offset(layer), stack.headerLength(layer)); }

    private Ipv6Header ipv6(int layer) { return ipv6.wrap(buf, stack.offset(layer), stack.headerLength(layer)); }

    /** An IPv6 extension header layer, told its kind (the next-header value) by its layer type. */
    private Ipv6ExtensionHeader extension(int layer) {
        int kind;
        switch (stack.type(layer)) {
            case LayerType.IPV6_HOP_BY_HOP: kind = Ipv6Header.NEXT_HOP_BY_HOP; break;
            case LayerType.IPV6_ROUTING: kind = Ipv6Header.NEXT_ROUTING; break;
            case LayerType.IPV6_FRAGMENT: kind = Ipv6Header.NEXT_FRAGMENT; break;
            default: kind = Ipv6Header.NEXT_DESTINATION; break;
        }
        return extension.wrap(buf, stack.offset(layer), stack.headerLength(layer), kind);
    }

    private UdpHeader udp(int layer) { return udp.wrap(buf, stack.offset(layer), stack.headerLength(layer)); }

    private TcpHeader tcp(int layer) { return tcp.wrap(buf, stack.offset(layer), stack.headerLength(layer)); }

    private IcmpHeader icmp(int layer) { return icmp.wrap(buf, stack.offset(layer), stack.headerLength(layer)); }

    private Icmpv6Header icmpv6(int layer) { return icmpv6.wrap(buf, stack.offset(layer), stack.headerLength(layer)); }

    private VxlanHeader vxlan(int layer) { return vxlan.wrap(buf, stack.offset(layer), stack.headerLength(layer)); }

    private GeneveHeader geneve(int layer) { return geneve.wrap(buf, stack.offset(layer), stack.headerLength(layer)); }

    private GreHeader gre(int layer) { return gre.wrap(buf, stack.offset(layer), stack.headerLength(layer)); }

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

    /** VNI of a VXLAN or Geneve layer, or of a registered tunnel that reads one (VXLAN-GPE); else -1. */
    public int vni(int layer) {
        if (is(layer, LayerType.VXLAN, VxlanHeader.LENGTH)) {
            return VxlanHeader.vni(buf, stack.offset(layer));
        }
        if (is(layer, LayerType.GENEVE, GeneveHeader.MIN_LENGTH)) {
            return GeneveHeader.vni(buf, stack.offset(layer));
        }
        if (layer < 0 || layer >= stack.count()) {
            return -1;
        }
        ProtocolDescriptor d = Protocols.byId(stack.type(layer));
        return d == null || d.vni() == null ? -1 : d.vni().read(buf, stack.offset(layer), stack.headerLength(layer));
    }

    /** The flags byte of a VXLAN layer, or -1. */
    public int vxlanFlags(int layer) {
        return is(layer, LayerType.VXLAN, VxlanHeader.FLAGS_OFFSET + 1) ? vxlan(layer).flags() : -1;
    }

    /**
     * The first 16 bits of a VXLAN layer, flags and reserved bits, as Wireshark's
     * {@code vxlan.flags} shows them, or -1.
     */
    public int vxlanFlagsField(int layer) {
        return is(layer, LayerType.VXLAN, VxlanHeader.FLAGS_OFFSET + 2) ? vxlan(layer).flagsField() : -1;
    }

    /** Protocol type of a Geneve layer, or -1. */
    public int geneveProtocolType(int layer) {
        return is(layer, LayerType.GENEVE, GeneveHeader.PROTOCOL_TYPE_OFFSET + 2) ? geneve(layer).protocolType() : -1;
    }

    /** Options length in bytes of a Geneve layer, or -1. */
    public int geneveOptionsLength(int layer) {
        return is(layer, LayerType.GENEVE, GeneveHeader.VERSION_OPTION_LENGTH_OFFSET + 1)
            ? geneve(layer).optionsLength() : -1;
    }

    /** The O and C flags byte of a Geneve layer (0x80 OAM, 0x40 critical), or -1. */
    public int geneveFlags(int layer) {
        return is(layer, LayerType.GENEVE, GeneveHeader.FLAGS_OFFSET + 1) ? geneve(layer).flags() : -1;
    }

    /** Protocol type of a GRE layer, or -1. */
    public int greProtocolType(int layer) {
        return is(layer, LayerType.GRE, GreHeader.PROTOCOL_OFFSET + 2) ? gre(layer).protocolType() : -1;
    }

    /** Key of a GRE layer, or -1 when absent. */
    public long greKey(int layer) {
        if (!is(layer, LayerType.GRE, GreHeader.MIN_LENGTH)) {
            return -1;
        }
        GreHeader g = gre(layer);
        return g.hasKey() && g.available() >= g.keyOffset() + GreHeader.KEY_LENGTH ? g.key() : -1;
    }

    // ---------------------------------------------------------------- link

    /**
     * The EtherType / protocol a link or VLAN layer announces (Ethernet, VLAN, SLL, SLL2), or -1.
     */
    public int etherType(int layer) {
        if (is(layer, LayerType.ETHERNET, EthernetHeader.LENGTH)) {
            return ethernet(layer).etherType();
        }
        if (isVlan(layer, VlanTag.TYPE_OFFSET + 2)) {
            return vlanTag(layer).etherType();
        }
        if (is(layer, LayerType.LINUX_SLL, LinuxSllHeader.LENGTH)) {
            return sll(layer).protocol();
        }
        if (is(layer, LayerType.LINUX_SLL2, LinuxSll2Header.LENGTH)) {
            return sll2(layer).protocol();
        }
        return -1;
    }

    /** VLAN ID of a VLAN layer, or -1. */
    public int vlanId(int layer) {
        return isVlan(layer, VlanTag.TCI_OFFSET + 2) ? vlanTag(layer).vlanId() : -1;
    }

    /** Appends an Ethernet layer's source MAC; false (nothing appended) for other layers. */
    public boolean appendEthernetSource(int layer, StringBuilder sb) {
        if (!is(layer, LayerType.ETHERNET, EthernetHeader.LENGTH)) {
            return false;
        }
        Addresses.appendMac(sb, buf, ethernet(layer).sourceOffset());
        return true;
    }

    /** Appends an Ethernet layer's destination MAC; false for other layers. */
    public boolean appendEthernetDestination(int layer, StringBuilder sb) {
        if (!is(layer, LayerType.ETHERNET, EthernetHeader.LENGTH)) {
            return false;
        }
        Addresses.appendMac(sb, buf, ethernet(layer).destinationOffset());
        return true;
    }

    // ---------------------------------------------------------------- IP

    /** 4 or 6 for an IP layer, else -1. */
    public int ipVersion(int ipLayer) {
        if (is(ipLayer, LayerType.IPV4, Ipv4Header.VERSION_IHL_OFFSET + 1)) {
            return 4;
        }
        return is(ipLayer, LayerType.IPV6, Ipv6Header.VERSION_CLASS_FLOW_OFFSET + 1) ? 6 : -1;
    }

    /** The protocol (IPv4) or final next header after the IPv6 extension headers, or -1. */
    public int ipProtocol(int ipLayer) {
        if (is(ipLayer, LayerType.IPV4, Ipv4Header.MIN_LENGTH)) {
            return Ipv4Header.protocol(buf, stack.offset(ipLayer));
        }
        if (!is(ipLayer, LayerType.IPV6, Ipv6Header.LENGTH)) {
            return -1;
        }
        int protocol = Ipv6Header.nextHeader(buf, stack.offset(ipLayer));
        for (int j = ipLayer + 1; j < stack.count() && LayerType.isIpv6Extension(stack.type(j)); j++) {
            if (stack.headerLength(j) < Ipv6ExtensionHeader.NEXT_HEADER_OFFSET + 1) {
                break;
            }
            protocol = extension(j).nextHeader();
        }
        return protocol;
    }

    /** The next header field of an IPv6 layer itself (before any extension header), or -1. */
    public int ipv6NextHeader(int ipLayer) {
        return is(ipLayer, LayerType.IPV6, Ipv6Header.LENGTH) ? ipv6(ipLayer).nextHeader() : -1;
    }

    /** IPv4 identification; IPv6: the fragment header's identification, or -1 without one. */
    public long ipId(int ipLayer) {
        if (is(ipLayer, LayerType.IPV4, Ipv4Header.MIN_LENGTH)) {
            return ipv4(ipLayer).identification();
        }
        int f = fragmentLayer(ipLayer);
        return f >= 0 ? extension(f).identification() : -1;
    }

    /** IPv4 TTL or IPv6 hop limit, or -1. */
    public int ttl(int ipLayer) {
        if (is(ipLayer, LayerType.IPV4, Ipv4Header.MIN_LENGTH)) {
            return ipv4(ipLayer).ttl();
        }
        return is(ipLayer, LayerType.IPV6, Ipv6Header.LENGTH) ? ipv6(ipLayer).hopLimit() : -1;
    }

    /** IPv4 TOS byte or IPv6 traffic class, or -1. */
    public int tos(int ipLayer) {
        if (is(ipLayer, LayerType.IPV4, Ipv4Header.MIN_LENGTH)) {
            return ipv4(ipLayer).tos();
        }
        return is(ipLayer, LayerType.IPV6, Ipv6Header.LENGTH) ? ipv6(ipLayer).trafficClass() : -1;
    }

    /** IPv6 flow label, or -1. */
    public int flowLabel(int ipLayer) {
        return is(ipLayer, LayerType.IPV6, Ipv6Header.LENGTH) ? ipv6(ipLayer).flowLabel() : -1;
    }

    /**
     * Length of the IP packet: IPv4 total length, IPv6 40 + payload length; for a length field of
     * 0 (TSO / BIG TCP, or an IPv6 jumbogram) the length the decoder took instead (as tcpdump
     * prints it). -1 for other layers.
     */
    public int ipTotalLength(int ipLayer) {
        if (is(ipLayer, LayerType.IPV4, Ipv4Header.MIN_LENGTH)) {
            int total = Ipv4Header.totalLength(buf, stack.offset(ipLayer));
            return total != 0 || stack.isQuoted(ipLayer) ? total : stack.declaredEnd(ipLayer) - stack.offset(ipLayer);
        }
        if (is(ipLayer, LayerType.IPV6, Ipv6Header.LENGTH)) {
            int payload = Ipv6Header.payloadLength(buf, stack.offset(ipLayer));
            return payload != 0 || stack.isQuoted(ipLayer)
                ? Ipv6Header.LENGTH + payload : stack.declaredEnd(ipLayer) - stack.offset(ipLayer);
        }
        return -1;
    }

    /** The raw IPv4 total length / IPv6 payload length field, or -1. */
    public int ipLengthField(int ipLayer) {
        if (is(ipLayer, LayerType.IPV4, Ipv4Header.MIN_LENGTH)) {
            return ipv4(ipLayer).totalLength();
        }
        return is(ipLayer, LayerType.IPV6, Ipv6Header.LENGTH) ? ipv6(ipLayer).payloadLength() : -1;
    }

    /** IPv4 DF flag (false for other layers). */
    public boolean dontFragment(int ipLayer) {
        return is(ipLayer, LayerType.IPV4, Ipv4Header.MIN_LENGTH) && ipv4(ipLayer).dontFragment();
    }

    /** IPv4 MF flag, or the IPv6 fragment header's M flag. */
    public boolean moreFragments(int ipLayer) {
        if (is(ipLayer, LayerType.IPV4, Ipv4Header.MIN_LENGTH)) {
            return ipv4(ipLayer).moreFragments();
        }
        int f = fragmentLayer(ipLayer);
        return f >= 0 && extension(f).moreFragments();
    }

    /** Fragment offset in bytes (IPv4, or the IPv6 fragment header), 0 when not fragmented, -1 for non-IP. */
    public int fragmentOffset(int ipLayer) {
        if (is(ipLayer, LayerType.IPV4, Ipv4Header.MIN_LENGTH)) {
            return ipv4(ipLayer).fragmentOffset();
        }
        if (!is(ipLayer, LayerType.IPV6, Ipv6Header.LENGTH)) {
            return -1;
        }
        int f = fragmentLayer(ipLayer);
        return f >= 0 ? extension(f).fragmentOffset() : 0;
    }

    private int fragmentLayer(int ipLayer) {
        if (!is(ipLayer, LayerType.IPV6, Ipv6Header.LENGTH)) {
            return -1;
        }
        for (int j = ipLayer + 1; j < stack.count() && LayerType.isIpv6Extension(stack.type(j)); j++) {
            if (stack.type(j) == LayerType.IPV6_FRAGMENT
                && stack.headerLength(j) >= Ipv6ExtensionHeader.FRAGMENT_LENGTH) {
                return j;
            }
        }
        return -1;
    }

    /** IPv4 header checksum field, or -1. */
    public int ipv4Checksum(int ipLayer) {
        return is(ipLayer, LayerType.IPV4, Ipv4Header.MIN_LENGTH) ? ipv4(ipLayer).checksum() : -1;
    }

    /** IPv4 source address as an int (0 for other layers). */
    public int ipv4Source(int ipLayer) {
        return is(ipLayer, LayerType.IPV4, Ipv4Header.MIN_LENGTH) ? Ipv4Header.source(buf, stack.offset(ipLayer)) : 0;
    }

    /** IPv4 destination address as an int (0 for other layers). */
    public int ipv4Destination(int ipLayer) {
        return is(ipLayer, LayerType.IPV4, Ipv4Header.MIN_LENGTH) ? Ipv4Header.destination(buf, stack.offset(ipLayer)) : 0;
    }

    /** Absolute buffer offset of an IPv6 layer's source address, or -1. */
    public int ipv6SourceOffset(int ipLayer) {
        return is(ipLayer, LayerType.IPV6, Ipv6Header.LENGTH) ? ipv6(ipLayer).sourceOffset() : -1;
    }

    /** Absolute buffer offset of an IPv6 layer's destination address, or -1. */
    public int ipv6DestinationOffset(int ipLayer) {
        return is(ipLayer, LayerType.IPV6, Ipv6Header.LENGTH) ? ipv6(ipLayer).destinationOffset() : -1;
    }

    /**
     * The first 64 bits of an IP layer's source or destination address as a 128-bit value, IPv4
     * as IPv4-mapped ({@code ::ffff:a.b.c.d}, so 0); with {@link #addressLow} it tells addresses
     * apart without building text. -1 when the layer has no captured address.
     */
    public long addressHigh(int ipLayer, boolean source) {
        if (is(ipLayer, LayerType.IPV4, Ipv4Header.MIN_LENGTH)) {
            return 0;
        }
        int offset = source ? ipv6SourceOffset(ipLayer) : ipv6DestinationOffset(ipLayer);
        return offset < 0 ? -1 : buf.getLong(offset);
    }

    /** The last 64 bits of the address (see {@link #addressHigh}); -1 when not captured. */
    public long addressLow(int ipLayer, boolean source) {
        if (is(ipLayer, LayerType.IPV4, Ipv4Header.MIN_LENGTH)) {
            return 0x0000_FFFF_0000_0000L | ((source ? ipv4Source(ipLayer) : ipv4Destination(ipLayer)) & 0xFFFF_FFFFL);
        }
        int offset = source ? ipv6SourceOffset(ipLayer) : ipv6DestinationOffset(ipLayer);
        return offset < 0 ? -1 : buf.getLong(offset + Long.BYTES);
    }

    /** Appends the source address (dotted IPv4, RFC 5952 IPv6); false, nothing appended, for non-IP. */
    public boolean appendSource(int ipLayer, StringBuilder sb) {
        if (is(ipLayer, LayerType.IPV4, Ipv4Header.MIN_LENGTH)) {
            Addresses.appendIpv4(sb, ipv4Source(ipLayer));
            return true;
        }
        if (is(ipLayer, LayerType.IPV6, Ipv6Header.LENGTH)) {
            Addresses.appendIpv6(sb, buf, ipv6(ipLayer).sourceOffset());
            return true;
        }
        return false;
    }

    /** Appends the destination address; false for non-IP. */
    public boolean appendDestination(int ipLayer, StringBuilder sb) {
        if (is(ipLayer, LayerType.IPV4, Ipv4Header.MIN_LENGTH)) {
            Addresses.appendIpv4(sb, ipv4Destination(ipLayer));
            return true;
        }
        if (is(ipLayer, LayerType.IPV6, Ipv6Header.LENGTH)) {
            Addresses.appendIpv6(sb, buf, ipv6(ipLayer).destinationOffset());
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
        if (ipVersion(ipLayer) < 0) {
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
        if (is(transportLayer, LayerType.UDP, UdpHeader.SOURCE_PORT_OFFSET + 2)) {
            return UdpHeader.sourcePort(buf, stack.offset(transportLayer));
        }
        return is(transportLayer, LayerType.TCP, TcpHeader.SOURCE_PORT_OFFSET + 2) ? TcpHeader.sourcePort(buf, stack.offset(transportLayer)) : -1;
    }

    /** Destination port of a UDP/TCP layer, or -1. */
    public int destinationPort(int transportLayer) {
        if (is(transportLayer, LayerType.UDP, UdpHeader.DESTINATION_PORT_OFFSET + 2)) {
            return UdpHeader.destinationPort(buf, stack.offset(transportLayer));
        }
        return is(transportLayer, LayerType.TCP, TcpHeader.DESTINATION_PORT_OFFSET + 2)
            ? TcpHeader.destinationPort(buf, stack.offset(transportLayer)) : -1;
    }

    /** The UDP length field, or -1. */
    public int udpLength(int layer) {
        return is(layer, LayerType.UDP, UdpHeader.LENGTH_OFFSET + 2) ? udp(layer).length() : -1;
    }

    /** UDP payload length as decoded (the length field, or the jumbo length when it is 0), or -1. */
    public int udpPayloadLength(int layer) {
        return is(layer, LayerType.UDP, UdpHeader.LENGTH) ? stack.declaredEnd(layer) - stack.payloadOffset(layer) : -1;
    }

    /** The UDP checksum field, or -1. */
    public int udpChecksum(int layer) {
        return is(layer, LayerType.UDP, UdpHeader.CHECKSUM_OFFSET + 2) ? udp(layer).checksum() : -1;
    }

    /** TCP flags byte (CWR..FIN), or -1. */
    public int tcpFlags(int layer) {
        return is(layer, LayerType.TCP, TcpHeader.FLAGS_OFFSET + 1) ? tcp(layer).flags() : -1;
    }

    public long tcpSequence(int layer) {
        return is(layer, LayerType.TCP, TcpHeader.SEQUENCE_OFFSET + 4) ? tcp(layer).sequence() : -1;
    }

    public long tcpAcknowledgment(int layer) {
        return is(layer, LayerType.TCP, TcpHeader.ACKNOWLEDGMENT_OFFSET + 4) ? tcp(layer).acknowledgment() : -1;
    }

    public int tcpWindow(int layer) {
        return is(layer, LayerType.TCP, TcpHeader.WINDOW_OFFSET + 2) ? tcp(layer).window() : -1;
    }

    public int tcpChecksum(int layer) {
        return is(layer, LayerType.TCP, TcpHeader.CHECKSUM_OFFSET + 2) ? tcp(layer).checksum() : -1;
    }

    public int tcpUrgentPointer(int layer) {
        return is(layer, LayerType.TCP, TcpHeader.URGENT_OFFSET + 2) ? tcp(layer).urgentPointer() : -1;
    }

    /** TCP header length in bytes, or -1. */
    public int tcpHeaderLength(int layer) {
        return is(layer, LayerType.TCP, TcpHeader.DATA_OFFSET_OFFSET + 1) ? tcp(layer).headerLength() : -1;
    }

    /**
     * True when a TCP layer's whole header, options included, was decoded: what option accessors
     * need. False for a header cut by the snaplen, a fragment or a quote, and for malformed options.
     */
    public boolean tcpOptionsReadable(int layer) {
        if (!is(layer, LayerType.TCP, TcpHeader.MIN_LENGTH) || stack.status(layer) == LayerStatus.MALFORMED) {
            return false;
        }
        int length = tcpHeaderLength(layer);
        return length >= TcpHeader.MIN_LENGTH && stack.headerLength(layer) == length;
    }

    /** The MSS option's value (RFC 9293 section 3.7.1), or -1 when absent or not readable. */
    public int tcpMss(int layer) {
        return tcpOptionsReadable(layer) ? tcp(layer).mss() : -1;
    }

    /** Number of SACK blocks (RFC 2018) in a TCP header, 0 when none or not readable. */
    public int tcpSackBlocks(int layer) {
        return tcpOptionsReadable(layer) ? tcp(layer).sackBlocks() : 0;
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
        if (!is(layer, LayerType.TCP, TcpHeader.MIN_LENGTH) || stack.isQuoted(layer)) {
            return -1;
        }
        return Math.max(0, stack.declaredEnd(layer) - stack.payloadOffset(layer));
    }

    public int icmpType(int layer) {
        if (is(layer, LayerType.ICMP, IcmpHeader.TYPE_OFFSET + 1)) {
            return icmp(layer).type();
        }
        return is(layer, LayerType.ICMPV6, Icmpv6Header.TYPE_OFFSET + 1) ? icmpv6(layer).type() : -1;
    }

    public int icmpCode(int layer) {
        if (is(layer, LayerType.ICMP, IcmpHeader.CODE_OFFSET + 1)) {
            return icmp(layer).code();
        }
        return is(layer, LayerType.ICMPV6, Icmpv6Header.CODE_OFFSET + 1) ? icmpv6(layer).code() : -1;
    }

    /** Echo identifier (ICMP or ICMPv6 echo), or -1. */
    public int icmpId(int layer) {
        if (is(layer, LayerType.ICMP, IcmpHeader.IDENTIFIER_OFFSET + 2)) {
            return icmp(layer).identifier();
        }
        return is(layer, LayerType.ICMPV6, Icmpv6Header.IDENTIFIER_OFFSET + 2) ? icmpv6(layer).identifier() : -1;
    }

    /** Echo sequence number, or -1. */
    public int icmpSequence(int layer) {
        if (is(layer, LayerType.ICMP, IcmpHeader.SEQUENCE_OFFSET + 2)) {
            return icmp(layer).sequence();
        }
        return is(layer, LayerType.ICMPV6, Icmpv6Header.SEQUENCE_OFFSET + 2) ? icmpv6(layer).sequence() : -1;
    }

    /**
     * The MTU an ICMP "fragmentation needed" (type 3 code 4: next-hop MTU) or ICMPv6 Packet Too
     * Big (type 2) reports, or -1 for other messages.
     */
    public long icmpMtu(int layer) {
        if (is(layer, LayerType.ICMP, IcmpHeader.MTU_OFFSET + 2)) {
            IcmpHeader h = icmp(layer);
            return h.type() == IcmpHeader.DESTINATION_UNREACHABLE && h.code() == IcmpHeader.CODE_FRAGMENTATION_NEEDED
                ? h.nextHopMtu() : -1;
        }
        if (is(layer, LayerType.ICMPV6, Icmpv6Header.MTU_OFFSET + 4)) {
            Icmpv6Header h = icmpv6(layer);
            return h.type() == Icmpv6Header.PACKET_TOO_BIG ? h.mtu() : -1;
        }
        return -1;
    }

    /** Length of an ICMP/ICMPv6 message (header and data) as declared by the IP lengths, or -1. */
    public int icmpLength(int layer) {
        return is(layer, LayerType.ICMP, IcmpHeader.TYPE_OFFSET + 1)
            || is(layer, LayerType.ICMPV6, Icmpv6Header.TYPE_OFFSET + 1)
            ? stack.declaredEnd(layer) - stack.offset(layer) : -1;
    }

    /** The layer index of the first quoted IP header after an ICMP error layer, or -1. */
    public int quotedIpLayer(int icmpLayer) {
        int j = icmpLayer + 1;
        return j < stack.count() && stack.isQuoted(j) && LayerType.isIp(stack.type(j)) ? j : -1;
    }

    // ---------------------------------------------------------------- ARP

    private boolean isArpEthernetIpv4(int layer) {
        return is(layer, LayerType.ARP, ArpHeader.ETHERNET_IPV4_LENGTH) && arp(layer).hasEthernetIpv4Lengths();
    }

    /** ARP operation (1 request, 2 reply), or -1. */
    public int arpOperation(int layer) {
        return is(layer, LayerType.ARP, ArpHeader.OPERATION_OFFSET + 2) ? arp(layer).operation() : -1;
    }

    /** Sender IPv4 address of an Ethernet/IPv4 ARP layer (0 otherwise). */
    public int arpSenderIpv4(int layer) {
        return isArpEthernetIpv4(layer) ? arp(layer).senderIpv4() : 0;
    }

    /** Target IPv4 address of an Ethernet/IPv4 ARP layer (0 otherwise). */
    public int arpTargetIpv4(int layer) {
        return isArpEthernetIpv4(layer) ? arp(layer).targetIpv4() : 0;
    }

    /** Appends the sender MAC of an Ethernet/IPv4 ARP layer; false otherwise. */
    public boolean appendArpSenderMac(int layer, StringBuilder sb) {
        if (!isArpEthernetIpv4(layer)) {
            return false;
        }
        Addresses.appendMac(sb, buf, arp(layer).senderHardwareOffset());
        return true;
    }

    /** Appends the target MAC of an Ethernet/IPv4 ARP layer; false otherwise. */
    public boolean appendArpTargetMac(int layer, StringBuilder sb) {
        if (!isArpEthernetIpv4(layer)) {
            return false;
        }
        Addresses.appendMac(sb, buf, arp(layer).targetHardwareOffset());
        return true;
    }
}
