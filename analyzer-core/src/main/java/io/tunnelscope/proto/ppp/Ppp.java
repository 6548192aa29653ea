package io.tunnelscope.proto.ppp;

import io.tunnelscope.proto.DissectCursor;
import io.tunnelscope.proto.Dissector;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;
import io.tunnelscope.proto.ipv4.Ipv4;
import io.tunnelscope.proto.ipv6.Ipv6;
import io.tunnelscope.proto.mpls.Mpls;
import java.nio.ByteBuffer;

/**
 * PPP (RFC 1661): the frames of link types 9 (LINKTYPE_PPP) and 50 (LINKTYPE_PPP_HDLC), and of PPTP's enhanced GRE (GRE
 * version 1, protocol 0x880b, registered in GRE's table only). Its protocol field is a table of
 * its own, kept here: IPv4 (0x0021), IPv6 (0x0057), MPLS (0x0281, 0x0283); the control protocols
 * (LCP, IPCP, CHAP...) are payload.
 */
public final class Ppp {
    public static final int ID = 37;
    public static final int LINKTYPE_PPP = 9;
    /** PPP in HDLC-like framing (RFC 1662), LINKTYPE_PPP_HDLC. */
    public static final int LINKTYPE_PPP_HDLC = 50;
    /** GRE protocol of PPP (PPTP). */
    public static final int GRE_PROTOCOL = 0x880b;

    private static final ThreadLocal<PppHeader> HEADER = ThreadLocal.withInitial(PppHeader::new);

    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "ppp", "PPP", Kind.LINK)
        .linkTypes(LINKTYPE_PPP, LINKTYPE_PPP_HDLC).greProtocols(GRE_PROTOCOL).dissector(Ppp::dissect).summary(Ppp::summary).build();

    private Ppp() {
    }

    static int dissect(DissectCursor c) {
        PppHeader h = HEADER.get().wrap(c.buffer(), c.position(), c.available());
        if (!c.header(ID, h.headerLength())) {
            return Dissector.STOP;
        }
        int protocol = h.protocol();
        switch (protocol) {
            case PppHeader.PROTOCOL_IPV4: return Ipv4.ID;
            case PppHeader.PROTOCOL_IPV6: return Ipv6.ID;
            case PppHeader.PROTOCOL_MPLS_UNICAST, PppHeader.PROTOCOL_MPLS_MULTICAST: return Mpls.ID;
            default: return c.notDecoded(protocol);
        }
    }

    /**
     * Nothing when the protocol field names a protocol decoded further (tcpdump shows the packet
     * alone); otherwise {@code PPP protocol 0xc021}.
     */
    static void summary(ByteBuffer buf, int offset, int headerLength, StringBuilder out) {
        PppHeader h = HEADER.get().wrap(buf, offset, headerLength);
        if (headerLength < 1 || headerLength < h.headerLength()) {
            out.append("PPP");
            return;
        }
        int protocol = h.protocol();
        switch (protocol) {
            case PppHeader.PROTOCOL_IPV4, PppHeader.PROTOCOL_IPV6, PppHeader.PROTOCOL_MPLS_UNICAST,
                 PppHeader.PROTOCOL_MPLS_MULTICAST:
                break;
            default:
                out.append("PPP protocol 0x");
                for (int shift = 12; shift >= 0; shift -= 4) {
                    out.append(Character.forDigit((protocol >> shift) & 0xf, 16));
                }
                break;
        }
    }
}
