package io.tunnelscope.proto.gtp;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * The GTP-U header (3GPP TS 29.281 section 5): 8 bytes, then 4 more when any of E, S, PN is set
 * (sequence number, N-PDU number, next extension header type), then the extension headers, each
 * a length in 4-byte units, its content, and the next one's type (0: none).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Ver |P|R|E|S|N| Message Type  |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Tunnel Endpoint Identifier (TEID)                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Sequence Number          |  N-PDU Number | Next Ext Type |  E, S or PN
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class GtpUHeader extends Flyweight {
    public static final int MIN_LENGTH = 8;
    public static final int OPTIONAL_LENGTH = 4;
    public static final int FLAGS_OFFSET = 0;
    public static final int MESSAGE_TYPE_OFFSET = 1;
    public static final int LENGTH_OFFSET = 2;
    public static final int TEID_OFFSET = 4;
    public static final int NEXT_EXTENSION_OFFSET = 11;
    public static final int FLAG_EXTENSION = 0x04;
    public static final int FLAG_SEQUENCE = 0x02;
    public static final int FLAG_NPDU = 0x01;
    /** Protocol type bit: GTP (1), not GTP' (0). */
    public static final int FLAG_PROTOCOL_TYPE = 0x10;
    /** G-PDU: the message carries a user packet (T-PDU). */
    public static final int MESSAGE_G_PDU = 255;
    /** Returned by {@link #headerLength()} when an extension header has a length of 0. */
    public static final int EXTENSION_LENGTH_ZERO = -1;

    public GtpUHeader wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    public int version() { return u8(FLAGS_OFFSET) >>> 5; }

    public boolean isGtp() { return (u8(FLAGS_OFFSET) & FLAG_PROTOCOL_TYPE) != 0; }

    public int flags() { return u8(FLAGS_OFFSET); }

    public int messageType() { return u8(MESSAGE_TYPE_OFFSET); }

    /** Bytes after the first 8 (optional fields, extension headers, T-PDU). */
    public int length() { return u16(LENGTH_OFFSET); }

    public long teid() { return u32(TEID_OFFSET); }

    public boolean hasOptionalFields() {
        return (flags() & (FLAG_EXTENSION | FLAG_SEQUENCE | FLAG_NPDU)) != 0;
    }

    /**
     * The header's length with its optional fields and extension headers, as far as the available
     * bytes tell: when they end inside the chain, the bytes up to there plus the length still
     * known to be needed (more than {@link #available()}); {@link #EXTENSION_LENGTH_ZERO} for an
     * extension header of length 0.
     */
    public int headerLength() {
        if (!hasOptionalFields()) {
            return MIN_LENGTH;
        }
        int length = MIN_LENGTH + OPTIONAL_LENGTH;
        if ((flags() & FLAG_EXTENSION) == 0) {
            return length;
        }
        if (available < length) {
            return length;
        }
        int next = u8(NEXT_EXTENSION_OFFSET);
        while (next != 0) {
            if (available < length + 1) {
                return length + 4;
            }
            int extension = u8(length) * 4;
            if (extension == 0) {
                return EXTENSION_LENGTH_ZERO;
            }
            length += extension;
            if (available < length) {
                return length;
            }
            next = u8(length - 1);
        }
        return length;
    }
}
