package io.tunnelscope.proto.mpls;

import io.tunnelscope.proto.DissectCursor;
import io.tunnelscope.proto.Dissector;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;
import java.nio.ByteBuffer;

/**
 * MPLS (RFC 3032) on EtherTypes 0x8847 (unicast) and 0x8848 (multicast), also inside GRE and PPP:
 * the whole label stack is one layer, up to the entry with the bottom-of-stack bit; what follows
 * is IPv4 or IPv6 by its version nibble, as tshark reads it with its default preferences (other
 * payloads — pseudowires — stay payload). A stack the packet ends inside is truncated or malformed
 * as any header. MPLS is a shim, not a tunnel: inside MPLS-in-UDP ({@link MplsInUdp}) or GRE the
 * tunnel is theirs.
 */
public final class Mpls {
    public static final int ID = 31;
    public static final int ETHERTYPE_UNICAST = 0x8847;
    public static final int ETHERTYPE_MULTICAST = 0x8848;

    private static final ThreadLocal<MplsLabel> LABEL = ThreadLocal.withInitial(MplsLabel::new);

    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "mpls", "MPLS", Kind.SHIM)
        .etherTypes(ETHERTYPE_UNICAST, ETHERTYPE_MULTICAST).dissector(Mpls::dissect).summary(Mpls::summary)
        .build();

    private Mpls() {
    }

    static int dissect(DissectCursor c) {
        int length = LABEL.get().wrap(c.buffer(), c.position(), c.available()).stackLength();
        if (!c.header(ID, length)) {
            return Dissector.STOP;
        }
        return c.room() > 0 ? Dissector.IP_BY_VERSION : Dissector.STOP;
    }

    /** tcpdump's words: {@code MPLS (label 100, tc 0, ttl 64) (label 200, tc 5, [S], ttl 7)}. */
    static void summary(ByteBuffer buf, int offset, int headerLength, StringBuilder out) {
        MplsLabel label = LABEL.get();
        out.append("MPLS");
        for (int at = 0; at + MplsLabel.LENGTH <= headerLength; at += MplsLabel.LENGTH) {
            label.wrap(buf, offset + at, headerLength - at);
            out.append(" (label ").append(label.label()).append(", tc ").append(label.trafficClass());
            if (label.bottomOfStack()) {
                out.append(", [S]");
            }
            out.append(", ttl ").append(label.ttl()).append(')');
        }
    }
}
