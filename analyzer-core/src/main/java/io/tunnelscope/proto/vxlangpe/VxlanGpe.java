package io.tunnelscope.proto.vxlangpe;

import io.tunnelscope.proto.DissectCursor;
import io.tunnelscope.proto.Dissector;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;
import io.tunnelscope.proto.ethernet.Ethernet;
import io.tunnelscope.proto.ipv4.Ipv4;
import io.tunnelscope.proto.ipv6.Ipv6;
import io.tunnelscope.proto.mpls.Mpls;
import java.nio.ByteBuffer;

/**
 * VXLAN-GPE, the Generic Protocol Extension of VXLAN (draft-ietf-nvo3-vxlan-gpe-12), on IANA's UDP
 * 4790: its next protocol byte says what follows, one encapsulation deeper: 1 IPv4, 2 IPv6,
 * 3 Ethernet, 5 MPLS (earlier drafts; OpenBSD and Wireshark keep it). NSH (4) and any other value
 * stay payload, noted. Wireshark names its dissector {@code vxlan_gpe}.
 *
 * <p>Where the tools differ, this reads as follows (tshark 4.0 reads the next protocol byte
 * whatever the flags say; tcpdump 4.99 gives up on a version other than 0 and reads Ethernet when
 * the P flag is clear):
 * <ul>
 *   <li>a version other than 0 is malformed: the draft has the receiver drop it, and nothing says
 *       how its header is laid out (tcpdump: "unknown version", invalid);</li>
 *   <li>with the P flag clear the header has no next protocol field, and the draft's rule (its
 *       byte is zero, an Ethernet frame follows) and tshark's reading of the byte disagree: what
 *       follows stays payload with the byte noted, never a guessed inner packet;</li>
 *   <li>the I, B and O flags do not change the decode (an OAM packet's payload is still named by
 *       its next protocol); the line shows them.</li>
 * </ul>
 *
 * <p>Overhead: outer IP, UDP 8, VXLAN-GPE 8, and the inner Ethernet header 14 when the next
 * protocol is Ethernet (50 over IPv4, 70 over IPv6), 14 bytes less when IP follows directly. The
 * descriptor has one figure per underlay family, and the MTU rules take it as what a tunnel adds
 * to the inner IP packet: they assume the Ethernet case, as VXLAN's, so that the overlay MTU they
 * suggest (1450 on a 1500 underlay) holds either kind of inner packet; a tunnel that carries IP
 * directly could use 14 bytes more, which they then report as the overlay MTU exceeding the
 * underlay (a false alarm rather than a missed fragmentation).
 */
public final class VxlanGpe {
    public static final int ID = 40;
    /** IANA's VXLAN-GPE port. */
    public static final int PORT = 4790;
    /** Over IPv4: outer IP 20, UDP 8, VXLAN-GPE 8, inner Ethernet 14. */
    public static final int OVERHEAD_IPV4 = 20 + 8 + VxlanGpeHeader.LENGTH + 14;
    /** Over IPv6: outer IP 40, the rest as over IPv4. */
    public static final int OVERHEAD_IPV6 = OVERHEAD_IPV4 + 20;

