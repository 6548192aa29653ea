package io.tunnelscope.proto;

/**
 * The dissect step of a protocol that the decoder has no built-in step for: reads its header
 * through its flyweight at the cursor's position, pushes it, and says what follows. Registered by
 * its {@link ProtocolDescriptor}; the decoder calls it only for packets the tables send to that
 * protocol, so the built-in protocols' hot path never makes a call through this interface.
 * Implementations keep no per-packet state outside the cursor (one instance serves every thread).
 */
@FunctionalInterface
public interface Dissector {
    /** What follows when nothing does. */
    int STOP = 0;

    /**
     * What follows is an IP packet whose version nibble says IPv4 or IPv6 (MPLS below the bottom
     * label, a GTP-U T-PDU), as raw IP link types are read: any other version is payload, noted.
     */
    int IP_BY_VERSION = Protocols.MAX_ID + 1;

    /**
     * Dissects the header at {@link DissectCursor#position()}.
     *
     * @return the id of the protocol that follows ({@link Protocols} ids, e.g. the payload's),
     * {@link #IP_BY_VERSION}, or {@link #STOP}
     */
    int dissect(DissectCursor cursor);
}
