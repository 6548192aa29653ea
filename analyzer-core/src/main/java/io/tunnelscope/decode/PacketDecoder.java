package io.tunnelscope.decode;

import io.tunnelscope.capture.LinkType;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.proto.DissectCursor;
import io.tunnelscope.proto.Dissector;
import io.tunnelscope.proto.InternetChecksum;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.Protocols;
import io.tunnelscope.proto.arp.ArpHeader;
import io.tunnelscope.proto.ethernet.EthernetHeader;
import io.tunnelscope.proto.ethernet.VlanTag;
import io.tunnelscope.proto.flannel.FlannelUdpPayload;
import io.tunnelscope.proto.geneve.GeneveHeader;
import io.tunnelscope.proto.gre.GreHeader;
import io.tunnelscope.proto.icmp.IcmpHeader;
import io.tunnelscope.proto.icmpv6.Icmpv6Header;
import io.tunnelscope.proto.ipip.Ipip;
import io.tunnelscope.proto.ipv4.Ipv4Header;
import io.tunnelscope.proto.ipv6.Ipv6ExtensionHeader;
import io.tunnelscope.proto.ipv6.Ipv6Header;
import io.tunnelscope.proto.loopback.LoopbackHeader;
import io.tunnelscope.proto.sll.LinuxSll2Header;
import io.tunnelscope.proto.sll.LinuxSllHeader;
import io.tunnelscope.proto.tcp.TcpHeader;
import io.tunnelscope.proto.udp.UdpHeader;
import io.tunnelscope.proto.vxlan.VxlanHeader;
import java.nio.ByteBuffer;

/**
 * Decodes one packet at a time into a reused {@link LayerStack}, in the manner of gopacket's
 * {@code DecodingLayerParser}: preallocated flyweights, flat dispatch tables ({@link DecodeTables}),
 * and nothing allocated per packet (no boxing, iterators, exceptions or strings; notes are an enum
 * and a long).
 *
 * <p><b>Not thread-safe</b>: use one decoder per thread (the tables may be shared). The returned
 * stack is the decoder's own and is refilled by the next call.
 *
 * <h2>Status rules</h2>
 * <ul>
 * <li>A header that the captured bytes end inside, while the wire had more ({@code capturedLength
 * < originalLength}), is {@link LayerStatus#TRUNCATED}; a header that runs past its packet's own
 * declared length or past the bytes on the wire is {@link LayerStatus#MALFORMED}. Either ends
 * decoding; the layer's header length is what was available, and a note says why.</li>
 * <li>A layer whose header is whole but whose declared length (IPv4 total length, UDP length, ...)
 * goes past the captured bytes is TRUNCATED, and decoding <em>continues</em> into the captured part
 * of its payload, so snaplen-cut captures still give addresses and ports. A declared length past
 * the bytes on the wire is MALFORMED.</li>
 * <li>IPv4 total length 0 and IPv6 payload length 0 (without a jumbo option) are taken, as tcpdump
 * does, as TSO/GSO or BIG TCP super-frames: the length is the rest of the frame
 * ({@link Note#BIG_TCP_PRESUMED}). A UDP length of 0 in a datagram over 65535 bytes is the RFC 2675
 * jumbogram convention ({@link Note#UDP_LENGTH_ZERO_JUMBO}).</li>
 * <li>Non-first fragments get a {@link LayerType#FRAGMENT_DATA} layer. First fragments get their
 * transport header decoded (without the UDP-length check); a tunnel inside a first fragment (an
 * overlay packet fragmented in the underlay) is followed as tshark follows it: the layers inside
 * are <em>partial</em>, their declared lengths may run past the fragment (the rest comes in the
 * next fragments) without being MALFORMED, and no checksum is verified there. A header the end of
 * a first fragment cuts (a transport header split across fragments) keeps the bytes there are,
 * status OK, with {@link Note#FRAGMENT_HEADER_SHORT}: a fragment, not a broken packet.</li>
 * <li>An IP header whose version nibble contradicts what announced it (link type, EtherType,
 * address family, IP protocol) is MALFORMED with a header length of 0 and
 * {@link Note#IP_VERSION_MISMATCH}: none of its fields is read, as either version.</li>
 * <li>Transport checksums are verified over the pseudo-header of the final destination and home
 * address the headers name ({@link PseudoHeader}); the IPv4 header checksum whenever the header
 * is whole, also when its total length runs past the packet or its options are broken (not when
 * the total length is below the header length: no IPv4 header then).</li>
 * <li>ICMP/ICMPv6 errors: the quoted IP header and transport header are pushed with
 * {@code quoted = true}; a quote cut short is normal (status OK, {@link Note#QUOTED_HEADER_SHORT}
 * with the length kept). Decoding stops after the quoted transport header.</li>
 * <li>Layers inside each encapsulation get depth + 1; more than
 * {@link DecodeTables#maxEncapsulations()} nested encapsulations stop with
 * {@link Note#NESTING_TOO_DEEP}.</li>
 * </ul>
 *
 * <h2>VXLAN heuristic</h2>
 * When neither UDP port has a table entry, the payload is taken as VXLAN if at least 8 + 14 bytes
 * are captured, the flags byte is exactly 0x08, reserved bytes 1-3 and 7 are zero, the inner
 * EtherType is IPv4, IPv6, ARP or a VLAN TPID, and the inner IPv4/IPv6 header's version, header
 * length and length agree with the UDP length (ARP: Ethernet/IPv4 lengths; a length 0 is a
 * TSO/BIG TCP super-frame; inside a first fragment the length may run past it). On a port whose
 * VXLAN entry is only a convention ({@link DecodeTables#conventionalPort}: 8472) the same checks
 * run on the bytes captured, and a payload that fails one is not VXLAN
 * ({@link Note#VXLAN_PORT_NOT_VXLAN}); one the snaplen cut before they could decide is.
 */
public final class PacketDecoder {
    /** Most IPv6 extension headers walked in one chain. */
    public static final int MAX_IPV6_EXTENSIONS = 8;

    private final DecodeTables tables;
    private final LayerStack stack = new LayerStack();

    private final Ipv4Header ipv4 = new Ipv4Header();
    private final Ipv6Header ipv6 = new Ipv6Header();
    private final Ipv6ExtensionHeader extension = new Ipv6ExtensionHeader();
    private final TcpHeader tcp = new TcpHeader();
    private final IcmpHeader icmp = new IcmpHeader();
    private final Icmpv6Header icmpv6 = new Icmpv6Header();
    private final VxlanHeader vxlan = new VxlanHeader();
    private final GeneveHeader geneve = new GeneveHeader();
    private final GreHeader gre = new GreHeader();
    private final ArpHeader arp = new ArpHeader();
    private final LoopbackHeader loopback = new LoopbackHeader();
    private final EthernetHeader ethernet = new EthernetHeader();
    private final VlanTag vlanTag = new VlanTag();
    private final LinuxSllHeader sll = new LinuxSllHeader();
    private final LinuxSll2Header sll2 = new LinuxSll2Header();
    private final FlannelUdpPayload flannelPayload = new FlannelUdpPayload();

