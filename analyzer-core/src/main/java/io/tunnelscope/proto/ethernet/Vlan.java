package io.tunnelscope.proto.ethernet;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;

/**
 * VLAN tags, a layer per tag: IEEE 802.1Q (0x8100, and the old QinQ 0x9100, as Wireshark's
 * {@code vlan}) and the 802.1ad service tag (0x88a8, Wireshark's {@code ieee8021ad}), which has the
 * same four bytes (TCI, EtherType).
 */
public final class Vlan {
    public static final int ID = 2;
    public static final int IEEE_8021AD_ID = 28;
    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "vlan", "VLAN", Kind.SHIM)
        .etherTypes(0x8100, 0x9100).build();
    public static final ProtocolDescriptor IEEE_8021AD = ProtocolDescriptor.builder(IEEE_8021AD_ID, "ieee8021ad", "802.1ad", Kind.SHIM)
        .etherTypes(0x88a8).build();

    /** True for both tags' ids. */
    public static boolean isTag(int id) {
        return id == ID || id == IEEE_8021AD_ID;
    }

    private Vlan() {
    }
}
