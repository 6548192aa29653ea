package io.tunnelscope.proto.gre;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * GRE header (RFC 2784 with the key and sequence extensions of RFC 2890; version 1 is the
 * enhanced GRE of PPTP, RFC 2637 section 4.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |C|R|K|S|s|Recur|A| Flags | Ver |         Protocol Type         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Checksum (optional)      |       Reserved1 (Optional)    |  C or R
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Key (optional)                        |  K
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Sequence Number (Optional)                    |  S
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Acknowledgment Number (version 1, A)          |  A
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class GreHeader extends Flyweight {
    public static final int FLAGS_VERSION_OFFSET = 0;
    public static final int PROTOCOL_OFFSET = 2;
    public static final int MIN_LENGTH = 4;
    /** Offset of the checksum, present with the C (or R) flag. */
    public static final int CHECKSUM_OFFSET = 4;
    /** Length of each optional word: checksum and reserved, key, sequence, acknowledgment. */
    public static final int OPTIONAL_FIELD_LENGTH = 4;
    public static final int KEY_LENGTH = 4;
    public static final int FLAG_CHECKSUM = 0x8000;
    public static final int FLAG_ROUTING = 0x4000;
    public static final int FLAG_KEY = 0x2000;
    public static final int FLAG_SEQUENCE = 0x1000;
    public static final int FLAG_ACK = 0x0080;

    public GreHeader wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    public boolean isComplete() { return available >= MIN_LENGTH; }

    public int flags() { return u16(FLAGS_VERSION_OFFSET) & 0xfff8; }

    public int version() { return u16(FLAGS_VERSION_OFFSET) & 0x7; }

    public int protocolType() { return u16(PROTOCOL_OFFSET); }

    public boolean hasChecksum() { return (flags() & FLAG_CHECKSUM) != 0; }

    public boolean hasRouting() { return (flags() & FLAG_ROUTING) != 0; }

    public boolean hasKey() { return (flags() & FLAG_KEY) != 0; }

    public boolean hasSequence() { return (flags() & FLAG_SEQUENCE) != 0; }

    public boolean hasAck() { return version() == 1 && (flags() & FLAG_ACK) != 0; }

    /** Header length implied by the flags (without RFC 1701 routing entries). */
    public int headerLength() {
        int len = MIN_LENGTH;
        if (hasChecksum() || hasRouting()) {
            len += OPTIONAL_FIELD_LENGTH;
        }
        if (hasKey()) {
            len += OPTIONAL_FIELD_LENGTH;
        }
        if (hasSequence()) {
            len += OPTIONAL_FIELD_LENGTH;
        }
        if (hasAck()) {
            len += OPTIONAL_FIELD_LENGTH;
        }
        return len;
    }

    /** Checksum field, or -1 when absent. */
    public int checksum() { return hasChecksum() ? u16(CHECKSUM_OFFSET) : -1; }

    /** Key field, or -1 when absent. */
    public long key() { return hasKey() ? u32(keyOffset()) : -1; }

    /** Sequence number, or -1 when absent. */
    public long sequence() {
        return hasSequence() ? u32(keyOffset() + (hasKey() ? KEY_LENGTH : 0)) : -1;
    }

    /** Offset of the key (or, without one, of the sequence number): after the checksum word if any. */
    public int keyOffset() {
        return hasChecksum() || hasRouting() ? CHECKSUM_OFFSET + OPTIONAL_FIELD_LENGTH : CHECKSUM_OFFSET;
    }
}
