package io.tunnelscope.proto.icmpv6;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * ICMPv6 header (RFC 4443 section 2.1; errors section 3, echo section 4).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | echo: Identifier              | Sequence Number               |
 * | packet too big: MTU (32 bits)                                 |
 * | parameter problem: Pointer (32 bits); others: unused          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | errors: as much of the invoking packet as fits the minimum MTU
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class Icmpv6Header extends Flyweight {
    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    public static final int IDENTIFIER_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 6;
    public static final int MTU_OFFSET = 4;
    public static final int LENGTH = 8;

    public static final int DESTINATION_UNREACHABLE = 1;
    public static final int PACKET_TOO_BIG = 2;
    public static final int TIME_EXCEEDED = 3;
    public static final int PARAMETER_PROBLEM = 4;
    public static final int ECHO_REQUEST = 128;
    public static final int ECHO_REPLY = 129;

    public Icmpv6Header wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    public boolean isComplete() { return available >= LENGTH; }

    public int type() { return u8(TYPE_OFFSET); }

    public int code() { return u8(CODE_OFFSET); }

    public int checksum() { return u16(CHECKSUM_OFFSET); }

    public int identifier() { return u16(IDENTIFIER_OFFSET); }

    public int sequence() { return u16(SEQUENCE_OFFSET); }

    /** MTU of a Packet Too Big message. */
    public long mtu() { return u32(MTU_OFFSET); }

    /** True for the error types 1-4 (they quote the invoking packet). */
    public static boolean isError(int type) {
        return type >= DESTINATION_UNREACHABLE && type <= PARAMETER_PROBLEM;
    }
}
