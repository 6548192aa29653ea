package io.tunnelscope.proto.wccp;

import io.tunnelscope.proto.DissectCursor;
import io.tunnelscope.proto.Dissector;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;
import io.tunnelscope.proto.ipv4.Ipv4;

/**
 * WCCP's GRE redirection (GRE protocol 0x883e, draft-wilson-wrec-wccp-v2 section 4.12): WCCP v2
 * puts a 4-byte redirect header before the redirected IPv4 packet, v1 none; as Wireshark tells
 * them, a packet that does not start with IP version 4 has the header. Wireshark shows the header
 * inside its GRE layer; here it is a layer of its own (zero-length for v1).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |D|A|Reserved   | Service ID    |Alt Bucket     |Primary Bucket |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Wccp {
    public static final int ID = 39;
    public static final int GRE_PROTOCOL = 0x883e;
    public static final int REDIRECT_HEADER_LENGTH = 4;

    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "wccp", "WCCP", Kind.SHIM)
        .greProtocols(GRE_PROTOCOL).dissector(Wccp::dissect).build();

    private Wccp() {
    }

    static int dissect(DissectCursor c) {
        boolean ipFirst = c.available() >= 1 && (c.buffer().get(c.position()) & 0xf0) == 0x40;
        return c.header(ID, ipFirst ? 0 : REDIRECT_HEADER_LENGTH) ? Ipv4.ID : Dissector.STOP;
    }
}
