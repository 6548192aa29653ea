package io.tunnelscope.decode;

import io.tunnelscope.capture.LinkType;
import io.tunnelscope.proto.Dissector;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.Protocols;
import io.tunnelscope.proto.payload.Payload;

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
 * same port both ways (flannel's 8285). A port explicitly set to {@link DecodeAs#NONE} stops the
 * lookup and the VXLAN heuristic. When neither port has an entry, the VXLAN heuristic may claim the
 * payload (see {@link PacketDecoder}).
 */
public final class DecodeTables {
    // Dispatch codes: a protocol's registry id, or one of the decoder's own steps below.
    static final int STOP = 0;
    /** Raw IP (link type 101): the version nibble says IPv4 or IPv6. */
    static final int IP_BY_VERSION = Dissector.IP_BY_VERSION;

    /** UDP port table value for a port without entry. */
    static final int UDP_UNSET = 0;

    private static final int LINK_TABLE_SIZE = 512;
    /** Default bound on nested encapsulations. */
    public static final int DEFAULT_MAX_ENCAPSULATIONS = 8;

    private static final DecodeTables DEFAULTS = builder().build();

    private final byte[] link;
    private final byte[] etherType;
    private final byte[] greProtocol;
    private final byte[] ipProtocol;
    private final byte[] udpPort;
    private final boolean[] conventionalPort;
    private final boolean heuristicVxlan;
    private final boolean verifyChecksums;
    private final int maxEncapsulations;

    private DecodeTables(Builder b) {
        this.link = b.link.clone();
        this.etherType = b.etherType.clone();
        this.greProtocol = b.greProtocol.clone();
        this.ipProtocol = b.ipProtocol.clone();
        this.udpPort = b.udpPort.clone();
        this.conventionalPort = b.conventionalPort.clone();
        this.heuristicVxlan = b.heuristicVxlan;
        this.verifyChecksums = b.verifyChecksums;
        this.maxEncapsulations = b.maxEncapsulations;
    }

    /** The standard tables, every protocol of the registry where it registered. */
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

    /**
     * True for the link types the decoder reads: raw IP and those a protocol of the registry
     * registered (Ethernet, Linux cooked, loopback, PPP...).
     */
    public boolean decodesLinkType(int linkType) {
        return link(linkType) != STOP;
    }

    int etherType(int type) {
        return etherType[type & 0xffff];
    }

    /** Inside GRE: the GRE-only registrations first, then the EtherType table. */
    int greProtocol(int type) {
        int g = greProtocol[type & 0xffff];
        return g != STOP ? g : etherType[type & 0xffff];
    }

    int ipProtocol(int protocol) {
        return ipProtocol[protocol & 0xff];
    }

    /** 0 when unset, else the protocol id ({@link Payload#ID} for an explicit "none"). */
    int udpPortEntry(int port) {
        return udpPort[port & 0xffff];
    }

    /** The protocol registered for a UDP port ({@link DecodeAs#NONE} for "none"), or null. */
    public ProtocolDescriptor udpProtocol(int port) {
        int e = udpPortEntry(port);
        return e == UDP_UNSET ? null : Protocols.byId(e);
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

    /** Builds {@link DecodeTables}; starts from the registry's entries. */
    public static final class Builder {
        private final byte[] link = new byte[LINK_TABLE_SIZE];
        private final byte[] etherType = new byte[65536];
        private final byte[] greProtocol = new byte[65536];
        private final byte[] ipProtocol = new byte[256];
        private final byte[] udpPort = new byte[65536];
        private final boolean[] conventionalPort = new boolean[65536];
        private boolean heuristicVxlan = true;
        private boolean verifyChecksums = true;
        private int maxEncapsulations = DEFAULT_MAX_ENCAPSULATIONS;

        private Builder() {
            link[LinkType.RAW] = IP_BY_VERSION;
            for (ProtocolDescriptor d : Protocols.all()) {
                if (d.kind() == ProtocolDescriptor.Kind.OTHER) {
                    continue; // only named: its numbers stay payload
                }
                byte id = (byte) d.id();
                for (int t : d.linkTypes()) {
                    link[t] = id;
                }
                for (int t : d.etherTypes()) {
                    etherType[t] = id;
                }
                for (int t : d.greProtocols()) {
                    greProtocol[t] = id;
                }
                for (int p : d.ipProtocols()) {
                    ipProtocol[p] = id;
                }
                for (int p : d.udpPorts()) {
                    udpPort[p] = id;
                }
                for (int p : d.conventionalUdpPorts()) {
                    conventionalPort[p] = true;
                }
            }
        }

        /** Makes UDP port {@code port} decode as {@code protocol} (replacing any entry). */
        public Builder decodeAs(int port, ProtocolDescriptor protocol) {
            DecodeAs checked = new DecodeAs(port, protocol);
            udpPort[checked.port()] = (byte) protocol.id();
            conventionalPort[port] = false;
            return this;
        }

        /** Applies a parsed override. */
        public Builder decodeAs(DecodeAs override) {
            return decodeAs(override.port(), override.protocol());
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
