package io.tunnelscope.proto.ipv4;

import io.tunnelscope.proto.Flyweight;
import io.tunnelscope.proto.InternetChecksum;
import java.nio.ByteBuffer;

/**
 * IPv4 header (RFC 791 section 3.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |Type of Service|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Flags: bit 0 reserved, bit 1 DF, bit 2 MF. Fragment offset in 8-byte units.
 */
public final class Ipv4Header extends Flyweight {
    public static final int VERSION_IHL_OFFSET = 0;
    public static final int TOS_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SOURCE_OFFSET = 12;
    public static final int DESTINATION_OFFSET = 16;
    public static final int MIN_LENGTH = 20;
    public static final int MAX_LENGTH = 60;

    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;
    public static final int FRAGMENT_OFFSET_MASK = 0x1fff;

    public static final int OPTION_END = 0;
    public static final int OPTION_NOP = 1;

    public Ipv4Header wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    public int version() { return u8(VERSION_IHL_OFFSET) >>> 4; }

    /** Header length in bytes (IHL * 4). */
    public int headerLength() { return (u8(VERSION_IHL_OFFSET) & 0x0f) * 4; }

    public int tos() { return u8(TOS_OFFSET); }

    public int totalLength() { return u16(TOTAL_LENGTH_OFFSET); }

    public int identification() { return u16(IDENTIFICATION_OFFSET); }

    public boolean dontFragment() { return (u16(FLAGS_FRAGMENT_OFFSET) & FLAG_DF) != 0; }

    public boolean moreFragments() { return (u16(FLAGS_FRAGMENT_OFFSET) & FLAG_MF) != 0; }

    /** Fragment offset in bytes. */
    public int fragmentOffset() { return (u16(FLAGS_FRAGMENT_OFFSET) & FRAGMENT_OFFSET_MASK) * 8; }

    public int ttl() { return u8(TTL_OFFSET); }

    public int protocol() { return u8(PROTOCOL_OFFSET); }

    public int checksum() { return u16(CHECKSUM_OFFSET); }

    /** Source address as a big-endian int. */
    public int source() { return i32(SOURCE_OFFSET); }

    public int destination() { return i32(DESTINATION_OFFSET); }

    // Static readers of the fields every packet's flow key needs: no flyweight state to set, for
    // the hot accessors of PacketView (header at absolute index {@code at}; the caller checked the
    // header is there).

    public static int totalLength(ByteBuffer b, int at) { return b.getShort(at + TOTAL_LENGTH_OFFSET) & 0xffff; }

    public static int protocol(ByteBuffer b, int at) { return b.get(at + PROTOCOL_OFFSET) & 0xff; }

    public static int source(ByteBuffer b, int at) { return b.getInt(at + SOURCE_OFFSET); }

    public static int destination(ByteBuffer b, int at) { return b.getInt(at + DESTINATION_OFFSET); }

    /**
     * The checksum the header should carry: the complement of the sum of the header with the
     * checksum field taken as zero. Equal to {@link #checksum()} when the header is intact.
     * Requires the whole header ({@link #headerLength()} bytes) to be available.
     */
    public int computedChecksum() {
        if (headerLength() == MIN_LENGTH) {
            return computedChecksum(buffer.getLong(offset), buffer.getLong(offset + 8), buffer.getInt(offset + 16));
        }
        long sum = InternetChecksum.add(0, buffer, offset, offset + headerLength());
        sum -= checksum();
        return InternetChecksum.complement(sum);
    }

    /**
     * {@link #computedChecksum()} of an option-less header given as its three big-endian words:
     * bytes 0-7, 8-15 and 16-19 (summed without a loop; the checksum field is in {@code second}).
     */
    public static int computedChecksum(long first, long second, int last) {
        long sum = InternetChecksum.add(InternetChecksum.add(last & 0xFFFF_FFFFL, first), second);
        return InternetChecksum.complement(sum - ((second >>> 32) & 0xFFFF));
    }

    /**
     * Walks the options (RFC 791: End, No-Operation, and type-length-value options).
     *
     * @return -1 when every option fits inside the header, otherwise the offset (from the header
     * start) of the first option that overruns it or has a length below 2
     */
    public int malformedOptionOffset() {
        return walkOptions(MIN_LENGTH, headerLength(), -1);
    }
}