    private ByteBuffer buf;
    private int capEnd;
    /** The UDP port whose table entry sent the payload to its protocol (for a dissector's contradiction). */
    private int udpDispatchPort;
    private int wireEnd;
    /** The largest wire length taken as it is (256 MiB; a capture's limit of plausibility is 16 MiB). */
    static final long MAX_WIRE_LENGTH = 1L << 28;
    private int pos;
    private int limit;
    private int depth;
    private boolean quoted;

    /** Network header the current transport header belongs to. */
    private int ipVersion;
    private int ipLayer;
    private boolean firstFragment;
    /** Inside a tunnel carried by a first fragment: the packet continues in later fragments. */
    private boolean partial;
    /** End of the bytes of the innermost first fragment (valid while firstFragment or partial). */
    private int fragmentEnd;

    public PacketDecoder(DecodeTables tables) {
        this.tables = tables;
    }

    /** The tables this decoder dispatches with. */
    public DecodeTables tables() {
        return tables;
    }

    /**
     * Wire lengths above this are noted as implausible: 16 MiB, the largest record the readers
     * accept, far above any link's frames and super-frames (BIG TCP stays below 512 KiB).
     */
    public static final long PLAUSIBLE_WIRE_LENGTH = 16L << 20;

    /** Decodes a packet as a capture reader hands it out (timestamp problems become notes). */
    public LayerStack decode(PacketRecord record) {
        decode(record.buffer(), record.offset(), record.capturedLength(),
            record.originalLength(), record.linkType());
        int problems = record.timestampProblems();
        if (problems != 0) {
            if ((problems & PacketRecord.TIMESTAMP_FRACTION_INVALID) != 0) {
                stack.note(-1, Note.TIMESTAMP_FRACTION_INVALID, 0);
            }
            if ((problems & PacketRecord.TIMESTAMP_OUT_OF_RANGE) != 0) {
                stack.note(-1, Note.TIMESTAMP_OUT_OF_RANGE, record.timestampNanos());
            }
        }
        return stack;
    }

    /**
     * Decodes the packet {@code buffer[offset, offset + capturedLength)} (big-endian buffer,
     * absolute indexing).
     *
     * @return this decoder's stack, valid until the next call
     */
    public LayerStack decode(ByteBuffer buffer, int offset, int capturedLength, long originalLength,
                             int packetLinkType) {
        int cap = buffer == null ? 0 : Math.max(0, Math.min(capturedLength, buffer.limit() - offset));
        long orig = Math.max(originalLength, cap);
        stack.reset(buffer, offset, cap, orig, packetLinkType);
        this.buf = buffer;
        this.capEnd = offset + cap;
        // A wire length beyond any real packet is cut to one fixed bound, so that lengths derived
        // from it (a presumed BIG TCP length) never depend on where the packet sits in its buffer.
        this.wireEnd = (int) Math.min((long) offset + Math.min(orig, MAX_WIRE_LENGTH), Integer.MAX_VALUE);
        this.pos = offset;
        this.limit = wireEnd;
        this.depth = 0;
        this.quoted = false;
        this.ipVersion = 0;
        this.ipLayer = -1;
        this.firstFragment = false;
        this.partial = false;
        this.fragmentEnd = -1;
        if (cap < orig) {
            stack.note(-1, Note.SNAPLEN_CUT, orig - cap);
        }
        if (originalLength < capturedLength) {
            stack.note(-1, Note.WIRE_LENGTH_BELOW_CAPTURED, originalLength);
        } else if (originalLength > PLAUSIBLE_WIRE_LENGTH) {
            stack.note(-1, Note.WIRE_LENGTH_IMPLAUSIBLE, originalLength);
        }
        int next = tables.link(packetLinkType);
        if (next == DecodeTables.STOP || buffer == null || offset < 0) {
            stack.note(-1, Note.UNSUPPORTED_LINK_TYPE, packetLinkType);
            return stack;
        }
        while (next != DecodeTables.STOP) {
            next = step(next);
        }
        return stack;
    }

    private int step(int next) {
        switch (next) {
            case LayerType.ETHERNET: return ethernet();
            case LayerType.VLAN, LayerType.IEEE_8021AD: return vlan(next);
            case LayerType.ARP: return arp();
            case LayerType.IPV4: return ipv4();
            case LayerType.IPV6: return ipv6();
            case DecodeTables.IP_BY_VERSION: return ipByVersion();
            case LayerType.UDP: return udp();
            case LayerType.TCP: return tcp();
            case LayerType.ICMP: return icmp();
            case LayerType.ICMPV6: return icmpv6();
            case LayerType.GRE: return gre();
            case LayerType.VXLAN: return vxlan();
            case LayerType.GENEVE: return geneve();
            case LayerType.FLANNEL_UDP: return flannelUdp();
            case LayerType.LINUX_SLL: return linuxSll();
            case LayerType.LINUX_SLL2: return linuxSll2();
            case LayerType.LOOPBACK: return loopback(stack.linkType() == LinkType.LOOP);
            case LayerType.PAYLOAD: return payload();
            default: return registered(next);
        }
    }

    // ---------------------------------------------------------------- helpers

    private int u8(int at) { return buf.get(at) & 0xff; }

    private int u16(int at) { return buf.getShort(at) & 0xffff; }

    /** Bytes readable from {@code pos}: captured and inside the enclosing layer. */
    private int available() {
        return Math.max(0, Math.min(limit, capEnd) - pos);
    }

    /** Null when a header of {@code need} bytes fits at {@code pos}, else the status it gets. */
    private LayerStatus cut(int need) {
        long headerEnd = (long) pos + need;
        if (headerEnd <= limit && headerEnd <= capEnd) {
            return null;
        }
        if (quoted) {
            return headerEnd > capEnd && capEnd < Math.min(limit, wireEnd)
                ? LayerStatus.TRUNCATED : LayerStatus.OK;
        }
        if ((firstFragment || partial) && headerEnd > limit && limit == fragmentEnd) {
            // A first fragment that ends inside the header: the rest comes in the next fragment
            // (tcpdump's "[|tcp]"), unless the snaplen cut the header first.
            return limit <= capEnd ? LayerStatus.OK : LayerStatus.TRUNCATED;
        }
        if (headerEnd > limit || headerEnd > wireEnd) {
            return LayerStatus.MALFORMED;
        }
        return LayerStatus.TRUNCATED;
    }

