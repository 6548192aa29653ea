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
     * The protocol id of the layer this header follows (the one whose table sent the packet here:
     * GRE for ERSPAN, UDP for GTP-U), or 0 at the start of the packet. Its header may be read with
     * that protocol's flyweight at {@link #previousOffset()} (e.g. GRE's flags).
     */
    int previousType();

    /** Absolute index of the previous layer's header, or -1 at the start of the packet. */
    int previousOffset();

    /** Captured bytes of the previous layer's header ({@code previousType()}'s flyweight may read that many). */
    int previousHeaderLength();

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
     * Pushes the protocol's layer, {@code headerLength} bytes or those there are, as MALFORMED
     * with a note naming the offending field's offset; the dissector then returns
     * {@link Dissector#STOP}. For a header whose own fields contradict it (a version, a length,
     * a reserved value), never to be read as anything else.
     */
    void malformed(int protocolId, int headerLength, int fieldOffset);

    /**
     * The protocol the decoder's EtherType table names for {@code etherType} (an 802.3 length, below
     * 0x0600, names none), or, when it names none, the payload's id with a note on the last layer.
     */
    int byEtherType(int etherType);

    /**
     * Notes on the last layer that its next-protocol field names {@code value}, which is not
     * decoded, and returns the payload's protocol id for the dissector to return.
     */
    int notDecoded(long value);

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
