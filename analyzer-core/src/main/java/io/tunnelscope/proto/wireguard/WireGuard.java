package io.tunnelscope.proto.wireguard;

import io.tunnelscope.proto.DissectCursor;
import io.tunnelscope.proto.Dissector;
import io.tunnelscope.proto.LineSummary;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;
import io.tunnelscope.proto.payload.Payload;
import java.nio.ByteBuffer;

/**
 * WireGuard (whitepaper section 5.4), flannel's {@code wireguard} backend: UDP 51820 (IPv4) and
 * 51821 (IPv6) between the nodes, the {@code flannel-wg} device (Linux kind {@code wireguard}, an
 * L3 device: raw IP captures). The inner packet is encrypted: a transport data message's header
 * is read and the rest is opaque. Overhead: outer IP, UDP 8, the data header 16 and the tag 16 (the
 * padding of the inner packet to a multiple of 16 comes on top, {@link #PADDING}); flannel's MTU of
 * 1420 is 1500 less the IPv6 overhead of 80.
 *
 * <p>A payload on these ports that is no WireGuard message (type 1..4, reserved bytes zero, the
 * length its type allows) is left as payload with a note, as VXLAN's conventional port is.
 */
public final class WireGuard {
    public static final int ID = 30;
    /** flannel's port for the IPv4 underlay. */
    public static final int PORT = 51820;
    /** flannel's port for the IPv6 underlay. */
    public static final int PORT_IPV6 = 51821;
    /** Over IPv4: outer IP 20, UDP 8, data header 16, tag 16. */
    public static final int OVERHEAD_IPV4 = 20 + 8 + WireGuardMessage.DATA_HEADER_LENGTH + WireGuardMessage.TAG_LENGTH;
    /** Over IPv6: outer IP 40, the rest as over IPv4. */
    public static final int OVERHEAD_IPV6 = OVERHEAD_IPV4 + 20;
    /** The inner packet is zero-padded to a multiple of 16 before encryption. */
    public static final int PADDING = WireGuardMessage.PADDING_MULTIPLE;

    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "wireguard", "WireGuard", Kind.TUNNEL)
        .wiresharkName("wg").udpPorts(PORT, PORT_IPV6).overhead(OVERHEAD_IPV4, OVERHEAD_IPV6).opaque(PADDING)
        .linuxKinds("wireguard").kaitaiSpec("wireguard_message").dissector(new MessageDissector()).summary(new MessageSummary()).build();

    private WireGuard() {
    }

    /**
     * Pushes a WireGuard message: the whole message for the handshake messages, the 16-byte header
     * for transport data with the encrypted rest opaque; anything else stays payload.
     */
    static final class MessageDissector implements Dissector {
        /** One flyweight per thread: the dissector itself serves every thread. */
        private static final ThreadLocal<WireGuardMessage> MESSAGE = ThreadLocal.withInitial(WireGuardMessage::new);

        @Override
        public int dissect(DissectCursor cursor) {
            WireGuardMessage message = MESSAGE.get().wrap(cursor.buffer(), cursor.position(), cursor.available(),
                cursor.room());
            if (!message.isConsistent()) {
                cursor.contradicts();
                return Payload.ID;
            }
            int type = message.type();
            if (type < 0 || type == WireGuardMessage.TRANSPORT_DATA) {
                // Transport data (or a message the snaplen cut before its type: only data is that long).
                cursor.opaque(ID, WireGuardMessage.DATA_HEADER_LENGTH);
            } else {
                cursor.header(ID, WireGuardMessage.headerLength(type));
            }
            return STOP;
        }
    }

    /**
     * The line of a WireGuard message: its type, sender and receiver indexes, counter and length,
     * as tshark names them.
     */
    static final class MessageSummary implements LineSummary {
        private static final ThreadLocal<WireGuardMessage> MESSAGE = ThreadLocal.withInitial(WireGuardMessage::new);

        @Override
        public void append(ByteBuffer buffer, int offset, int headerLength, StringBuilder out) {
            append(buffer, offset, headerLength, headerLength, out);
        }

        @Override
        public void append(ByteBuffer buffer, int offset, int headerLength, int length, StringBuilder out) {
            // Every field shown lies in the header the decoder pushed (the whole message for a handshake).
            WireGuardMessage message = MESSAGE.get().wrap(buffer, offset, headerLength, length);
            int type = message.type();
            out.append("WireGuard");
            if (type < 0) {
                out.append(", length ").append(length);
                return;
            }
            out.append(' ').append(WireGuardMessage.typeName(type));
            long sender = message.senderIndex();
            if (sender >= 0) {
                appendHex(out.append(", sender 0x"), sender);
            }
            long receiver = message.receiverIndex();
            if (receiver >= 0) {
                appendHex(out.append(", receiver 0x"), receiver);
            }
            long counter = message.counter();
            if (counter >= 0) {
                out.append(", counter ").append(counter);
            }
            out.append(", length ").append(length);
        }

        /** Eight hex digits, as tshark shows an index. */
        private static void appendHex(StringBuilder out, long value) {
            for (int shift = 28; shift >= 0; shift -= 4) {
                out.append(Character.forDigit((int) (value >>> shift) & 0xf, 16));
            }
        }
    }
}
