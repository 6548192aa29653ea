package io.tunnelscope.proto.icmp;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * ICMP header (RFC 792; next-hop MTU of "fragmentation needed" from RFC 1191 section 4).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | echo: Identifier              | Sequence Number               |
 * | unreachable: unused           | Next-Hop MTU (code 4)         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | errors: Internet Header + first 64 bits of the original datagram
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class IcmpHeader extends Flyweight {
    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    public static final int IDENTIFIER_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 6;
    public static final int MTU_OFFSET = 6;
    public static final int LENGTH = 8;

    public static final int ECHO_REPLY = 0;
    public static final int DESTINATION_UNREACHABLE = 3;
    public static final int SOURCE_QUENCH = 4;
    public static final int REDIRECT = 5;
    public static final int ECHO_REQUEST = 8;
    public static final int TIME_EXCEEDED = 11;
    public static final int PARAMETER_PROBLEM = 12;
    /** Code of "fragmentation needed and DF set" under destination unreachable. */
    public static final int CODE_FRAGMENTATION_NEEDED = 4;

    public IcmpHeader wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    public boolean isComplete() { return available >= LENGTH; }

    public int type() { return u8(TYPE_OFFSET); }

    public int code() { return u8(CODE_OFFSET); }

    public int checksum() { return u16(CHECKSUM_OFFSET); }

    public int identifier() { return u16(IDENTIFIER_OFFSET); }

    public int sequence() { return u16(SEQUENCE_OFFSET); }

    /** Next-hop MTU of a fragmentation-needed message (0 from pre-RFC 1191 routers). */
    public int nextHopMtu() { return u16(MTU_OFFSET); }

    /** True for the error types that quote the original datagram. */
    public static boolean isError(int type) {
        return type == DESTINATION_UNREACHABLE || type == SOURCE_QUENCH || type == REDIRECT
            || type == TIME_EXCEEDED || type == PARAMETER_PROBLEM;
    }

    /** True for echo request/reply (and the other id/seq types: timestamp, info, mask). */
    public static boolean hasIdentifier(int type) {
        return type == ECHO_REPLY || type == ECHO_REQUEST || (type >= 13 && type <= 18);
    }
}