    /**
     * Pushes a header that does not fit (with the bytes there are) and its note. Status OK means
     * the header was cut by an ICMP quote or by the end of a first fragment: normal, not a fault.
     */
    private int pushCut(int type, int need, LayerStatus status) {
        int have = Math.min(available(), need);
        int i = push(type, have, limit, status);
        if (i >= 0) {
            switch (status) {
                case OK: stack.note(i, quoted ? Note.QUOTED_HEADER_SHORT : Note.FRAGMENT_HEADER_SHORT, have); break;
                case TRUNCATED: stack.note(i, Note.HEADER_TRUNCATED, need); break;
                default: stack.note(i, Note.HEADER_OVERRUNS_PACKET, need); break;
            }
        }
        return i;
    }

    /** Status of a layer whose header fits, by where its declared length ends. */
    private LayerStatus lengthStatus(int declaredEnd) {
        if (quoted || (declaredEnd <= capEnd && declaredEnd <= limit)) {
            return LayerStatus.OK;
        }
        if (partial) {
            return limit <= capEnd ? LayerStatus.OK : LayerStatus.TRUNCATED;
        }
        if (declaredEnd > limit || declaredEnd > wireEnd) {
            return LayerStatus.MALFORMED;
        }
        return LayerStatus.TRUNCATED;
    }

    private int push(int type, int headerLength, int declaredEnd, LayerStatus status) {
        int end = Math.max(pos, Math.min(declaredEnd, Math.min(limit, capEnd)));
        int i = stack.push(type, pos, headerLength, end, status, depth, quoted);
        if (i >= 0) {
            stack.setDeclaredEnd(i, declaredEnd);
        }
        return i;
    }

    private boolean enterTunnel(int layer) {
        if (depth >= tables.maxEncapsulations()) {
            stack.note(layer, Note.NESTING_TOO_DEEP, tables.maxEncapsulations());
            return false;
        }
        depth++;
        return true;
    }

    private static boolean hasDissector(int id) {
        ProtocolDescriptor d = Protocols.byId(id);
        return d != null && d.dissector() != null;
    }

    /**
     * A protocol of the registry without a built-in step: its own {@link Dissector}, called
     * through the cursor (never for the built-in protocols, so their path has no such call).
     */
    private int registered(int id) {
        ProtocolDescriptor d = Protocols.byId(id);
        if (d == null || d.dissector() == null || quoted) {
            return quoted ? DecodeTables.STOP : payload();
        }
        int next = d.dissector().dissect(cursor);
        if (next == Dissector.IP_BY_VERSION) {
            return DecodeTables.IP_BY_VERSION;
        }
        return next > 0 && next <= Protocols.MAX_ID ? next : DecodeTables.STOP;
    }

    private final Cursor cursor = new Cursor();

    /** The decoder as a {@link Dissector} sees it. */
    private final class Cursor implements DissectCursor {
        @Override
        public ByteBuffer buffer() { return buf; }

        @Override
        public int position() { return pos; }

        @Override
        public int available() { return PacketDecoder.this.available(); }

        @Override
        public int room() { return Math.max(0, limit - pos); }

        @Override
        public int previousType() {
            return stack.count() > 0 ? stack.type(stack.count() - 1) : 0;
        }

        @Override
        public int previousOffset() {
            return stack.count() > 0 ? stack.offset(stack.count() - 1) : -1;
        }

        @Override
        public int previousHeaderLength() {
            return stack.count() > 0 ? stack.headerLength(stack.count() - 1) : 0;
        }

        @Override
        public boolean header(int protocolId, int headerLength) {
            LayerStatus c = cut(headerLength);
            if (c != null) {
                pushCut(protocolId, headerLength, c);
                return false;
            }
            int i = push(protocolId, headerLength, limit, lengthStatus(limit));
            pos += headerLength;
            return i >= 0;
        }

        @Override
        public void opaque(int protocolId, int headerLength) {
            if (header(protocolId, headerLength)) {
                pos = limit;
            }
        }

        @Override
        public void malformed(int protocolId, int headerLength, int fieldOffset) {
            int i = push(protocolId, Math.min(Math.max(0, headerLength), PacketDecoder.this.available()), limit,
                LayerStatus.MALFORMED);
            if (i >= 0) {
                stack.note(i, Note.HEADER_FIELD_INVALID, fieldOffset);
            }
        }

        @Override
        public void contradicts() {
            int layer = stack.count() - 1;
            if (layer >= 0 && stack.type(layer) == LayerType.UDP) {
                stack.note(layer, Note.PORT_PAYLOAD_CONTRADICTS, udpDispatchPort);
            }
        }

        @Override
        public int byEtherType(int etherType) {
            return etherTypeNext(stack.count() - 1, etherType);
        }

        @Override
        public int notDecoded(long value) {
            stack.note(stack.count() - 1, Note.NEXT_PROTOCOL_UNKNOWN, value);
            return LayerType.PAYLOAD;
        }

        @Override
        public boolean enterTunnel() {
            return PacketDecoder.this.enterTunnel(stack.count() - 1);
        }
    }

    private int payload() {
        if (quoted || pos >= limit) {
            return DecodeTables.STOP;
        }
        push(LayerType.PAYLOAD, 0, limit, limit <= capEnd ? LayerStatus.OK : LayerStatus.TRUNCATED);
        return DecodeTables.STOP;
    }

    /** Dispatch on an EtherType (also Geneve's protocol type and GRE's protocol). */
    private int etherTypeNext(int layer, int type) {
        if (type < 0x0600) {
            stack.note(layer, Note.ETHERNET_LENGTH_FIELD, type);
            return LayerType.PAYLOAD;
        }
        int next = tables.etherType(type);
        if (next == DecodeTables.STOP) {
            stack.note(layer, Note.UNKNOWN_ETHERTYPE, type);
            return LayerType.PAYLOAD;
        }
        return next;
    }

    // ---------------------------------------------------------------- link layers

    private int ethernet() {
        LayerStatus c = cut(EthernetHeader.LENGTH);
        if (c != null) {
            pushCut(LayerType.ETHERNET, EthernetHeader.LENGTH, c);
            return DecodeTables.STOP;
        }
        int i = push(LayerType.ETHERNET, EthernetHeader.LENGTH, limit, lengthStatus(limit));
        if (i < 0) {
            return DecodeTables.STOP;
        }
        int type = ethernet.wrap(buf, pos, available()).etherType();
        pos += EthernetHeader.LENGTH;
        return etherTypeNext(i, type);
    }

    private int vlan(int tag) {
        LayerStatus c = cut(VlanTag.LENGTH);
        if (c != null) {
            pushCut(tag, VlanTag.LENGTH, c);
            return DecodeTables.STOP;
        }
        int i = push(tag, VlanTag.LENGTH, limit, lengthStatus(limit));
        if (i < 0) {
            return DecodeTables.STOP;
        }
        int type = vlanTag.wrap(buf, pos, available()).etherType();
        pos += VlanTag.LENGTH;
        return etherTypeNext(i, type);
    }

