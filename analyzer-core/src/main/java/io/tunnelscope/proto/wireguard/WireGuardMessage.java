package io.tunnelscope.proto.wireguard;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * A WireGuard message (WireGuard whitepaper section 5.4; wireguard.com/protocol), the UDP payload
 * of flannel's {@code wireguard} backend. The only code that knows its offsets. Every message
 * starts with a type byte and three reserved zero bytes; the indexes and the counter are
 * little-endian.
 *
 * <pre>
 *  0               1               2               3
 * +---------------+---------------+---------------+---------------+
 * |     type      |             reserved (zero)                   |
 * +---------------+---------------+---------------+---------------+
 * type 1, handshake initiation, 148 bytes:
 *   sender index (4) | ephemeral (32) | static (32+16) | timestamp (12+16) | mac1 (16) | mac2 (16)
 * type 2, handshake response, 92 bytes:
 *   sender index (4) | receiver index (4) | ephemeral (32) | empty (0+16) | mac1 (16) | mac2 (16)
 * type 3, cookie reply, 64 bytes:
 *   receiver index (4) | nonce (24) | cookie (16+16)
 * type 4, transport data, 16-byte header, then the encrypted packet:
 *   receiver index (4) | counter (8) | encrypted inner packet, zero-padded to a multiple of 16,
 *                                      with its 16-byte Poly1305 tag (section 5.4.6)
 * </pre>
 *
 * The message length is the UDP payload's ({@link #wrap(ByteBuffer, int, int, int)}), which the
 * capture may have cut; field getters read captured bytes only (check {@link #available()}).
 */
public final class WireGuardMessage extends Flyweight {
    public static final int TYPE_OFFSET = 0;
    public static final int RESERVED_OFFSET = 1;
    public static final int RESERVED_LENGTH = 3;
    /** Sender index of an initiation or response. */
    public static final int SENDER_OFFSET = 4;
    /** Receiver index of a response. */
    public static final int RESPONSE_RECEIVER_OFFSET = 8;
    /** Receiver index of a cookie reply or transport data message. */
    public static final int RECEIVER_OFFSET = 4;
    /** Counter (nonce) of a transport data message. */
    public static final int COUNTER_OFFSET = 8;

    public static final int HANDSHAKE_INITIATION = 1;
    public static final int HANDSHAKE_RESPONSE = 2;
    public static final int COOKIE_REPLY = 3;
    public static final int TRANSPORT_DATA = 4;

    public static final int INITIATION_LENGTH = 148;
    public static final int RESPONSE_LENGTH = 92;
    public static final int COOKIE_REPLY_LENGTH = 64;
    /** Type, reserved, receiver index and counter of a transport data message. */
    public static final int DATA_HEADER_LENGTH = 16;
    /** The Poly1305 authentication tag after the encrypted packet. */
    public static final int TAG_LENGTH = 16;
    /** The plaintext is zero-padded to a multiple of this before encryption. */
    public static final int PADDING_MULTIPLE = 16;

    private int length;

    /**
     * Wraps the message at {@code off}: {@code avail} bytes captured, {@code length} bytes in the
     * UDP payload (captured or not).
     */
    public WireGuardMessage wrap(ByteBuffer buf, int off, int avail, int length) {
        set(buf, off, avail);
        this.length = Math.max(0, length);
        return this;
    }

    /** The message's length (the UDP payload's), captured or not. */
    public int length() { return length; }

    /** The message type (1..4 for the messages this class knows), or -1 when not captured. */
    public int type() { return available >= 1 ? u8(TYPE_OFFSET) : -1; }

    /** Whether the captured reserved bytes are zero, as every message has them. */
    public boolean reservedZero() {
        for (int i = RESERVED_OFFSET; i < RESERVED_OFFSET + RESERVED_LENGTH && i < available; i++) {
            if (u8(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The header length of a message type: the whole message for the three handshake messages,
     * {@value #DATA_HEADER_LENGTH} for transport data, -1 for an unknown type.
     */
    public static int headerLength(int type) {
        switch (type) {
            case HANDSHAKE_INITIATION: return INITIATION_LENGTH;
            case HANDSHAKE_RESPONSE: return RESPONSE_LENGTH;
            case COOKIE_REPLY: return COOKIE_REPLY_LENGTH;
            case TRANSPORT_DATA: return DATA_HEADER_LENGTH;
            default: return -1;
        }
    }

    /**
     * Whether a message of this type may be {@code length} bytes long: the fixed lengths of the
     * handshake messages; for transport data a header, a tag and a padded packet (a multiple of
     * 16, at least 32 bytes: 32 is a keepalive).
     */
    public static boolean lengthFits(int type, int length) {
        if (type == TRANSPORT_DATA) {
            return length >= DATA_HEADER_LENGTH + TAG_LENGTH && length % PADDING_MULTIPLE == 0;
        }
        int fixed = headerLength(type);
        return fixed > 0 && length == fixed;
    }

    /**
     * Whether the captured bytes and the length are a WireGuard message: type 1..4, reserved bytes
     * zero, the length its type allows. Bytes the snaplen cut are not held against it.
     */
    public boolean isConsistent() {
        int type = type();
        if (type < 0) {
            return length >= DATA_HEADER_LENGTH + TAG_LENGTH;
        }
        return headerLength(type) > 0 && reservedZero() && lengthFits(type, length);
    }

    public boolean isHeaderComplete() {
        int header = headerLength(type());
        return header > 0 && available >= header;
    }

    /** The sender index of an initiation or response, or -1. */
    public long senderIndex() {
        int type = type();
        return (type == HANDSHAKE_INITIATION || type == HANDSHAKE_RESPONSE) && available >= SENDER_OFFSET + 4
            ? u32le(SENDER_OFFSET) : -1;
    }

    /** The receiver index of a response, cookie reply or transport data message, or -1. */
    public long receiverIndex() {
        int type = type();
        int at = type == HANDSHAKE_RESPONSE ? RESPONSE_RECEIVER_OFFSET
            : type == COOKIE_REPLY || type == TRANSPORT_DATA ? RECEIVER_OFFSET : -1;
        return at >= 0 && available >= at + 4 ? u32le(at) : -1;
    }

    /** The counter of a transport data message (unsigned 64 bits, as a long), or -1 when absent. */
    public long counter() {
        return type() == TRANSPORT_DATA && available >= COUNTER_OFFSET + 8
            ? Long.reverseBytes(buffer.getLong(offset + COUNTER_OFFSET)) : -1;
    }

    /** The encrypted packet with its tag (transport data: the message after its header), or -1. */
    public int encryptedLength() {
        return type() == TRANSPORT_DATA && length >= DATA_HEADER_LENGTH ? length - DATA_HEADER_LENGTH : -1;
    }

    /**
     * The plaintext's length: the inner packet with its zero padding ({@link #encryptedLength()}
     * less the tag), 0 for a keepalive, -1 for other messages. The inner packet is at most this
     * long and at most 15 bytes shorter.
     */
    public int paddedInnerLength() {
        int encrypted = encryptedLength();
        return encrypted >= TAG_LENGTH ? encrypted - TAG_LENGTH : -1;
    }

    /** The message type's name: {@code handshake initiation}, {@code transport data}, ... */
    public static String typeName(int type) {
        switch (type) {
            case HANDSHAKE_INITIATION: return "handshake initiation";
            case HANDSHAKE_RESPONSE: return "handshake response";
            case COOKIE_REPLY: return "cookie reply";
            case TRANSPORT_DATA: return "transport data";
            default: return "type " + type;
        }
    }

    private long u32le(int at) {
        return Integer.reverseBytes(buffer.getInt(offset + at)) & 0xffffffffL;
    }
}
