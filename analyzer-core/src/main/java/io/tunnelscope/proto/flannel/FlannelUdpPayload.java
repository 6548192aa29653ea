package io.tunnelscope.proto.flannel;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * flannel's UDP backend payload (github.com/flannel-io/flannel, backend/udp, default port 8285):
 * no header at all, the UDP payload is the bare IP packet read from the flannel0 TUN device. The
 * version nibble of its first byte says IPv4 or IPv6.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  ...  inner IPv4 / IPv6 packet                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class FlannelUdpPayload extends Flyweight {
    public static final int LENGTH = 0;

    public FlannelUdpPayload wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    /** The IP version of the inner packet, or -1 when no byte is available. */
    public int ipVersion() { return available > 0 ? u8(0) >>> 4 : -1; }
}
