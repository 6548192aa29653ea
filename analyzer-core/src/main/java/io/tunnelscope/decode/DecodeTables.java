package io.tunnelscope.decode;

import io.tunnelscope.capture.LinkType;

/**
 * The frozen dispatch tables of the decoder, in the manner of Wireshark's named tables and
 * gopacket's flat arrays: link type → link dissector, EtherType → (65536 entries), IP protocol →
 * (256 entries), UDP port → (65536 entries). Built once by {@link #defaults()} or a {@link Builder}
 * ("decode as" overrides are just other table entries) and never changed afterwards, so one
 * instance may be shared by the decoders of all threads.
 *
 * <p>UDP lookup: the destination port first, then the source port. Tunnel endpoints listen on the
 * well-known port and pick the source port as a flow hash (RFC 7348 section 5, RFC 8926 section
 * 3.3), so the destination is the reliable side; the source is consulted for protocols that use the
 * same port both ways (flannel's 8285). A port explicitly set to {@link UdpDissector#NONE} stops the
 * lookup and the VXLAN heuristic. When neither port has an entry, the VXLAN heuristic may claim the
 * payload (see {@link PacketDecoder}).
 */
public final class DecodeTables {
    // Next-dissector codes, package-private: the decoder's switch labels.
    static final int STOP = 0;
    static final int ETHERNET = 1;
    static final int VLAN = 2;
    static final int ARP = 3;
    static final int IPV4 = 4;
    static final int IPV6 = 5;
    static final int IP_BY_VERSION = 6;
    static final int UDP = 7;
    static final int TCP = 8;
    static final int ICMP = 9;
    static final int ICMPV6 = 10;
    static final int GRE = 11;
    static final int VXLAN = 12;
    static final int GENEVE = 13;
    static final int FLANNEL_UDP = 14;
    static final int PAYLOAD = 15;
    static final int LINUX_SLL = 16;
    static final int LINUX_SLL2 = 17;
    static final int NULL_LOOPBACK = 18;
    static final int LOOP = 19;
    static final int IPV6_EXTENSION = 20;

    /** UDP port table value for a port without entry. */
    static final int UDP_UNSET = 0;

    private static final int LINK_TABLE_SIZE = 512;
    /** Default bound on nested encapsulations. */
    public static final int DEFAULT_MAX_ENCAPSULATIONS = 8;

    private static final DecodeTables DEFAULTS = builder().build();

    private final byte[] link;
    private final byte[] etherType;
    private final byte[] ipProtocol;
    private final byte[] udpPort;
    private final boolean[] conventionalPort;
    private final boolean heuristicVxlan;
    private final boolean verifyChecksums;
    private final int maxEncapsulations;

    private DecodeTables(Builder b) {
        this.link = b.link.clone();
        this.etherType = b.etherType.clone();
        this.ipProtocol = b.ipProtocol.clone();
        this.udpPort = b.udpPort.clone();
        this.conventionalPort = b.conventionalPort.clone();
        this.heuristicVxlan = b.heuristicVxlan;
        this.verifyChecksums = b.verifyChecksums;
        this.maxEncapsulations = b.maxEncapsulations;
    }

    /** The standard tables: VXLAN on 4789 and 8472, flannel UDP on 8285, Geneve on 6081. */
    public static DecodeTables defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the standard tables. */
    public static Builder builder() {
        return new Builder();
    }

    int link(int linkType) {
        int t = LinkType.normalize(linkType);
        return t >= 0 && t < LINK_TABLE_SIZE ? link[t] : STOP;
    }

    int etherType(int type) {
        return etherType[type & 0xffff];
    }

    int ipProtocol(int protocol) {
        return ipProtocol[protocol & 0xff];
    }

    /** 0 when unset, else UdpDissector ordinal + 1. */
    int udpPortEntry(int port) {
        return udpPort[port & 0xffff];
    }

    /** The dissector registered for a UDP port, or null when the port has no entry. */
    public UdpDissector udpDissector(int port) {
        int e = udpPortEntry(port);
        return e == UDP_UNSET ? null : UdpDissector.values()[e - 1];
    }

