package io.tunnelscope.proto;

import java.nio.ByteBuffer;

/**
 * How a protocol without a built-in line in the one-line formatter shows its layer there, in
 * tcpdump's words where tcpdump has them ({@code MPLS (label 21, tc 0, [S], ttl 63)}). Registered
 * by its {@link ProtocolDescriptor} beside its flyweight, which is what reads the fields; the
 * formatter calls it for every layer of that protocol, so it has no switch on protocols.
 * Implementations keep no state (one instance serves every thread) and append only.
 */
@FunctionalInterface
public interface LineSummary {
    /**
     * Appends the layer's summary.
     *
     * @param buffer       the packet's buffer (absolute indexes)
     * @param offset       absolute index of the layer's header
     * @param headerLength the header bytes the decoder pushed (fewer than the header's length
     *                     when the capture or the packet cut it)
     */
    void append(ByteBuffer buffer, int offset, int headerLength, StringBuilder out);

    /**
     * Appends the layer's summary knowing the layer's whole length (header and what it carries,
     * captured or not), for protocols that show it (WireGuard's encrypted length); the default
     * ignores it.
     */
    default void append(ByteBuffer buffer, int offset, int headerLength, int layerLength, StringBuilder out) {
        append(buffer, offset, headerLength, out);
    }
}
