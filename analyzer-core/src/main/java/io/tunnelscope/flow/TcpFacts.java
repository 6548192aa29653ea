package io.tunnelscope.flow;

/**
 * What {@link TcpAnalysis} found about one TCP segment: the analysis flags (Wireshark's
 * {@code tcp.analysis.*}), the round-trip time of the segment this one acknowledges, the
 * duplicate-ACK count, the stream number and the sequence numbers relative to the stream's start.
 * A reusable holder, refilled for every packet; {@link #isTcp()} is false for packets without a
 * TCP segment that was analysed.
 */
public final class TcpFacts {
    private int flags;
    private int stream = -1;
    private long ackRttNanos = -1;
    private long ackedFrame = -1;
    private int duplicateAckNumber;
    private long duplicateAckFrame = -1;
    private long relativeSequence = -1;
    private long relativeAcknowledgment = -1;
    private long windowSize = -1;
    private int segmentLength = -1;
    private int quotedStream = -1;

    /** Forgets the previous packet. */
    public void clear() {
        flags = 0;
        stream = -1;
        ackRttNanos = -1;
        ackedFrame = -1;
        duplicateAckNumber = 0;
        duplicateAckFrame = -1;
        relativeSequence = -1;
        relativeAcknowledgment = -1;
        windowSize = -1;
        segmentLength = -1;
        quotedStream = -1;
    }

    /** True when the packet's TCP segment was analysed. */
    public boolean isTcp() {
        return stream >= 0;
    }

    /** The {@link TcpAnalysis} flag bits ({@link TcpAnalysis#RETRANSMISSION} ...), 0 when none. */
    public int flags() {
        return flags;
    }

    /** True when any of {@code bits} is set. */
    public boolean has(int bits) {
        return (flags & bits) != 0;
    }

    /** The stream number (Wireshark's {@code tcp.stream}: 0, 1, ... in order of first packet), or -1. */
    public int stream() {
        return stream;
    }

    /** Time since the segment this packet acknowledges exactly ({@code tcp.analysis.ack_rtt}), or -1. */
    public long ackRttNanos() {
        return ackRttNanos;
    }

    /** Frame number of the segment this packet acknowledges ({@code tcp.analysis.acks_frame}), or -1. */
    public long ackedFrame() {
        return ackedFrame;
    }

    /** Which duplicate ACK this is (1, 2, ...), 0 when it is none. */
    public int duplicateAckNumber() {
        return duplicateAckNumber;
    }

    /** The frame of the original ACK a duplicate repeats, or -1. */
    public long duplicateAckFrame() {
        return duplicateAckFrame;
    }

    /** Sequence number relative to the stream's first (as Wireshark shows {@code tcp.seq}), or -1. */
    public long relativeSequence() {
        return relativeSequence;
    }

    /** Acknowledgment number relative to the peer's first sequence number, or -1 without ACK. */
    public long relativeAcknowledgment() {
        return relativeAcknowledgment;
    }

    /** The advertised window scaled by the handshake's window scale when it was seen, or -1. */
    public long windowSize() {
        return windowSize;
    }

    /** TCP payload bytes of the segment, or -1. */
    public int segmentLength() {
        return segmentLength;
    }

    /**
     * The stream of the TCP segment an ICMP error in this packet quotes (Wireshark gives a quoted
     * header the {@code tcp.stream} of its connection), or -1.
     */
    public int quotedStream() {
        return quotedStream;
    }

    void quoted(int stream) {
        this.quotedStream = stream;
    }

    void set(int analysisFlags, int streamNumber, int length, long sequence, long acknowledgment, long window) {
        this.flags = analysisFlags;
        this.stream = streamNumber;
        this.segmentLength = length;
        this.relativeSequence = sequence;
        this.relativeAcknowledgment = acknowledgment;
        this.windowSize = window;
    }

    void addFlags(int bits) {
        this.flags |= bits;
    }

    void acked(long frame, long rttNanos) {
        this.ackedFrame = frame;
        this.ackRttNanos = rttNanos;
    }

    void duplicate(int number, long originalFrame) {
        this.duplicateAckNumber = number;
        this.duplicateAckFrame = originalFrame;
    }

    /** Copies another holder's facts. */
    public void copyFrom(TcpFacts other) {
        flags = other.flags;
        stream = other.stream;
        ackRttNanos = other.ackRttNanos;
        ackedFrame = other.ackedFrame;
        duplicateAckNumber = other.duplicateAckNumber;
        duplicateAckFrame = other.duplicateAckFrame;
        relativeSequence = other.relativeSequence;
        relativeAcknowledgment = other.relativeAcknowledgment;
        windowSize = other.windowSize;
        segmentLength = other.segmentLength;
        quotedStream = other.quotedStream;
    }
}