    /**
     * True for a port whose entry is a convention rather than an assignment (VXLAN on Linux's
     * default 8472, where IANA registered another service): the payload is decoded as the entry
     * says only when it does not contradict that protocol. Entries set with {@code decodeAs} are
     * never conventional: the user said so.
     */
    public boolean conventionalPort(int port) {
        return conventionalPort[port & 0xffff];
    }

    /** Whether VXLAN is recognised by its header on ports without a table entry. */
    public boolean heuristicVxlan() { return heuristicVxlan; }

    /** Whether UDP/TCP/ICMP/ICMPv6 checksums are verified on fully captured packets. */
    public boolean verifyChecksums() { return verifyChecksums; }

    /** Most encapsulations decoded inside one another. */
    public int maxEncapsulations() { return maxEncapsulations; }

    /** Builds {@link DecodeTables}; starts from the standard entries. */
    public static final class Builder {
        private final byte[] link = new byte[LINK_TABLE_SIZE];
        private final byte[] etherType = new byte[65536];
        private final byte[] ipProtocol = new byte[256];
        private final byte[] udpPort = new byte[65536];
        private final boolean[] conventionalPort = new boolean[65536];
        private boolean heuristicVxlan = true;
        private boolean verifyChecksums = true;
        private int maxEncapsulations = DEFAULT_MAX_ENCAPSULATIONS;

        private Builder() {
            link[LinkType.NULL] = NULL_LOOPBACK;
            link[LinkType.ETHERNET] = ETHERNET;
            link[LinkType.RAW] = IP_BY_VERSION;
            link[LinkType.LOOP] = LOOP;
            link[LinkType.LINUX_SLL] = LINUX_SLL;
            link[LinkType.IPV4] = IPV4;
            link[LinkType.IPV6] = IPV6;
            link[LinkType.LINUX_SLL2] = LINUX_SLL2;

            etherType[0x0800] = IPV4;
            etherType[0x86dd] = IPV6;
            etherType[0x0806] = ARP;
            etherType[0x8100] = VLAN;
            etherType[0x88a8] = VLAN;
            etherType[0x9100] = VLAN;
            etherType[0x6558] = ETHERNET;

            ipProtocol[1] = ICMP;
            ipProtocol[4] = IPV4;
            ipProtocol[6] = TCP;
            ipProtocol[17] = UDP;
            ipProtocol[41] = IPV6;
            ipProtocol[47] = GRE;
            ipProtocol[58] = ICMPV6;
            ipProtocol[0] = IPV6_EXTENSION;
            ipProtocol[43] = IPV6_EXTENSION;
            ipProtocol[44] = IPV6_EXTENSION;
            ipProtocol[60] = IPV6_EXTENSION;

            decodeAs(4789, UdpDissector.VXLAN);
            decodeAs(8472, UdpDissector.VXLAN);
            decodeAs(8285, UdpDissector.FLANNEL_UDP);
            decodeAs(6081, UdpDissector.GENEVE);
            conventionalPort[8472] = true;
        }

        /** Makes UDP port {@code port} decode as {@code dissector} (replacing any entry). */
        public Builder decodeAs(int port, UdpDissector dissector) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("UDP port " + port + " out of range 0..65535");
            }
            udpPort[port] = (byte) (dissector.ordinal() + 1);
            conventionalPort[port] = false;
            return this;
        }

        /** Applies a parsed override. */
        public Builder decodeAs(DecodeAs override) {
            return decodeAs(override.port(), override.dissector());
        }

        /** Removes a port's entry (its payload goes to the heuristic, then to payload). */
        public Builder clearUdpPort(int port) {
            udpPort[port & 0xffff] = UDP_UNSET;
            conventionalPort[port & 0xffff] = false;
            return this;
        }

        public Builder heuristicVxlan(boolean enabled) {
            this.heuristicVxlan = enabled;
            return this;
        }

        public Builder verifyChecksums(boolean enabled) {
            this.verifyChecksums = enabled;
            return this;
        }

        /** Bound on nested encapsulations (1..64). */
        public Builder maxEncapsulations(int max) {
            if (max < 1 || max > 64) {
                throw new IllegalArgumentException("max encapsulations " + max + " out of range 1..64");
            }
            this.maxEncapsulations = max;
            return this;
        }

        public DecodeTables build() {
            return new DecodeTables(this);
        }
    }
}