    private int linuxSll() {
        LayerStatus c = cut(LinuxSllHeader.LENGTH);
        if (c != null) {
            pushCut(LayerType.LINUX_SLL, LinuxSllHeader.LENGTH, c);
            return DecodeTables.STOP;
        }
        int i = push(LayerType.LINUX_SLL, LinuxSllHeader.LENGTH, limit, lengthStatus(limit));
        if (i < 0) {
            return DecodeTables.STOP;
        }
        int protocol = sll.wrap(buf, pos, available()).protocol();
        pos += LinuxSllHeader.LENGTH;
        return cookedNext(i, protocol);
    }

    private int linuxSll2() {
        LayerStatus c = cut(LinuxSll2Header.LENGTH);
        if (c != null) {
            pushCut(LayerType.LINUX_SLL2, LinuxSll2Header.LENGTH, c);
            return DecodeTables.STOP;
        }
        int i = push(LayerType.LINUX_SLL2, LinuxSll2Header.LENGTH, limit, lengthStatus(limit));
        if (i < 0) {
            return DecodeTables.STOP;
        }
        int protocol = sll2.wrap(buf, pos, available()).protocol();
        pos += LinuxSll2Header.LENGTH;
        return cookedNext(i, protocol);
    }

    /** Cooked captures use small non-EtherType protocol values (802.2, CAN...): plain payload. */
    private int cookedNext(int layer, int protocol) {
        if (protocol < 0x0600) {
            return LayerType.PAYLOAD;
        }
        return etherTypeNext(layer, protocol);
    }

    private int loopback(boolean networkOrder) {
        LayerStatus c = cut(LoopbackHeader.LENGTH);
        if (c != null) {
            pushCut(LayerType.LOOPBACK, LoopbackHeader.LENGTH, c);
            return DecodeTables.STOP;
        }
        int i = push(LayerType.LOOPBACK, LoopbackHeader.LENGTH, limit, lengthStatus(limit));
        if (i < 0) {
            return DecodeTables.STOP;
        }
        int family = loopback.wrap(buf, pos, available()).addressFamily(networkOrder);
        pos += LoopbackHeader.LENGTH;
        switch (LoopbackHeader.ipVersion(family)) {
            case 4: return LayerType.IPV4;
            case 6: return LayerType.IPV6;
            default:
                stack.note(i, Note.UNKNOWN_ADDRESS_FAMILY, family);
                return LayerType.PAYLOAD;
        }
    }

    private int ipByVersion() {
        if (available() < 1) {
            LayerStatus c = cut(1);
            pushCut(LayerType.PAYLOAD, 1, c == null ? LayerStatus.MALFORMED : c);
            return DecodeTables.STOP;
        }
        int version = u8(pos) >>> 4;
        if (version == 4) {
            return LayerType.IPV4;
        }
        if (version == 6) {
            return LayerType.IPV6;
        }
        stack.note(stack.count() - 1, Note.IP_VERSION_UNKNOWN, version);
        return LayerType.PAYLOAD;
    }

    private int arp() {
        LayerStatus c = cut(ArpHeader.FIXED_LENGTH);
        if (c != null) {
            pushCut(LayerType.ARP, ArpHeader.FIXED_LENGTH, c);
            return DecodeTables.STOP;
        }
        arp.wrap(buf, pos, available());
        int len = arp.length();
        c = cut(len);
        if (c != null) {
            pushCut(LayerType.ARP, len, c);
            return DecodeTables.STOP;
        }
        int i = push(LayerType.ARP, len, pos + len, LayerStatus.OK);
        if (i >= 0 && !arp.isEthernetIpv4()) {
            stack.note(i, Note.ARP_MALFORMED, (arp.hardwareLength() << 8) | arp.protocolLength());
        }
        return DecodeTables.STOP;
    }

    // ---------------------------------------------------------------- network layers

    /**
     * An IP header whose version nibble contradicts what announced it (link type, EtherType,
     * address family, IP protocol): MALFORMED, with a header length of 0 so that no field of it is
     * read as the announced version, and not decoded as the other version either.
     */
    private int versionMismatch(int type, int version) {
        int i = push(type, 0, limit, LayerStatus.MALFORMED);
        if (i >= 0) {
            stack.note(i, Note.IP_VERSION_MISMATCH, version);
        }
        return DecodeTables.STOP;
    }

    private int ipv4() {
        if (available() >= 1 && u8(pos) >>> 4 != 4) {
            return versionMismatch(LayerType.IPV4, u8(pos) >>> 4);
        }
        LayerStatus c = cut(Ipv4Header.MIN_LENGTH);
        if (c != null) {
            pushCut(LayerType.IPV4, Ipv4Header.MIN_LENGTH, c);
            return DecodeTables.STOP;
        }
        // The fixed header in two loads: version/IHL, TOS, total length, ID, flags/fragment
        // offset; TTL, protocol, checksum, source.
        long first = buf.getLong(pos);
        long second = buf.getLong(pos + Ipv4Header.TTL_OFFSET);
        int ihl = (int) (first >>> 54) & 0x3c;
        if (ihl < Ipv4Header.MIN_LENGTH) {
            int i = push(LayerType.IPV4, Ipv4Header.MIN_LENGTH, limit, LayerStatus.MALFORMED);
            if (i >= 0) {
                stack.note(i, Note.IPV4_HEADER_LENGTH_INVALID, ihl);
            }
            return DecodeTables.STOP;
        }
        c = cut(ihl);
        if (c != null) {
            pushCut(LayerType.IPV4, ihl, c);
            return DecodeTables.STOP;
        }
        int total = (int) (first >>> 32) & 0xffff;
        // The header checksum covers the header alone: verified also when the total length runs
        // past the packet or the options are broken, as tshark does.
        int computed;
        if (ihl > Ipv4Header.MIN_LENGTH) {
            computed = ipv4.wrap(buf, pos, available()).computedChecksum();
        } else {
            computed = Ipv4Header.computedChecksum(first, second, buf.getInt(pos + Ipv4Header.DESTINATION_OFFSET));
        }
        boolean checksumWrong = computed != ((int) (second >>> 32) & 0xffff);
        boolean presumed = false;
        int declaredEnd;
        if (total == 0 && !quoted) {
            declaredEnd = Math.min(limit, wireEnd);
            presumed = true;
        } else if (total < ihl) {
            // A total length below the header's own length: not an IPv4 header to verify (tshark
            // neither).
            int i = push(LayerType.IPV4, ihl, limit, LayerStatus.MALFORMED);
            if (i >= 0) {
                stack.note(i, Note.IPV4_TOTAL_LENGTH_INVALID, total);
            }
            return DecodeTables.STOP;
        } else {
            declaredEnd = pos + total;
        }
        LayerStatus status = lengthStatus(declaredEnd);
        int i = push(LayerType.IPV4, ihl, declaredEnd, status);
        if (i < 0) {
            return DecodeTables.STOP;
        }
        if (presumed) {
            stack.note(i, Note.BIG_TCP_PRESUMED, declaredEnd - pos);
        }
        if (status == LayerStatus.MALFORMED) {
            stack.note(i, Note.IPV4_TOTAL_LENGTH_EXCEEDS, total);
            if (checksumWrong) {
                stack.note(i, Note.IPV4_BAD_CHECKSUM, computed);
            }
            return DecodeTables.STOP;
        }
        if (ihl > Ipv4Header.MIN_LENGTH) {
            int bad = ipv4.malformedOptionOffset();
            if (bad >= 0) {
                stack.degrade(i, LayerStatus.MALFORMED);
                stack.note(i, Note.IPV4_OPTIONS_MALFORMED, bad);
                if (checksumWrong) {
                    stack.note(i, Note.IPV4_BAD_CHECKSUM, computed);
                }
                return DecodeTables.STOP;
            }
        }
        if (checksumWrong) {
            stack.note(i, Note.IPV4_BAD_CHECKSUM, computed);
        }
        int protocol = (int) (second >>> 48) & 0xff;
        int flagsFragment = (int) first & 0xffff;
        int fragmentOffset = (flagsFragment & Ipv4Header.FRAGMENT_OFFSET_MASK) * 8;
        boolean more = (flagsFragment & Ipv4Header.FLAG_MF) != 0;
        ipVersion = 4;
        ipLayer = i;
        firstFragment = false;
        limit = Math.min(declaredEnd, limit);
        pos += ihl;
        if (fragmentOffset != 0) {
            stack.note(i, Note.IP_FRAGMENT, fragmentOffset);
            fragmentData();
            return DecodeTables.STOP;
        }
        if (more) {
            firstFragment = true;
            fragmentEnd = limit;
            stack.note(i, Note.IP_FRAGMENT, 0);
        }
        return ipNext(i, protocol, false);
    }

