package io.tunnelscope.proto.ethernet;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * The 4 bytes after a VLAN TPID (IEEE 802.1Q tag, also 802.1ad S-tag and the pre-standard 0x9100).
 * The TPID itself is the EtherType of the header before; this flyweight starts at the TCI.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | PCP |D|         VLAN ID       |     Inner EtherType           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class VlanTag extends Flyweight {
    public static final int TCI_OFFSET = 0;
    public static final int TYPE_OFFSET = 2;
    public static final int LENGTH = 4;

    public static final int TPID_8021Q = 0x8100;
    public static final int TPID_8021AD = 0x88a8;
    public static final int TPID_QINQ_LEGACY = 0x9100;

    public VlanTag wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    public boolean isComplete() { return available >= LENGTH; }

    /** True for the TPIDs that announce a tag. */
    public static boolean isTpid(int etherType) {
        return etherType == TPID_8021Q || etherType == TPID_8021AD || etherType == TPID_QINQ_LEGACY;
    }

    public int priority() { return u8(TCI_OFFSET) >>> 5; }

    public boolean dropEligible() { return (u8(TCI_OFFSET) & 0x10) != 0; }

    public int vlanId() { return u16(TCI_OFFSET) & 0x0fff; }

    public int etherType() { return u16(TYPE_OFFSET); }
}
