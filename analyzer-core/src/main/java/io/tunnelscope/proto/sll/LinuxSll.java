package io.tunnelscope.proto.sll;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;

/** Linux cooked capture v1 (link type 113): what {@code tcpdump -i any} wrote before libpcap 1.10. */
public final class LinuxSll {
    public static final int ID = 3;
    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "sll", "SLL", Kind.LINK)
        .linkTypes(113).kaitaiSpec("linux_sll").build();

    private LinuxSll() {
    }
}