    private void fragmentData() {
        if (pos < limit) {
            push(LayerType.FRAGMENT_DATA, 0, limit, lengthStatus(limit));
        }
    }

    /** Dispatch on the protocol / final next header of an IP header. */
    private int ipNext(int layer, int protocol, boolean fromIpv6) {
        int next = tables.ipProtocol(protocol);
        if (quoted) {
            switch (next) {
                case LayerType.UDP, LayerType.TCP, LayerType.ICMP, LayerType.ICMPV6:
                    return next;
                default:
                    return DecodeTables.STOP;
            }
        }
        switch (next) {
            case Ipip.ID:
                // IP protocol 4: the inner IPv4 header follows; ipip has no header of its own.
                partial |= firstFragment;
                return enterTunnel(layer) ? LayerType.IPV4 : DecodeTables.STOP;
            case LayerType.IPV4, LayerType.IPV6:
                partial |= firstFragment;
                return enterTunnel(layer) ? next : DecodeTables.STOP;
            case LayerType.GRE:
                partial |= firstFragment;
                return next;
            case LayerType.IPV6_HOP_BY_HOP, LayerType.IPV6_ROUTING, LayerType.IPV6_FRAGMENT,
                 LayerType.IPV6_DESTINATION:
            case DecodeTables.STOP:
                if (protocol != Ipv6Header.NEXT_NONE || !fromIpv6) {
                    stack.note(layer, Note.UNKNOWN_IP_PROTOCOL, protocol);
                }
                return LayerType.PAYLOAD;
            default:
                return next;
        }
    }

    private static int extensionLayerType(int nextHeader) {
        switch (nextHeader) {
            case Ipv6Header.NEXT_HOP_BY_HOP: return LayerType.IPV6_HOP_BY_HOP;
            case Ipv6Header.NEXT_ROUTING: return LayerType.IPV6_ROUTING;
            case Ipv6Header.NEXT_FRAGMENT: return LayerType.IPV6_FRAGMENT;
            default: return LayerType.IPV6_DESTINATION;
        }
    }

    private int ipv6() {
        if (available() >= 1 && u8(pos) >>> 4 != 6) {
            return versionMismatch(LayerType.IPV6, u8(pos) >>> 4);
        }
        LayerStatus c = cut(Ipv6Header.LENGTH);
        if (c != null) {
            pushCut(LayerType.IPV6, Ipv6Header.LENGTH, c);
            return DecodeTables.STOP;
        }
        ipv6.wrap(buf, pos, available());
        int payloadLength = ipv6.payloadLength();
        int nextHeader = ipv6.nextHeader();
        int ipStart = pos;
        boolean presumed = false;
        int declaredEnd;
        int outer = Math.min(limit, wireEnd);
        if (payloadLength == 0 && !quoted && outer > pos + Ipv6Header.LENGTH) {
            declaredEnd = outer;
            presumed = true;
        } else {
            declaredEnd = pos + Ipv6Header.LENGTH + payloadLength;
        }
        LayerStatus status = lengthStatus(declaredEnd);
        int i = push(LayerType.IPV6, Ipv6Header.LENGTH, declaredEnd, status);
        if (i < 0) {
            return DecodeTables.STOP;
        }
        if (status == LayerStatus.MALFORMED) {
            stack.note(i, Note.IPV6_PAYLOAD_LENGTH_EXCEEDS, payloadLength);
            return DecodeTables.STOP;
        }
        if (presumed && nextHeader != Ipv6Header.NEXT_HOP_BY_HOP) {
            stack.note(i, Note.BIG_TCP_PRESUMED, declaredEnd - ipStart);
        }
        ipVersion = 6;
        ipLayer = i;
        firstFragment = false;
        limit = Math.min(declaredEnd, limit);
        pos += Ipv6Header.LENGTH;
        int last = i;
        int count = 0;
        while (Ipv6Header.isExtension(nextHeader)) {
            if (++count > MAX_IPV6_EXTENSIONS) {
                stack.degrade(last, LayerStatus.MALFORMED);
                stack.note(last, Note.IPV6_EXTENSION_CHAIN_TOO_LONG, MAX_IPV6_EXTENSIONS);
                return DecodeTables.STOP;
            }
            int type = extensionLayerType(nextHeader);
            c = cut(Ipv6ExtensionHeader.MIN_LENGTH);
            if (c != null) {
                pushCut(type, Ipv6ExtensionHeader.MIN_LENGTH, c);
                return DecodeTables.STOP;
            }
            extension.wrap(buf, pos, available(), nextHeader);
            int len = extension.length();
            c = cut(len);
            if (c != null) {
                pushCut(type, len, c);
                return DecodeTables.STOP;
            }
            int j = push(type, len, limit, lengthStatus(limit));
            if (j < 0) {
                return DecodeTables.STOP;
            }
            last = j;
            if (nextHeader == Ipv6Header.NEXT_HOP_BY_HOP && presumed) {
                long jumbo = extension.jumboPayloadLength();
                if (jumbo < 0) {
                    stack.note(i, Note.BIG_TCP_PRESUMED, declaredEnd - ipStart);
                } else {
                    stack.note(i, Note.IPV6_JUMBOGRAM, jumbo);
                    long jumboEnd = (long) ipStart + Ipv6Header.LENGTH + jumbo;
                    if (jumboEnd > limit) {
                        stack.degrade(i, LayerStatus.MALFORMED);
                        stack.note(i, Note.IPV6_PAYLOAD_LENGTH_EXCEEDS, jumbo);
                        return DecodeTables.STOP;
                    }
                    limit = (int) jumboEnd;
                    stack.setDeclaredEnd(i, limit);
                    stack.setEnd(i, Math.min(limit, capEnd));
                    stack.setDeclaredEnd(j, limit);
                    stack.setEnd(j, Math.min(limit, capEnd));
                    presumed = false;
                }
            }
            if (nextHeader == Ipv6Header.NEXT_FRAGMENT) {
                int fragmentOffset = extension.fragmentOffset();
                boolean more = extension.moreFragments();
                nextHeader = extension.nextHeader();
                pos += len;
                if (fragmentOffset != 0) {
                    stack.note(j, Note.IP_FRAGMENT, fragmentOffset);
                    fragmentData();
                    return DecodeTables.STOP;
                }
                if (more) {
                    firstFragment = true;
                    fragmentEnd = limit;
                    stack.note(j, Note.IP_FRAGMENT, 0);
                }
                continue;
            }
            nextHeader = extension.nextHeader();
            pos += len;
        }
        return ipNext(last, nextHeader, true);
    }

