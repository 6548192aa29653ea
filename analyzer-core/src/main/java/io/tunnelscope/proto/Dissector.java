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
     * Dissects the header at {@link DissectCursor#position()}.
     *
     * @return the id of the protocol that follows ({@link Protocols} ids, e.g. the payload's), or
     * {@link #STOP}
     */
    int dissect(DissectCursor cursor);

    /**
     * Appends what a one-line summary shows of a layer this dissector pushed (the line formatter's
     * fragment after the UDP endpoints, e.g. {@code WireGuard transport data, receiver 0x…}); the
     * default appends nothing and the formatter shows the protocol's title.
     *
     * @param offset   absolute index of the layer's header
     * @param captured bytes captured from {@code offset} within the layer
     * @param length   the layer's length (header and what it carries), captured or not
     */
    default void appendSummary(java.nio.ByteBuffer buffer, int offset, int captured, int length, StringBuilder out) {
    }
}
