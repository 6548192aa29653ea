package io.tunnelscope.filter;

import io.tunnelscope.flow.TcpFacts;

/**
 * What a filter may ask about a packet besides its decoded layers: the frame (number, capture
 * time, lengths on the wire and captured), its capture point, its TCP analysis, and, when the view
 * is an IP datagram reassembled from fragments, this frame's own fragment header (Wireshark's
 * {@code ip.len}, {@code ip.frag_offset} and {@code ip.flags.mf} are the frame's, while the layers
 * inside come from the whole datagram). A reusable holder, refilled per packet.
 */
public final class FilterInput {
    long frameNumber = -1;
    long timeNanos = Long.MIN_VALUE;
    long wireLength = -1;
    int capturedLength = -1;
    String point;
    TcpFacts tcp;
    int reassembledIp = -1;
    int ownIpLength;
    int ownFragmentOffset;
    boolean ownMoreFragments;
    int[] ownIpLengths;

    /** The frame: number in its file, capture time (epoch nanoseconds), bytes on the wire and captured. */
    public FilterInput frame(long number, long captureNanos, long onWire, int captured) {
        this.frameNumber = number;
        this.timeNanos = captureNanos;
        this.wireLength = onWire;
        this.capturedLength = captured;
        return this;
    }

    /** The capture point's name ({@link io.tunnelscope.decode.PointNames}), or null. */
    public FilterInput point(String name) {
        this.point = name;
        return this;
    }

    /** The packet's TCP analysis, or null when it was not analysed. */
    public FilterInput tcp(TcpFacts facts) {
        this.tcp = facts;
        return this;
    }

    /**
     * Says that IP layer {@code ipLayer} of the view is a datagram reassembled in this frame, whose
     * own fragment header had that length field, offset (bytes) and more-fragments flag; -1: the
     * view is the frame as captured.
     */
    public FilterInput reassembled(int ipLayer, int ipLength, int fragmentOffset, boolean moreFragments) {
        this.reassembledIp = ipLayer;
        this.ownIpLength = ipLength;
        this.ownFragmentOffset = fragmentOffset;
        this.ownMoreFragments = moreFragments;
        this.ownIpLengths = null;
        return this;
    }

    /**
     * As {@link #reassembled(int, int, int, boolean)} from what the reassembler reports about the
     * frame it was last offered (nothing when that frame completed no datagram), including the
     * frame's own length fields of the IP headers around an inner datagram.
     */
    public FilterInput reassembled(io.tunnelscope.decode.IpReassembler reassembler) {
        reassembled(reassembler.lastReassembledLayer(), reassembler.lastOwnIpLength(),
                reassembler.lastOwnFragmentOffset(), reassembler.lastOwnMoreFragments());
        this.ownIpLengths = reassembler.lastReassembledLayer() >= 0 ? reassembler.lastOwnIpLengths() : null;
        return this;
    }
}