    // ---------------------------------------------------------------- transport layers

    /**
     * The checksum field value that would make a transport checksum correct: over the
     * pseudo-header of the final destination and home address the headers name
     * ({@link PseudoHeader}), then the segment.
     */
    private int transportChecksum(int protocol, int start, int end, int fieldOffset) {
        long sum = PseudoHeader.addressSum(stack, ipLayer);
        int length = end - start;
        // IPv4's pseudo-header length is 16 bits (a super-frame's wraps, as tcpdump computes it);
        // IPv6's is 32 bits (RFC 8200 section 8.1, RFC 2675).
        sum += protocol + (ipVersion == 4 ? length & 0xffff : (length >>> 16) + (length & 0xffff));
        sum = InternetChecksum.add(sum, buf, start, end);
        sum -= u16(start + fieldOffset);
        return InternetChecksum.complement(sum);
    }

    private boolean checksumVerifiable(int end) {
        return tables.verifyChecksums() && !quoted && !firstFragment && !partial && end <= capEnd && ipLayer >= 0;
    }

    private int udp() {
        LayerStatus c = cut(UdpHeader.LENGTH);
        if (c != null) {
            pushCut(LayerType.UDP, UdpHeader.LENGTH, c);
            return DecodeTables.STOP;
        }
        // Source port, destination port, length and checksum in one load.
        long header = buf.getLong(pos);
        int length = (int) (header >>> 16) & 0xffff;
        int udpChecksum = (int) header & 0xffff;
        if (quoted) {
            push(LayerType.UDP, UdpHeader.LENGTH, pos + Math.max(length, UdpHeader.LENGTH), LayerStatus.OK);
            return DecodeTables.STOP;
        }
        int ipPayload = limit - pos;
        boolean jumbo = false;
        int udpEnd;
        if (length == 0 && ipPayload > 65535) {
            udpEnd = limit;
            jumbo = true;
        } else if (length < UdpHeader.LENGTH) {
            int i = push(LayerType.UDP, UdpHeader.LENGTH, limit, LayerStatus.MALFORMED);
            if (i >= 0) {
                stack.note(i, Note.UDP_LENGTH_INVALID, length);
            }
            return DecodeTables.STOP;
        } else if (length > ipPayload) {
            if (!firstFragment && !partial) {
                int i = push(LayerType.UDP, UdpHeader.LENGTH, pos + length, LayerStatus.MALFORMED);
                if (i >= 0) {
                    stack.note(i, Note.UDP_LENGTH_INVALID, length);
                }
                return DecodeTables.STOP;
            }
            udpEnd = limit;
        } else {
            udpEnd = pos + length;
        }
        int i = push(LayerType.UDP, UdpHeader.LENGTH, udpEnd, lengthStatus(udpEnd));
        if (i < 0) {
            return DecodeTables.STOP;
        }
        if (jumbo) {
            stack.note(i, Note.UDP_LENGTH_ZERO_JUMBO, ipPayload);
        }
        if (udpChecksum != 0 && checksumVerifiable(udpEnd)) {
            int computed = transportChecksum(17, pos, udpEnd, UdpHeader.CHECKSUM_OFFSET);
            if (computed == 0) {
                computed = 0xffff;
            }
            if (computed != udpChecksum) {
                stack.note(i, Note.UDP_BAD_CHECKSUM, computed);
            }
        }
        int destination = (int) (header >>> 32) & 0xffff;
        int source = (int) (header >>> 48);
        pos += UdpHeader.LENGTH;
        limit = udpEnd;
        partial |= firstFragment;
        int port = destination;
        int entry = tables.udpPortEntry(destination);
        if (entry == DecodeTables.UDP_UNSET) {
            port = source;
            entry = tables.udpPortEntry(source);
        }
        if (entry == DecodeTables.UDP_UNSET) {
            if (tables.heuristicVxlan() && vxlanEvidence() == VXLAN_CONSISTENT) {
                stack.note(i, Note.VXLAN_HEURISTIC, destination);
                return LayerType.VXLAN;
            }
            return LayerType.PAYLOAD;
        }
        if (entry == LayerType.VXLAN && tables.conventionalPort(port) && vxlanEvidence() == VXLAN_CONTRADICTED) {
            stack.note(i, Note.VXLAN_PORT_NOT_VXLAN, port);
            return LayerType.PAYLOAD;
        }
        udpDispatchPort = port;
        return entry;
    }

    private static final int VXLAN_CONSISTENT = 1;
    private static final int VXLAN_UNKNOWN = 0;
    private static final int VXLAN_CONTRADICTED = -1;

