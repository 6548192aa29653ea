package io.tunnelscope.proto.teredo;

import io.tunnelscope.proto.DissectCursor;
import io.tunnelscope.proto.Dissector;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;
import io.tunnelscope.proto.ipv6.Ipv6;

/**
 * Teredo, IPv6 through NATs in UDP (RFC 4380), on UDP 3544: its optional authentication and
 * origin indication headers are one layer (zero-length without them), then the IPv6 packet one
 * encapsulation deeper. A datagram whose packet does not start with IP version 6 is payload.
 * Overhead: outer IP, UDP 8.
 */
public final class Teredo {
    public static final int ID = 36;
    public static final int PORT = 3544;

    private static final ThreadLocal<TeredoHeaders> HEADERS = ThreadLocal.withInitial(TeredoHeaders::new);

    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "teredo", "Teredo", Kind.TUNNEL)
        .udpPorts(PORT).overhead(28, 48).decodeAsTarget().dissector(Teredo::dissect)
        .summary((buf, offset, headerLength, out) -> out.append("Teredo")).build();

    private Teredo() {
    }

    static int dissect(DissectCursor c) {
        int length = HEADERS.get().wrap(c.buffer(), c.position(), c.available()).length();
        if (!c.header(ID, length)) {
            return Dissector.STOP;
        }
        if (c.room() == 0) {
            return Dissector.STOP;
        }
        if (c.available() >= 1) {
            int version = (c.buffer().get(c.position()) & 0xff) >>> 4;
            if (version != 6) {
                return c.notDecoded(version);
            }
        }
        return c.enterTunnel() ? Ipv6.ID : Dissector.STOP;
    }
}
