package io.tunnelscope.proto.erspan;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * The ERSPAN header after GRE (draft-foschiano-erspan-03): none for type I (GRE without a sequence
 * number, protocol 0x88be), 8 bytes for type II (version 1, 0x88be), 12 bytes for type III
 * (version 2, 0x22eb) plus an 8-byte platform-specific subheader when the O bit is set.
 *
 * <pre>
 * Type II:
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Ver  |          VLAN         | COS | En|T|    Session ID     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Reserved         |                  Index                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Type III:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Ver  |          VLAN         | COS |BSO|T|     Session ID    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Timestamp                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             SGT               |P|    FT   |   Hw ID   |D|Gra|O|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Platform specific subheader (8 bytes, when O)          |
 * </pre>
 */
public final class ErspanHeader extends Flyweight {
    public static final int TYPE_II_LENGTH = 8;
    public static final int TYPE_III_LENGTH = 12;
    public static final int PLATFORM_LENGTH = 8;
    /** The version field of type II. */
    public static final int VERSION_TYPE_II = 1;
    /** The version field of type III. */
    public static final int VERSION_TYPE_III = 2;
    public static final int VERSION_OFFSET = 0;
    public static final int SESSION_OFFSET = 2;
    public static final int FRAME_TYPE_OFFSET = 10;
    /** Type III frame type of an Ethernet frame (the others are not decoded). */
    public static final int FRAME_TYPE_ETHERNET = 0;

    public ErspanHeader wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    public int version() { return u8(VERSION_OFFSET) >>> 4; }

    public int vlan() { return u16(VERSION_OFFSET) & 0x0fff; }

    public int sessionId() { return u16(SESSION_OFFSET) & 0x03ff; }

    /** Type II's port index. */
    public int index() { return (int) (u32(4) & 0xfffff); }

    /** Type III's frame type (0 Ethernet, 2 IP). */
    public int frameType() { return (u16(FRAME_TYPE_OFFSET) >>> 10) & 0x1f; }

    /** Type III's O bit: a platform-specific subheader follows. */
    public boolean hasPlatformSubheader() { return (u8(FRAME_TYPE_OFFSET + 1) & 1) != 0; }

    /** Length of a type III header with its subheader (the first 12 bytes must be there). */
    public int typeIiiLength() {
        return TYPE_III_LENGTH + (hasPlatformSubheader() ? PLATFORM_LENGTH : 0);
    }
}