    /**
     * How the UDP payload at {@code pos} fits VXLAN (see the class comment): {@link
     * #VXLAN_CONSISTENT} when every check passes on captured bytes, {@link #VXLAN_CONTRADICTED}
     * when a captured byte fails one, {@link #VXLAN_UNKNOWN} when the snaplen cut the bytes before
     * a check could decide. Inside a first fragment the inner length may run past the fragment.
     */
    private int vxlanEvidence() {
        int have = available();
        int room = limit - pos;
        if (room < VxlanHeader.LENGTH + EthernetHeader.LENGTH && !partial) {
            return VXLAN_CONTRADICTED;
        }
        if (have < VxlanHeader.LENGTH) {
            return have >= 1 && u8(pos) != VxlanHeader.FLAG_I ? VXLAN_CONTRADICTED : VXLAN_UNKNOWN;
        }
        vxlan.wrap(buf, pos, have);
        if (vxlan.flags() != VxlanHeader.FLAG_I || !vxlan.reservedZero()) {
            return VXLAN_CONTRADICTED;
        }
        if (have < VxlanHeader.LENGTH + EthernetHeader.LENGTH) {
            return VXLAN_UNKNOWN;
        }
        int innerEthernet = pos + VxlanHeader.LENGTH;
        int inner = innerEthernet + EthernetHeader.LENGTH;
        int innerAvailable = have - VxlanHeader.LENGTH - EthernetHeader.LENGTH;
        int innerRoom = limit - inner;
        switch (tables.etherType(ethernet.wrap(buf, innerEthernet, EthernetHeader.LENGTH).etherType())) {
            case LayerType.VLAN, LayerType.IEEE_8021AD:
                return VXLAN_CONSISTENT;
            case LayerType.ARP:
                if (innerAvailable < ArpHeader.FIXED_LENGTH) {
                    return VXLAN_UNKNOWN;
                }
                arp.wrap(buf, inner, innerAvailable);
                return arp.hardwareType() == 1 && arp.isEthernetIpv4() ? VXLAN_CONSISTENT : VXLAN_CONTRADICTED;
            case LayerType.IPV4: {
                ipv4.wrap(buf, inner, innerAvailable);
                if (innerAvailable < Ipv4Header.TOTAL_LENGTH_OFFSET + 2) {
                    return innerAvailable >= 1 && ipv4.version() != 4 ? VXLAN_CONTRADICTED : VXLAN_UNKNOWN;
                }
                int ihl = ipv4.headerLength();
                int total = ipv4.totalLength();
                // Total length 0: a TSO/BIG TCP super-frame inside the tunnel.
                boolean fits = total == 0 || total >= ihl && (partial || total <= innerRoom);
                if (ipv4.version() != 4 || ihl < Ipv4Header.MIN_LENGTH || !fits) {
                    return VXLAN_CONTRADICTED;
                }
                return innerAvailable >= Ipv4Header.MIN_LENGTH ? VXLAN_CONSISTENT : VXLAN_UNKNOWN;
            }
            case LayerType.IPV6: {
                ipv6.wrap(buf, inner, innerAvailable);
                if (innerAvailable < Ipv6Header.PAYLOAD_LENGTH_OFFSET + 2) {
                    return innerAvailable >= 1 && ipv6.version() != 6 ? VXLAN_CONTRADICTED : VXLAN_UNKNOWN;
                }
                int payloadLength = ipv6.payloadLength();
                boolean fits = payloadLength == 0 || partial || Ipv6Header.LENGTH + payloadLength <= innerRoom;
                if (ipv6.version() != 6 || !fits) {
                    return VXLAN_CONTRADICTED;
                }
                return innerAvailable >= Ipv6Header.LENGTH ? VXLAN_CONSISTENT : VXLAN_UNKNOWN;
            }
            default:
                return VXLAN_CONTRADICTED;
        }
    }

    private int tcp() {
        LayerStatus c = cut(TcpHeader.MIN_LENGTH);
        if (c != null) {
            pushCut(LayerType.TCP, TcpHeader.MIN_LENGTH, c);
            return DecodeTables.STOP;
        }
        tcp.wrap(buf, pos, available());
        int headerLength = tcp.headerLength();
        if (headerLength < TcpHeader.MIN_LENGTH) {
            int i = push(LayerType.TCP, TcpHeader.MIN_LENGTH, limit, LayerStatus.MALFORMED);
            if (i >= 0) {
                stack.note(i, Note.TCP_HEADER_LENGTH_INVALID, headerLength / 4);
            }
            return DecodeTables.STOP;
        }
        c = cut(headerLength);
        if (c != null) {
            pushCut(LayerType.TCP, headerLength, c);
            return DecodeTables.STOP;
        }
        int i = push(LayerType.TCP, headerLength, limit, lengthStatus(limit));
        if (i < 0) {
            return DecodeTables.STOP;
        }
        int bad = tcp.malformedOptionOffset();
        if (bad >= 0) {
            stack.degrade(i, LayerStatus.MALFORMED);
            stack.note(i, Note.TCP_OPTIONS_MALFORMED, bad);
            return DecodeTables.STOP;
        }
        if (quoted) {
            return DecodeTables.STOP;
        }
        if (checksumVerifiable(limit)) {
            int computed = transportChecksum(6, pos, limit, TcpHeader.CHECKSUM_OFFSET);
            if (computed != tcp.checksum()) {
                stack.note(i, Note.TCP_BAD_CHECKSUM, computed);
            }
        }
        pos += headerLength;
        return LayerType.PAYLOAD;
    }

    private int icmp() {
        LayerStatus c = cut(IcmpHeader.LENGTH);
        if (c != null) {
            int i = pushCut(LayerType.ICMP, IcmpHeader.LENGTH, c);
            if (i >= 0 && quoted && available() >= 1 && IcmpHeader.isError(u8(pos))) {
                stack.note(i, Note.ICMP_ERROR_QUOTES_ERROR, u8(pos));
            }
            return DecodeTables.STOP;
        }
        icmp.wrap(buf, pos, available());
        int type = icmp.type();
        int i = push(LayerType.ICMP, IcmpHeader.LENGTH, limit, lengthStatus(limit));
        if (i < 0) {
            return DecodeTables.STOP;
        }
        if (quoted) {
            if (IcmpHeader.isError(type)) {
                stack.note(i, Note.ICMP_ERROR_QUOTES_ERROR, type);
            }
            return DecodeTables.STOP;
        }
        if (checksumVerifiable(limit)) {
            long sum = InternetChecksum.add(0, buf, pos, limit) - icmp.checksum();
            int computed = InternetChecksum.complement(sum);
            if (computed != icmp.checksum()) {
                stack.note(i, Note.ICMP_BAD_CHECKSUM, computed);
            }
        }
        pos += IcmpHeader.LENGTH;
        if (IcmpHeader.isError(type) && !firstFragment) {
            if (pos >= Math.min(limit, capEnd)) {
                return DecodeTables.STOP;
            }
            quoted = true;
            return LayerType.IPV4;
        }
        return LayerType.PAYLOAD;
    }

