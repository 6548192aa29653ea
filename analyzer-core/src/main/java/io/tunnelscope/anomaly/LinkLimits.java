package io.tunnelscope.anomaly;

/**
 * What real links allow, to sanity-check values derived from packets before a finding turns them
 * into configuration: an MTU outside these limits says the traffic is crafted, forged or broken
 * (tiny fragments to slip past a filter, a forged fragmentation-needed message), not that a device
 * should be set to it.
 */
final class LinkLimits {
    /** The smallest MTU an IPv4 link may have (RFC 791: every module forwards 68 bytes unfragmented). */
    static final int IPV4_MINIMUM_MTU = 68;
    /**
     * The smallest IPv4 datagram every host must accept (RFC 791, RFC 1122 section 3.3.3); no link
     * a container network runs on is smaller, so fragments below it are not an MTU.
     */
    static final int IPV4_SMALLEST_REAL_MTU = 576;
    /** The smallest MTU an IPv6 link may have (RFC 8200 section 5). */
    static final int IPV6_MINIMUM_MTU = 1280;
    /** The largest IP packet without a jumbogram (16-bit length fields). */
    static final int MAXIMUM_MTU = 65535;

    private LinkLimits() {
    }

    /** True when a next-hop MTU (of a fragmentation-needed or Packet Too Big message) can be a link's. */
    static boolean plausibleNextHopMtu(long mtu, boolean ipv6) {
        return ipv6 ? mtu >= IPV6_MINIMUM_MTU : mtu >= IPV4_MINIMUM_MTU && mtu <= MAXIMUM_MTU;
    }

    /** True when the largest fragment of an IPv4 packet can have been cut to a real link's MTU. */
    static boolean plausibleFragment(int largestFragment) {
        return largestFragment >= IPV4_SMALLEST_REAL_MTU;
    }

    /** The limits, as a finding says what it checked. */
    static String describe(boolean ipv6) {
        return ipv6 ? "IPv6 links carry at least " + IPV6_MINIMUM_MTU + " bytes (RFC 8200)"
                : "IPv4 links carry at least " + IPV4_MINIMUM_MTU + " bytes (RFC 791), real ones at least "
                        + IPV4_SMALLEST_REAL_MTU + ", and at most " + MAXIMUM_MTU;
    }
}
