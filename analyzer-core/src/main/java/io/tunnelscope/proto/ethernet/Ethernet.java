package io.tunnelscope.proto.ethernet;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;

/** Ethernet II frames: link type 1, and GRE's transparent Ethernet bridging (EtherType 0x6558). */
public final class Ethernet {
    public static final int ID = 1;
    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "eth", "Ethernet", Kind.LINK)
        .linkTypes(1).etherTypes(0x6558).kaitaiSpec("ethernet_frame").build();

    private Ethernet() {
    }
}