    private int icmpv6() {
        LayerStatus c = cut(Icmpv6Header.LENGTH);
        if (c != null) {
            int i = pushCut(LayerType.ICMPV6, Icmpv6Header.LENGTH, c);
            if (i >= 0 && quoted && available() >= 1 && Icmpv6Header.isError(u8(pos))) {
                stack.note(i, Note.ICMP_ERROR_QUOTES_ERROR, u8(pos));
            }
            return DecodeTables.STOP;
        }
        icmpv6.wrap(buf, pos, available());
        int type = icmpv6.type();
        int i = push(LayerType.ICMPV6, Icmpv6Header.LENGTH, limit, lengthStatus(limit));
        if (i < 0) {
            return DecodeTables.STOP;
        }
        if (quoted) {
            if (Icmpv6Header.isError(type)) {
                stack.note(i, Note.ICMP_ERROR_QUOTES_ERROR, type);
            }
            return DecodeTables.STOP;
        }
        if (ipVersion == 6 && checksumVerifiable(limit)) {
            int computed = transportChecksum(58, pos, limit, Icmpv6Header.CHECKSUM_OFFSET);
            if (computed != icmpv6.checksum()) {
                stack.note(i, Note.ICMPV6_BAD_CHECKSUM, computed);
            }
        }
        pos += Icmpv6Header.LENGTH;
        if (Icmpv6Header.isError(type) && !firstFragment) {
            if (pos >= Math.min(limit, capEnd)) {
                return DecodeTables.STOP;
            }
            quoted = true;
            return LayerType.IPV6;
        }
        return LayerType.PAYLOAD;
    }

    // ---------------------------------------------------------------- tunnels

    private int vxlan() {
        LayerStatus c = cut(VxlanHeader.LENGTH);
        if (c != null) {
            pushCut(LayerType.VXLAN, VxlanHeader.LENGTH, c);
            return DecodeTables.STOP;
        }
        vxlan.wrap(buf, pos, available());
        int i = push(LayerType.VXLAN, VxlanHeader.LENGTH, limit, lengthStatus(limit));
        if (i < 0) {
            return DecodeTables.STOP;
        }
        if (!vxlan.vniValid()) {
            stack.note(i, Note.VXLAN_FLAGS_INVALID, vxlan.flags());
        }
        pos += VxlanHeader.LENGTH;
        return enterTunnel(i) ? LayerType.ETHERNET : DecodeTables.STOP;
    }

    private int geneve() {
        LayerStatus c = cut(GeneveHeader.MIN_LENGTH);
        if (c != null) {
            pushCut(LayerType.GENEVE, GeneveHeader.MIN_LENGTH, c);
            return DecodeTables.STOP;
        }
        geneve.wrap(buf, pos, available());
        int version = geneve.version();
        if (version != 0) {
            int i = push(LayerType.GENEVE, GeneveHeader.MIN_LENGTH, limit, lengthStatus(limit));
            if (i >= 0) {
                stack.note(i, Note.GENEVE_VERSION_UNKNOWN, version);
            }
            pos += GeneveHeader.MIN_LENGTH;
            return LayerType.PAYLOAD;
        }
        int headerLength = geneve.headerLength();
        c = cut(headerLength);
        if (c != null) {
            int i = pushCut(LayerType.GENEVE, headerLength, c);
            if (i >= 0 && c == LayerStatus.MALFORMED) {
                stack.note(i, Note.GENEVE_OPTIONS_OVERRUN, geneve.optionsLength());
            }
            return DecodeTables.STOP;
        }
        int i = push(LayerType.GENEVE, headerLength, limit, lengthStatus(limit));
        if (i < 0) {
            return DecodeTables.STOP;
        }
        if (geneve.optionCount() < 0) {
            stack.degrade(i, LayerStatus.MALFORMED);
            stack.note(i, Note.GENEVE_OPTIONS_OVERRUN, geneve.optionsLength());
            return DecodeTables.STOP;
        }
        int protocol = geneve.protocolType();
        pos += headerLength;
        return tunnelPayload(i, protocol, false);
    }

    /**
     * Inner protocol of Geneve and GRE, one level deeper: Ethernet, IPv4, IPv6, or a registered
     * protocol with a dissect step of its own (GRE also looks at its GRE-only registrations).
     */
    private int tunnelPayload(int layer, int protocol, boolean inGre) {
        int next = protocol < 0x0600 ? DecodeTables.STOP
            : inGre ? tables.greProtocol(protocol) : tables.etherType(protocol);
        if (next != LayerType.ETHERNET && next != LayerType.IPV4 && next != LayerType.IPV6
                && !hasDissector(next)) {
            stack.note(layer, Note.UNKNOWN_ETHERTYPE, protocol);
            return LayerType.PAYLOAD;
        }
        return enterTunnel(layer) ? next : DecodeTables.STOP;
    }

    private int gre() {
        LayerStatus c = cut(GreHeader.MIN_LENGTH);
        if (c != null) {
            pushCut(LayerType.GRE, GreHeader.MIN_LENGTH, c);
            return DecodeTables.STOP;
        }
        gre.wrap(buf, pos, available());
        int version = gre.version();
        if (version > 1) {
            int i = push(LayerType.GRE, GreHeader.MIN_LENGTH, limit, lengthStatus(limit));
            if (i >= 0) {
                stack.note(i, Note.GRE_VERSION_UNKNOWN, version);
            }
            pos += GreHeader.MIN_LENGTH;
            return LayerType.PAYLOAD;
        }
        int headerLength = gre.headerLength();
        c = cut(headerLength);
        if (c != null) {
            pushCut(LayerType.GRE, headerLength, c);
            return DecodeTables.STOP;
        }
        int i = push(LayerType.GRE, headerLength, limit, lengthStatus(limit));
        if (i < 0) {
            return DecodeTables.STOP;
        }
        int protocol = gre.protocolType();
        boolean routing = gre.hasRouting();
        int flags = gre.flags();
        pos += headerLength;
        if (routing) {
            stack.note(i, Note.GRE_ROUTING_PRESENT, flags);
            return LayerType.PAYLOAD;
        }
        if (version == 1 && pos >= limit) {
            // PPTP's enhanced GRE carries acknowledgments without a payload.
            return DecodeTables.STOP;
        }
        return tunnelPayload(i, protocol, true);
    }

    private int flannelUdp() {
        int i = push(LayerType.FLANNEL_UDP, 0, limit, lengthStatus(limit));
        if (i < 0 || available() < 1) {
            return DecodeTables.STOP;
        }
        int version = flannelPayload.wrap(buf, pos, available()).ipVersion();
        if (version != 4 && version != 6) {
            stack.note(i, Note.FLANNEL_UDP_NOT_IP, version);
            return LayerType.PAYLOAD;
        }
        if (!enterTunnel(i)) {
            return DecodeTables.STOP;
        }
        return version == 4 ? LayerType.IPV4 : LayerType.IPV6;
    }
}