    private static final ThreadLocal<VxlanGpeHeader> HEADER = ThreadLocal.withInitial(VxlanGpeHeader::new);

    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "vxlan-gpe", "VXLAN-GPE", Kind.TUNNEL)
        .udpPorts(PORT).overhead(OVERHEAD_IPV4, OVERHEAD_IPV6).wiresharkName("vxlan_gpe").decodeAsTarget()
        .kaitaiSpec("vxlan_gpe_header").dissector(VxlanGpe::dissect).summary(VxlanGpe::summary)
        .vni((buffer, at, length) -> length >= VxlanGpeHeader.LENGTH ? VxlanGpeHeader.vni(buffer, at) : -1).build();

    private VxlanGpe() {
    }

    static int dissect(DissectCursor c) {
        if (c.room() == 0) {
            // An empty datagram has no header (tshark shows none either).
            return Dissector.STOP;
        }
        if (c.available() < VxlanGpeHeader.LENGTH) {
            // Cut by the snaplen (truncated) or by the datagram's end (malformed): the decoder says which.
            c.header(ID, VxlanGpeHeader.LENGTH);
            return Dissector.STOP;
        }
        VxlanGpeHeader h = HEADER.get().wrap(c.buffer(), c.position(), c.available());
        if (h.version() != 0) {
            c.malformed(ID, VxlanGpeHeader.LENGTH, VxlanGpeHeader.FLAGS_OFFSET);
            return Dissector.STOP;
        }
        boolean present = h.nextProtocolPresent();
        int next = h.nextProtocol();
        if (!c.header(ID, VxlanGpeHeader.LENGTH)) {
            return Dissector.STOP;
        }
        if (c.room() == 0) {
            return Dissector.STOP;
        }
        if (!present) {
            return c.notDecoded(next);
        }
        int inner;
        switch (next) {
            case VxlanGpeHeader.NEXT_IPV4: inner = Ipv4.ID; break;
            case VxlanGpeHeader.NEXT_IPV6: inner = Ipv6.ID; break;
            case VxlanGpeHeader.NEXT_ETHERNET: inner = Ethernet.ID; break;
            case VxlanGpeHeader.NEXT_MPLS: inner = Mpls.ID; break;
            default: return c.notDecoded(next);
        }
        return c.enterTunnel() ? inner : Dissector.STOP;
    }

    /**
     * tcpdump's words: {@code VXLAN-GPE, flags [IP], vni 100}, then {@code , BUM} and {@code , OAM}
     * for those flags; {@code unknown version 1}, {@code ERROR: I flag not set}; and, where tcpdump
     * says {@code ERROR: unknown-next-protocol}, the next protocol this does not decode
     * ({@code next protocol NSH (4)}, {@code next protocol 0x7f}).
     */
    static void summary(ByteBuffer buf, int offset, int headerLength, StringBuilder out) {
        out.append("VXLAN-GPE");
        if (headerLength < VxlanGpeHeader.LENGTH) {
            out.append(" (len ").append(headerLength).append(" < ").append(VxlanGpeHeader.LENGTH).append(')');
            return;
        }
        VxlanGpeHeader h = HEADER.get().wrap(buf, offset, headerLength);
        if (h.version() != 0) {
            out.append(", unknown version ").append(h.version());
            return;
        }
        out.append(", flags [");
        int flags = h.flags();
        int before = out.length();
        if ((flags & VxlanGpeHeader.FLAG_I) != 0) {
            out.append('I');
        }
        if ((flags & VxlanGpeHeader.FLAG_P) != 0) {
            out.append('P');
        }
        if ((flags & VxlanGpeHeader.FLAG_B) != 0) {
            out.append('B');
        }
        if ((flags & VxlanGpeHeader.FLAG_O) != 0) {
            out.append('O');
        }
        if (out.length() == before) {
            out.append("none");
        }
        out.append("], ");
        if (h.vniValid()) {
            out.append("vni ").append(h.vni());
        } else {
            out.append("ERROR: I flag not set");
        }
        if (h.bum()) {
            out.append(", BUM");
        }
        if (h.oam()) {
            out.append(", OAM");
        }
        int next = h.nextProtocol();
        if (h.nextProtocolPresent() && next != VxlanGpeHeader.NEXT_IPV4 && next != VxlanGpeHeader.NEXT_IPV6
                && next != VxlanGpeHeader.NEXT_ETHERNET && next != VxlanGpeHeader.NEXT_MPLS) {
            String name = VxlanGpeHeader.nextProtocolName(next);
            out.append(", next protocol ");
            if (name != null) {
                out.append(name).append(" (").append(next).append(')');
            } else {
                out.append("0x").append(Integer.toHexString(next));
            }
        }
    }
}
