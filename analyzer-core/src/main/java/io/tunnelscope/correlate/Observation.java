package io.tunnelscope.correlate;

/**
 * What correlation keeps of one packet seen at one capture point: where and when, its identity,
 * and how it looked there (innermost IP addresses and ports, TTL, and the outermost tunnel if the
 * packet was encapsulated at this point). Made once per IP packet read; plain fields.
 */
final class Observation {
    int point;
    long frame;
    long timestampNanos;
    /** Timestamp on the reference clock (clock offset of the point removed). */
    long adjustedNanos;
    long identity;
    /** Resolution of this capture's timestamps (1000 for microsecond pcap). */
    int resolutionNanos = 1;

    long srcHigh;
    long srcLow;
    long dstHigh;
    long dstLow;
    int sourcePort = -1;
    int destinationPort = -1;
    int protocol;
    int ttl;
    int ipLength;

    /** {@code Encapsulation} constant of the outermost tunnel, or -1. */
    int encapsulation = -1;
    long vni = -1;
    long outerSrcHigh;
    long outerSrcLow;
    long outerDstHigh;
    long outerDstLow;
    int outerSourcePort = -1;
    long outerIpId = -1;
    int outerDestinationPort = -1;
    /** Source MAC of the frame inside a VXLAN/Geneve tunnel (the sending VTEP's MAC), or -1. */
    long innerSourceMac = -1;

    boolean encapsulated() {
        return encapsulation >= 0;
    }

    boolean sameSource(Observation o) {
        return srcHigh == o.srcHigh && srcLow == o.srcLow && sourcePort == o.sourcePort;
    }

    boolean sameDestination(Observation o) {
        return dstHigh == o.dstHigh && dstLow == o.dstLow && destinationPort == o.destinationPort;
    }

    String source(boolean withPort) {
        return IpAddresses.format(srcHigh, srcLow, withPort ? sourcePort : -1);
    }

    String destination(boolean withPort) {
        return IpAddresses.format(dstHigh, dstLow, withPort ? destinationPort : -1);
    }
}
