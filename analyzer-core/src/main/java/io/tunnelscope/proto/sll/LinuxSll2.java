package io.tunnelscope.proto.sll;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;

/** Linux cooked capture v2 (link type 276), with the interface index of {@code -i any}. */
public final class LinuxSll2 {
    public static final int ID = 4;
    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "sll2", "SLL2", Kind.LINK)
        .linkTypes(276).kaitaiSpec("linux_sll2").build();

    private LinuxSll2() {
    }
}
