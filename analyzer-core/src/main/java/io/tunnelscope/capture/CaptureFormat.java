package io.tunnelscope.capture;

/** Container formats a {@link CaptureReader} understands. */
public enum CaptureFormat {
    /** libpcap's classic format, microsecond or nanosecond, either byte order. */
    PCAP,
    /** pcapng, the block-based next-generation format. */
    PCAPNG,
    /** A live capture from a network interface. */
    LIVE
}
