package io.tunnelscope.proto.cmd;

import io.tunnelscope.proto.Flyweight;
import java.nio.ByteBuffer;

/**
 * Cisco MetaData (CMD), which carries a TrustSec security group tag: 8 bytes. After an Ethernet
 * header (EtherType 0x8909) the EtherType of what follows comes last; inside GRE (protocol
 * 0x8909) it comes first, as Wireshark reads both.
 *
 * <pre>
 * After Ethernet:
 * +---------+--------+-------------------+-------------------+-------------------+
 * | Version | Length |  Option (type)    |  SGT              |  EtherType        |
 * +---------+--------+-------------------+-------------------+-------------------+
 * Inside GRE:
 * +-------------------+---------+--------+-------------------+-------------------+
 * |  EtherType        | Version | Length |  Option (type)    |  SGT              |
 * +-------------------+---------+--------+-------------------+-------------------+
 * </pre>
 */
public final class CiscoMetadataHeader extends Flyweight {
    public static final int LENGTH = 8;
    public static final int ETHERNET_TYPE_OFFSET = 6;
    public static final int ETHERNET_SGT_OFFSET = 4;
    public static final int GRE_TYPE_OFFSET = 0;
    public static final int GRE_SGT_OFFSET = 6;

    public CiscoMetadataHeader wrap(ByteBuffer buf, int off, int avail) {
        set(buf, off, avail);
        return this;
    }

    /** The EtherType of what follows, in the layout after GRE or after Ethernet. */
    public int etherType(boolean inGre) { return u16(inGre ? GRE_TYPE_OFFSET : ETHERNET_TYPE_OFFSET); }

    /** The security group tag. */
    public int sgt(boolean inGre) { return u16(inGre ? GRE_SGT_OFFSET : ETHERNET_SGT_OFFSET); }
}
