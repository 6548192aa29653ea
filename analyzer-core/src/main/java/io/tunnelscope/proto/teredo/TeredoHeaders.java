package io.tunnelscope.proto.teredo;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * What may precede the IPv6 packet in a Teredo datagram (RFC 4380 section 5.1.1): an
 * authentication header, then an origin indication, each optional, in that order.
 *
 * <pre>
 * Authentication (13 bytes and the two variable fields):
 * +-------+-------+-------+-------+-----------+--------------+---------+--------------+
 * | 0x00  | 0x01  | ID-len| AU-len| Client ID | Authenticator| Nonce 8 | Confirmation |
 * +-------+-------+-------+-------+-----------+--------------+---------+--------------+
 * Origin indication (8 bytes):
 * +-------+-------+---------------+-------------------------------+
 * | 0x00  | 0x00  | Origin port   |  Origin IPv4 address          |  (both obfuscated)
 * +-------+-------+---------------+-------------------------------+
 * </pre>
 */
public final class TeredoHeaders extends Flyweight {
    public static final int INDICATOR_AUTHENTICATION = 0x0001;
    public static final int INDICATOR_ORIGIN = 0x0000;
    public static final int AUTHENTICATION_FIXED_LENGTH = 13;
    public static final int ORIGIN_LENGTH = 8;
    public static final int ID_LENGTH_OFFSET = 2;
    public static final int AUTHENTICATOR_LENGTH_OFFSET = 3;

    public TeredoHeaders wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    /**
     * Length of the headers before the IPv6 packet, as far as the available bytes tell (more than
     * {@link #available()} when they end inside one): 0 when the datagram starts with IPv6.
     */
    public int length() {
        int length = 0;
        if (available >= 2 && u16(0) == INDICATOR_AUTHENTICATION) {
            if (available < AUTHENTICATOR_LENGTH_OFFSET + 1) {
                return AUTHENTICATION_FIXED_LENGTH;
            }
            length = AUTHENTICATION_FIXED_LENGTH + u8(ID_LENGTH_OFFSET) + u8(AUTHENTICATOR_LENGTH_OFFSET);
        }
        if (available >= length + 2 && u16(length) == INDICATOR_ORIGIN) {
            length += ORIGIN_LENGTH;
        }
        return length;
    }

    /** Origin port of an origin indication at {@code at}, de-obfuscated. */
    public int originPort(int at) { return u16(at + 2) ^ 0xffff; }

    /** Origin IPv4 address of an origin indication at {@code at}, de-obfuscated. */
    public int originAddress(int at) { return i32(at + 4) ^ 0xffffffff; }
}
