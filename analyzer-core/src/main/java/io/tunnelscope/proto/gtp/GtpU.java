package io.tunnelscope.proto.gtp;

import io.tunnelscope.proto.DissectCursor;
import io.tunnelscope.proto.Dissector;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;
import io.tunnelscope.proto.payload.Payload;
import java.nio.ByteBuffer;

/**
 * GTP-U, the user plane of mobile core networks (3GPP TS 29.281), on UDP 2152: a G-PDU (message
 * type 255) carries an IPv4 or IPv6 packet, by its version nibble, one encapsulation deeper;
 * other messages (echo, error indication, end marker) are payload. A version other than 1, or
 * GTP' (protocol type 0), is malformed here, as is an extension header of length 0. Overhead of a
 * plain header: outer IP, UDP 8, GTP-U 8.
 */
public final class GtpU {
    public static final int ID = 35;
    public static final int PORT = 2152;

    private static final ThreadLocal<GtpUHeader> HEADER = ThreadLocal.withInitial(GtpUHeader::new);

    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "gtp-u", "GTP-U", Kind.TUNNEL)
        .udpPorts(PORT).overhead(36, 56).wiresharkName("gtp").decodeAsTarget().linuxKinds("gtp")
        .dissector(GtpU::dissect).summary(GtpU::summary).build();

    private GtpU() {
    }

    static int dissect(DissectCursor c) {
        if (c.available() < GtpUHeader.MIN_LENGTH) {
            c.header(ID, GtpUHeader.MIN_LENGTH);
            return Dissector.STOP;
        }
        GtpUHeader h = HEADER.get().wrap(c.buffer(), c.position(), c.available());
        if (h.version() != 1 || !h.isGtp()) {
            c.malformed(ID, GtpUHeader.MIN_LENGTH, GtpUHeader.FLAGS_OFFSET);
            return Dissector.STOP;
        }
        int messageType = h.messageType();
        int length = h.headerLength();
        if (length == GtpUHeader.EXTENSION_LENGTH_ZERO) {
            c.malformed(ID, GtpUHeader.MIN_LENGTH + GtpUHeader.OPTIONAL_LENGTH, GtpUHeader.NEXT_EXTENSION_OFFSET);
            return Dissector.STOP;
        }
        if (!c.header(ID, length)) {
            return Dissector.STOP;
        }
        if (messageType != GtpUHeader.MESSAGE_G_PDU) {
            return Payload.ID;
        }
        if (c.room() == 0) {
            return Dissector.STOP;
        }
        return c.enterTunnel() ? Dissector.IP_BY_VERSION : Dissector.STOP;
    }

    /** {@code GTPv1-U teid 4660} and, for messages other than a G-PDU, {@code type N}. */
    static void summary(ByteBuffer buf, int offset, int headerLength, StringBuilder out) {
        out.append("GTPv1-U");
        if (headerLength >= GtpUHeader.MIN_LENGTH) {
            GtpUHeader h = HEADER.get().wrap(buf, offset, headerLength);
            if (h.messageType() != GtpUHeader.MESSAGE_G_PDU) {
                out.append(" type ").append(h.messageType());
            }
            out.append(" teid ").append(h.teid());
        }
    }
}
