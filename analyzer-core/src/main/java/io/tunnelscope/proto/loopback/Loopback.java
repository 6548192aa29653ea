package io.tunnelscope.proto.loopback;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;

/** BSD loopback: LINKTYPE_NULL (0, family in host byte order) and LINKTYPE_LOOP (108, network order). */
public final class Loopback {
    public static final int ID = 5;
    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "loopback", "Loopback", Kind.LINK)
        .linkTypes(0, 108).build();

    private Loopback() {
    }
}
