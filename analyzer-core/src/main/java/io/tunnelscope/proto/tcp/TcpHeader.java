package io.tunnelscope.proto.tcp;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * TCP header (RFC 9293 section 3.1) with its options: MSS (kind 2, RFC 9293), window scale
 * (kind 3, RFC 7323), SACK-permitted (kind 4, RFC 2018), timestamps (kind 8, RFC 7323).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class TcpHeader extends Flyweight {
    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int DESTINATION_PORT_OFFSET = 2;
    public static final int SEQUENCE_OFFSET = 4;
    public static final int ACKNOWLEDGMENT_OFFSET = 8;
    public static final int DATA_OFFSET_OFFSET = 12;
    public static final int FLAGS_OFFSET = 13;
    public static final int WINDOW_OFFSET = 14;
    public static final int CHECKSUM_OFFSET = 16;
    public static final int URGENT_OFFSET = 18;
    public static final int MIN_LENGTH = 20;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    public static final int OPTION_END = 0;
    public static final int OPTION_NOP = 1;
    public static final int OPTION_MSS = 2;
    public static final int OPTION_WINDOW_SCALE = 3;
    public static final int OPTION_SACK_PERMITTED = 4;
    public static final int OPTION_SACK = 5;
    public static final int OPTION_TIMESTAMPS = 8;

    public TcpHeader wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    public int sourcePort() { return u16(SOURCE_PORT_OFFSET); }

    public int destinationPort() { return u16(DESTINATION_PORT_OFFSET); }

    // Static readers of the fields every packet's flow key needs: no flyweight state to set, for
    // the hot accessors of PacketView (header at absolute index {@code at}; the caller checked the
    // header is there).

    public static int sourcePort(ByteBuffer b, int at) { return b.getShort(at + SOURCE_PORT_OFFSET) & 0xffff; }

    public static int destinationPort(ByteBuffer b, int at) { return b.getShort(at + DESTINATION_PORT_OFFSET) & 0xffff; }

    public long sequence() { return u32(SEQUENCE_OFFSET); }

    public long acknowledgment() { return u32(ACKNOWLEDGMENT_OFFSET); }

    /** Header length in bytes (data offset * 4). */
    public int headerLength() { return (u8(DATA_OFFSET_OFFSET) >>> 4) * 4; }

    /** The 8 flag bits CWR..FIN (the NS/AE bit is not included). */
    public int flags() { return u8(FLAGS_OFFSET); }

    public int window() { return u16(WINDOW_OFFSET); }

    public int checksum() { return u16(CHECKSUM_OFFSET); }

    public int urgentPointer() { return u16(URGENT_OFFSET); }

    /**
     * Walks the options.
     *
     * @return -1 when all options fit the header, else the offset of the first one that does not
     * (or has a length below 2)
     */
    public int malformedOptionOffset() {
        return findOption(-1);
    }

    /** MSS option value, or -1. */
    public int mss() {
        int at = findOption(OPTION_MSS);
        return at >= MIN_LENGTH && u8(at + 1) == 4 ? u16(at + 2) : -1;
    }

    /** Window scale shift count, or -1. */
    public int windowScale() {
        int at = findOption(OPTION_WINDOW_SCALE);
        return at >= MIN_LENGTH && u8(at + 1) == 3 ? u8(at + 2) : -1;
    }

    public boolean sackPermitted() {
        return findOption(OPTION_SACK_PERMITTED) >= MIN_LENGTH;
    }

    /** TSval, or -1 without a timestamps option. */
    public long timestampValue() {
        int at = findOption(OPTION_TIMESTAMPS);
        return at >= MIN_LENGTH && u8(at + 1) == 10 ? u32(at + 2) : -1;
    }

    /** TSecr, or -1 without a timestamps option. */
    public long timestampEcho() {
        int at = findOption(OPTION_TIMESTAMPS);
        return at >= MIN_LENGTH && u8(at + 1) == 10 ? u32(at + 6) : -1;
    }

    /** Number of SACK blocks (RFC 2018 section 3), 0 without a SACK option. */
    public int sackBlocks() {
        int at = findOption(OPTION_SACK);
        return at >= MIN_LENGTH ? (u8(at + 1) - 2) / 8 : 0;
    }

    /** Left edge of SACK block {@code n} (below {@link #sackBlocks()}). */
    public long sackLeft(int n) {
        return u32(findOption(OPTION_SACK) + 2 + 8 * n);
    }

    /** Right edge (exclusive) of SACK block {@code n} (below {@link #sackBlocks()}). */
    public long sackRight(int n) {
        return u32(findOption(OPTION_SACK) + 6 + 8 * n);
    }

    /**
     * With {@code kind >= 0}: offset of the first option of that kind, or -1.
     * With {@code kind == -1}: offset of the first malformed option, or -1.
     */
    private int findOption(int kind) {
        return walkOptions(MIN_LENGTH, Math.min(headerLength(), available), kind);
    }
}
