package io.tunnelscope.proto.cmd;

import io.tunnelscope.proto.DissectCursor;
import io.tunnelscope.proto.Dissector;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;
import io.tunnelscope.proto.gre.Gre;
import java.nio.ByteBuffer;

/**
 * Cisco MetaData (EtherType 0x8909, also inside GRE): a shim carrying a TrustSec SGT between a
 * link or GRE header and the packet, which its EtherType names (Wireshark's {@code cmd}).
 */
public final class CiscoMetadata {
    public static final int ID = 38;
    public static final int ETHERTYPE = 0x8909;

    private static final ThreadLocal<CiscoMetadataHeader> HEADER = ThreadLocal.withInitial(CiscoMetadataHeader::new);

    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "cmd", "Cisco MetaData", Kind.SHIM)
        .etherTypes(ETHERTYPE).dissector(CiscoMetadata::dissect).summary(CiscoMetadata::summary).build();

    private CiscoMetadata() {
    }

    static int dissect(DissectCursor c) {
        boolean inGre = c.previousType() == Gre.ID;
        if (!c.header(ID, CiscoMetadataHeader.LENGTH)) {
            return Dissector.STOP;
        }
        int at = c.position() - CiscoMetadataHeader.LENGTH;
        return c.byEtherType(HEADER.get().wrap(c.buffer(), at, CiscoMetadataHeader.LENGTH).etherType(inGre));
    }

    /** {@code CMD} (the SGT's place depends on the header before, which the line does not know). */
    static void summary(ByteBuffer buf, int offset, int headerLength, StringBuilder out) {
        out.append("CMD");
    }
}
