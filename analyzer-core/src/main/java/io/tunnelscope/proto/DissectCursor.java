package io.tunnelscope.proto;

import java.nio.ByteBuffer;

/**
 * What a {@link Dissector} sees of the decoder: the packet's buffer, the position of its header,
 * the bytes there are, and the calls that push its layer and move on. The decoder's own status
 * rules apply (a header cut by the snaplen is TRUNCATED, one past its packet MALFORMED).
 */
public interface DissectCursor {
    /** The packet's buffer (absolute indexes). */
    ByteBuffer buffer();

    /** Absolute index of the header to dissect. */
    int position();

    /** Bytes captured from {@link #position()} up to the end of the enclosing layer. */
    int available();

    /** Bytes from {@link #position()} to the end of the enclosing layer, captured or not. */
    int room();

    /**
     * Pushes the protocol's layer with a header of {@code headerLength} bytes and moves past it.
     *
     * @return false when the header does not fit: the layer was pushed with the bytes there are,
     * its status and a note, and the dissector must return {@link Dissector#STOP}
     */
    boolean header(int protocolId, int headerLength);

    /**
     * Pushes the protocol's layer with a header of {@code headerLength} bytes whose content (the
     * rest of the enclosing layer) cannot be read (encrypted), and ends the packet there.
     */
    void opaque(int protocolId, int headerLength);

    /**
     * Says that the bytes at {@link #position()} contradict the protocol the tables sent them to
     * (a port registered for it carries something else): the decoder notes it on the enclosing
     * UDP layer, and the dissector then returns the payload's id so they stay payload.
     */
    void contradicts();

    /**
     * Called by a tunnel before it returns its inner protocol: the layers after it are one
     * encapsulation deeper. False when the nesting bound is reached (a note says so); then the
     * dissector returns {@link Dissector#STOP}.
     */
    boolean enterTunnel();
}
