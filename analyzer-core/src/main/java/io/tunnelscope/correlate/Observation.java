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
    /**
     * The identity of the packet's headers ({@link PacketIdentity#of}): sightings of one packet
     * share it; whether their payloads agree is {@link #samePayload}'s to say.
     */
    long identity;
    /** The digest of the IP fields alone: how a sighting whose transport fields were cut off is found. */
    long ipIdentity;
    /** The capture cut the transport fields of the identity off: {@code identity} is {@code ipIdentity}. */
    boolean partial;
    /**
     * The first {@value PacketIdentity#PAYLOAD_BYTES} bytes of the transport payload (fewer when
     * the capture cut the packet, or the payload is shorter), big-endian in eight words.
     */
    long payload0;
    long payload1;
    long payload2;
    long payload3;
    long payload4;
    long payload5;
    long payload6;
    long payload7;
    /** How many payload bytes the words hold (0 to {@value PacketIdentity#PAYLOAD_BYTES}). */
    int payloadLength;
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
    /** The innermost IP header's identification (IPv4; the fragment header's for IPv6), or -1. */
    long ipId = -1;
    /** Whether the innermost IP packet is a fragment (more fragments follow, or an offset). */
    boolean fragment;
    /** A tunnel packet whose inner IP header the capture cut off: only its outer header is known. */
    boolean outerOnly;
    /** Some checksum of the packet is wrong (damage, or an offload still to complete it). */
    boolean badChecksum;
    /**
     * An ICMP error ("fragmentation needed", "packet too big", ...) about another packet: the
     * identification and protocol of the packet it quotes, and the MTU it reports; else -1.
     */
    long quotedIpId = -1;

    /**
     * What stands for the IP identification of a packet that has none (IPv6 without a fragment
     * header) when an ICMPv6 Packet Too Big quotes it: its length and TCP sequence (-1 for other
     * protocols), marked so it never equals a 32-bit identification.
     */
    static long sizeKey(int ipLength, long tcpSequence) {
        return 1L << 48 | (long) (ipLength & 0xFFFF) << 32 ^ (tcpSequence & 0xFFFF_FFFFL) ^ (tcpSequence < 0 ? 1L << 47 : 0);
    }

    /** The key a Packet Too Big about this packet is matched by: its identification, else {@link #sizeKey}. */
    long tooBigKey() {
        return ipId >= 0 ? ipId : sizeKey(ipLength, tcpSequence);
    }
    int quotedProtocol = -1;
    int reportedMtu = -1;
    /** TCP only: sequence and acknowledgment numbers, flags, and payload bytes the headers announce; else -1. */
    long tcpSequence = -1;
    long tcpAcknowledgment = -1;
    int tcpFlags = -1;
    int tcpPayload = -1;

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
    /**
     * A tunnel packet whose inner packet cannot be read ({@code ProtocolDescriptor#isOpaqueTunnel}):
     * the bytes of inner packet it carries (outer length less the tunnel's overhead, padding
     * included; 0 for a message that carries none but is not all header); -1 otherwise, and for
     * messages that are all header (a WireGuard handshake).
     */
    int opaqueCarried = -1;
    /** Source MAC of the frame inside a VXLAN/Geneve tunnel (the sending VTEP's MAC), or -1. */
    long innerSourceMac = -1;

    /** Linux cooked captures: the packet type (0 host ... 4 outgoing), else -1. */
    int packetType = -1;
    /** The link-layer source address (Ethernet, or the cooked header's address), else -1. */
    long linkSource = -1;
    /** The device this sighting is of (an index of the correlation's devices), -1 until placed. */
    int device = -1;

    boolean encapsulated() {
        return encapsulation >= 0;
    }

    /**
     * Whether this sighting and {@code o} carry the same transport payload as far as both were
     * captured: a sighting cut short by a small snaplen matches the full one it is a prefix of.
     */
    boolean samePayload(Observation o) {
        int n = Math.min(payloadLength, o.payloadLength);
        return n == 0 || prefixEquals(payload0, o.payload0, n, 0) && prefixEquals(payload1, o.payload1, n, 8)
                && prefixEquals(payload2, o.payload2, n, 16) && prefixEquals(payload3, o.payload3, n, 24)
                && prefixEquals(payload4, o.payload4, n, 32) && prefixEquals(payload5, o.payload5, n, 40)
                && prefixEquals(payload6, o.payload6, n, 48) && prefixEquals(payload7, o.payload7, n, 56);
    }

    /** Whether words {@code a} and {@code b}, holding bytes {@code at..at+8}, agree on the first {@code n} bytes. */
    private static boolean prefixEquals(long a, long b, int n, int at) {
        int bytes = n - at;
        if (bytes <= 0) {
            return true;
        }
        if (bytes >= 8) {
            return a == b;
        }
        long mask = -1L << (8 * (8 - bytes));
        return (a & mask) == (b & mask);
    }

    /** Sets payload word {@code i} (0 to 7). */
    void payloadWord(int i, long word) {
        switch (i) {
            case 0: payload0 = word; break;
            case 1: payload1 = word; break;
            case 2: payload2 = word; break;
            case 3: payload3 = word; break;
            case 4: payload4 = word; break;
            case 5: payload5 = word; break;
            case 6: payload6 = word; break;
            default: payload7 = word; break;
        }
    }

    /** Copies the payload words and length of {@code o}. */
    void copyPayload(Observation o) {
        payload0 = o.payload0;
        payload1 = o.payload1;
        payload2 = o.payload2;
        payload3 = o.payload3;
        payload4 = o.payload4;
        payload5 = o.payload5;
        payload6 = o.payload6;
        payload7 = o.payload7;
        payloadLength = o.payloadLength;
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
