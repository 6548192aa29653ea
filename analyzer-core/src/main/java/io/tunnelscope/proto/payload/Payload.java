package io.tunnelscope.proto.payload;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.ProtocolDescriptor.Kind;

/** The decoder's own layer kinds: bytes no dissector claimed, and the piece of a payload a non-first IP fragment carries. */
public final class Payload {
    public static final int ID = 21;
    public static final int FRAGMENT_DATA_ID = 22;
    public static final ProtocolDescriptor DESCRIPTOR = ProtocolDescriptor.builder(ID, "data", "Payload", Kind.OTHER).build();
    public static final ProtocolDescriptor FRAGMENT_DATA = ProtocolDescriptor.builder(FRAGMENT_DATA_ID, "fragment-data", "Fragment data", Kind.OTHER).build();

    private Payload() {
    }
}
