package io.tunnelscope.proto.erspan;

import io.tunnelscope.proto.DissectCursor;
import io.tunnelscope.proto.Dissector;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;
import io.tunnelscope.proto.ethernet.Ethernet;
import io.tunnelscope.proto.gre.Gre;
import io.tunnelscope.proto.gre.GreHeader;
import java.nio.ByteBuffer;

/**
 * ERSPAN, Cisco's traffic mirroring into GRE (draft-foschiano-erspan-03), registered in GRE's
 * table only: 0x88be for types I and II, 0x22eb for type III. As tshark tells them: 0x88be in a
 * GRE header without a sequence number is type I (no header of its own, a zero-length layer); with
 * one, the version field says type II or III. Type II and type III with frame type 0 carry an
 * Ethernet frame; another frame type is payload; an unknown version is malformed. GRE and ERSPAN
 * are one encapsulation, named {@code erspan}. Overhead of type II: outer IP, GRE with sequence
 * number 8, ERSPAN 8, the mirrored frame's Ethernet header 14.
 */
public final class Erspan {
    public static final int ID = 33;
    /** GRE protocol of types I and II. */
    public static final int GRE_PROTOCOL_TYPE_II = 0x88be;
    /** GRE protocol of type III. */
    public static final int GRE_PROTOCOL_TYPE_III = 0x22eb;

    private static final ThreadLocal<ErspanHeader> HEADER = ThreadLocal.withInitial(ErspanHeader::new);
    private static final ThreadLocal<GreHeader> GRE = ThreadLocal.withInitial(GreHeader::new);

    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "erspan", "ERSPAN", Kind.TUNNEL)
        .greProtocols(GRE_PROTOCOL_TYPE_II, GRE_PROTOCOL_TYPE_III).overhead(50, 70).linuxKinds("erspan", "ip6erspan")
        .dissector(Erspan::dissect).summary(Erspan::summary).build();

    private Erspan() {
    }

    static int dissect(DissectCursor c) {
        if (c.previousType() != Gre.ID || c.previousHeaderLength() < GreHeader.MIN_LENGTH) {
            return c.notDecoded(GRE_PROTOCOL_TYPE_II);
        }
        GreHeader gre = GRE.get().wrap(c.buffer(), c.previousOffset(), c.previousHeaderLength());
        if (gre.protocolType() == GRE_PROTOCOL_TYPE_II && !gre.hasSequence()) {
            return c.header(ID, 0) ? Ethernet.ID : Dissector.STOP;
        }
        if (c.available() < 1) {
            c.header(ID, ErspanHeader.TYPE_II_LENGTH);
            return Dissector.STOP;
        }
        ErspanHeader h = HEADER.get().wrap(c.buffer(), c.position(), c.available());
        switch (h.version()) {
            case ErspanHeader.VERSION_TYPE_II:
                return c.header(ID, ErspanHeader.TYPE_II_LENGTH) ? Ethernet.ID : Dissector.STOP;
            case ErspanHeader.VERSION_TYPE_III: {
                if (c.available() < ErspanHeader.TYPE_III_LENGTH) {
                    c.header(ID, ErspanHeader.TYPE_III_LENGTH);
                    return Dissector.STOP;
                }
                int frameType = h.frameType();
                if (!c.header(ID, h.typeIiiLength())) {
                    return Dissector.STOP;
                }
                return frameType == ErspanHeader.FRAME_TYPE_ETHERNET ? Ethernet.ID : c.notDecoded(frameType);
            }
            default:
                c.malformed(ID, ErspanHeader.TYPE_II_LENGTH, ErspanHeader.VERSION_OFFSET);
                return Dissector.STOP;
        }
    }

    /** tcpdump's words: {@code erspan type1}, {@code erspan type2 session 666}, {@code erspan type3 session 0}. */
    static void summary(ByteBuffer buf, int offset, int headerLength, StringBuilder out) {
        if (headerLength == 0) {
            out.append("erspan type1");
            return;
        }
        ErspanHeader h = HEADER.get().wrap(buf, offset, headerLength);
        int version = h.version();
        out.append("erspan type").append(version == ErspanHeader.VERSION_TYPE_III ? 3 : 2);
        if (headerLength >= 4) {
            out.append(" session ").append(h.sessionId());
        }
    }
}
