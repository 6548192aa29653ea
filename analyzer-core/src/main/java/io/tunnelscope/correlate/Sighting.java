package io.tunnelscope.correlate;

/**
 * How correlation knows the packet a per-packet listener is shown: its identity, the same at
 * every capture that saw it (through tunnels and NAT), so an analysis that sees a packet several
 * times (once per capture point) can count it once. Valid only during the listener call.
 */
public interface Sighting {
    /**
     * The packet's identity ({@link PacketIdentity}, with the first bytes of its payload when the
     * capture kept them); 0 when correlation does not follow the packet (not routable IP).
     */
    long identity();
}
