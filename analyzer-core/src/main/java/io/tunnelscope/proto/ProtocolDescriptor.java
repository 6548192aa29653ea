package io.tunnelscope.proto;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything the rest of the program knows of one protocol, declared once beside its flyweight in
 * its {@code proto.<name>} package, in the manner of gopacket's layer registration and Wireshark's
 * {@code dissector_add_uint("udp.port", …)}: its id (the small int the decoder dispatches on and
 * the layer stack records), its one name (CLI, JSON, filter, decode-as), its display title, the
 * tables it registers in (link type, EtherType, IP protocol, UDP port, GRE protocol), its tunnel
 * overhead if it encapsulates, its Kaitai spec for the detail view, and, for protocols the decoder
 * has no built-in step for, its {@link Dissector}.
 *
 * <p>{@link Protocols} collects the descriptors; {@code DecodeTables}, {@code LayerType},
 * {@code Encapsulation}, the filter's names, the line formatter and the MTU rules read them from
 * there. Immutable.
 */
public final class ProtocolDescriptor {
    /** What a protocol is, as far as the program treats protocols alike. */
    public enum Kind {
        /** A header a capture starts with (Ethernet, Linux cooked, loopback). */
        LINK,
        /** A header between link and network (VLAN tags, MPLS labels). */
        SHIM,
        /** ARP, IPv4, IPv6 and IPv6's extension headers. */
        NETWORK,
        /** UDP, TCP, ICMP, ICMPv6. */
        TRANSPORT,
        /** Carries another packet: the layers after it are one encapsulation deeper. */
        TUNNEL,
        /** A protocol only named (an IP protocol number's name) or a decoder's own layer kind. */
        OTHER
    }

    private final int id;
    private final String name;
    private final String title;
    private final String tcpdumpName;
    private final String wiresharkName;
    private final Kind kind;
    private final int[] linkTypes;
    private final int[] etherTypes;
    private final int[] ipProtocols;
    private final int[] udpPorts;
    private final int[] conventionalUdpPorts;
    private final int[] greProtocols;
    private final int overheadIpv4;
    private final int overheadIpv6;
    private final String kaitaiSpec;
    private final boolean decodeAsTarget;
    private final Dissector dissector;
    private final LineSummary summary;
    private final String[] linuxKinds;
    private final FieldReader vni;
    private final int opaquePadding;

    private ProtocolDescriptor(Builder b) {
        this.id = b.id;
        this.name = b.name;
        this.title = b.title;
        this.tcpdumpName = b.tcpdumpName != null ? b.tcpdumpName : b.name;
        this.wiresharkName = b.wiresharkName != null ? b.wiresharkName : b.name;
        this.kind = b.kind;
        this.linkTypes = b.linkTypes;
        this.etherTypes = b.etherTypes;
        this.ipProtocols = b.ipProtocols;
        this.udpPorts = b.udpPorts;
        this.conventionalUdpPorts = b.conventionalUdpPorts;
        this.greProtocols = b.greProtocols;
        this.overheadIpv4 = b.overheadIpv4;
        this.overheadIpv6 = b.overheadIpv6;
        this.kaitaiSpec = b.kaitaiSpec;
        this.decodeAsTarget = b.decodeAsTarget;
        this.dissector = b.dissector;
        this.summary = b.summary;
        this.linuxKinds = b.linuxKinds;
        this.vni = b.vni;
        this.opaquePadding = b.opaquePadding;
    }

    /**
     * Starts a descriptor.
     *
     * @param id    1..{@value Protocols#MAX_ID}, unique: the layer type and dispatch code
     * @param name  the one spelling users type and JSON shows: lower case, e.g. {@code vxlan}
     * @param title how a layer is shown, e.g. {@code VXLAN}
     */
    public static Builder builder(int id, String name, String title, Kind kind) {
        return new Builder(id, name, title, kind);
    }

    public int id() { return id; }

    /** The name of the CLI, JSON, filter and decode-as: {@code vxlan}, {@code flannel-udp}. */
    public String name() { return name; }

    /** The display title of a layer: {@code VXLAN}, {@code IPv6 fragment}. */
    public String title() { return title; }

    /** tcpdump's word for the protocol where it differs from {@link #name()} ({@code icmp6}). */
    public String tcpdumpName() { return tcpdumpName; }

    /**
     * The name of Wireshark's dissector for the same bytes, as {@code -d udp.port==N,NAME} takes it
     * ({@code ip} for flannel's UDP payload).
     */
    public String wiresharkName() { return wiresharkName; }

    public Kind kind() { return kind; }

    public boolean isTunnel() { return kind == Kind.TUNNEL; }

    /** Link types (LINKTYPE_ values) whose frames start with this protocol. */
    public int[] linkTypes() { return linkTypes.clone(); }

    /** EtherTypes this protocol registers for. */
    public int[] etherTypes() { return etherTypes.clone(); }

    /** IP protocol numbers this protocol is named by (and, if it has a dissect step, decoded for). */
    public int[] ipProtocols() { return ipProtocols.clone(); }

    /** UDP ports whose payload this protocol is by default. */
    public int[] udpPorts() { return udpPorts.clone(); }

    /**
     * The UDP ports among {@link #udpPorts()} that are a convention, not an assignment (VXLAN on
     * Linux's 8472): a payload that contradicts the protocol there is left as payload.
     */
    public int[] conventionalUdpPorts() { return conventionalUdpPorts.clone(); }

    /** GRE protocol types (EtherType space) this protocol registers for only inside GRE. */
    public int[] greProtocols() { return greProtocols.clone(); }

    /**
     * Outer bytes a tunnel adds to an inner IP packet over an IPv4 underlay (outer IP header
     * included; for VXLAN 20 + 8 + 8 + 14 = 50), or -1 for protocols that are not tunnels.
     */
    public int overheadIpv4() { return overheadIpv4; }

    /** The same over an IPv6 underlay (20 bytes more), or -1. */
    public int overheadIpv6() { return overheadIpv6; }

    /** The Kaitai type of the detail view ({@code vxlan_header}), or null. */
    public String kaitaiSpec() { return kaitaiSpec; }

    /** Whether {@code --decode-as udp.port=N:name} may name this protocol. */
    public boolean decodeAsTarget() { return decodeAsTarget; }

    /**
     * The dissect step of a protocol the decoder has no built-in step for, or null (the decoder's
     * own fast path, or a protocol that is only named).
     */
    public Dissector dissector() { return dissector; }

    /** How the one-line formatter shows a layer of this protocol, or null (its title, or a built-in line). */
    public LineSummary summary() { return summary; }

    /**
     * The Linux link kinds ({@code ip -d link}'s {@code info_kind}) of the devices that carry this
     * tunnel: {@code vxlan}; {@code tun} for flannel's UDP backend; {@code gre}, {@code gretap}.
     */
    public String[] linuxKinds() { return linuxKinds.clone(); }

    /**
     * A tunnel whose inner packet cannot be read (encrypted: WireGuard): the multiple its inner
     * packet is padded to before encryption (1 when it is not padded), so that the inner packet a
     * tunnel packet carries is {@code outer IP length - overhead} long, less up to {@code padding - 1}
     * bytes. 0 for protocols whose inner packet is read.
     */
    public int opaquePadding() { return opaquePadding; }

    /** Whether this tunnel's inner packet cannot be read ({@link #opaquePadding()}). */
    public boolean isOpaqueTunnel() { return kind == Kind.TUNNEL && opaquePadding > 0; }

    /** Reads one field of a header in place (absolute index; the bytes the decoder pushed), or -1. */
    @FunctionalInterface
    public interface FieldReader {
        int read(java.nio.ByteBuffer buffer, int offset, int headerLength);
    }

    /**
     * The reader of a tunnel's network identifier (VNI) for a protocol without a built-in one in
     * {@code PacketView} (VXLAN-GPE), or null: what flows, JSON and the {@code vni} filter show.
     */
    public FieldReader vni() { return vni; }

    /** The first registered UDP port, or -1. */
    public int firstUdpPort() { return udpPorts.length > 0 ? udpPorts[0] : -1; }

    @Override
    public String toString() {
        return name;
    }

    /** Builds a {@link ProtocolDescriptor}. */
    public static final class Builder {
        private final int id;
        private final String name;
        private final String title;
        private final Kind kind;
        private String tcpdumpName;
        private String wiresharkName;
        private int[] linkTypes = new int[0];
        private int[] etherTypes = new int[0];
        private int[] ipProtocols = new int[0];
        private int[] udpPorts = new int[0];
        private int[] conventionalUdpPorts = new int[0];
        private int[] greProtocols = new int[0];
        private int overheadIpv4 = -1;
        private int overheadIpv6 = -1;
        private String kaitaiSpec;
        private boolean decodeAsTarget;
        private Dissector dissector;
        private LineSummary summary;
        private String[] linuxKinds = new String[0];
        private FieldReader vni;
        private int opaquePadding;

        private Builder(int id, String name, String title, Kind kind) {
            if (id < 1 || id > Protocols.MAX_ID) {
                throw new IllegalArgumentException("protocol id " + id + " out of range 1.." + Protocols.MAX_ID);
            }
            Objects.requireNonNull(name, "name");
            if (!name.equals(name.toLowerCase(Locale.ROOT)) || name.isBlank()) {
                throw new IllegalArgumentException("protocol name '" + name + "' must be lower case");
            }
            this.id = id;
            this.name = name;
            this.title = Objects.requireNonNull(title, "title");
            this.kind = Objects.requireNonNull(kind, "kind");
        }

        public Builder tcpdumpName(String word) {
            this.tcpdumpName = word;
            return this;
        }

        public Builder wiresharkName(String dissector) {
            this.wiresharkName = dissector;
            return this;
        }

        public Builder linkTypes(int... types) {
            this.linkTypes = checked(types, 0xffff, "link type");
            return this;
        }

        public Builder etherTypes(int... types) {
            this.etherTypes = checked(types, 0xffff, "EtherType");
            return this;
        }

        public Builder ipProtocols(int... protocols) {
            this.ipProtocols = checked(protocols, 0xff, "IP protocol");
            return this;
        }

        public Builder udpPorts(int... ports) {
            this.udpPorts = checked(ports, 0xffff, "UDP port");
            return this;
        }

        /** Marks some of the UDP ports as conventional (they must also be given to udpPorts). */
        public Builder conventionalUdpPorts(int... ports) {
            this.conventionalUdpPorts = checked(ports, 0xffff, "UDP port");
            return this;
        }

        public Builder greProtocols(int... types) {
            this.greProtocols = checked(types, 0xffff, "GRE protocol");
            return this;
        }

        /** Tunnel overhead over an IPv4 and an IPv6 underlay, outer IP header included. */
        public Builder overhead(int overIpv4, int overIpv6) {
            if (overIpv4 < 0 || overIpv6 < 0) {
                throw new IllegalArgumentException("overhead must be >= 0");
            }
            this.overheadIpv4 = overIpv4;
            this.overheadIpv6 = overIpv6;
            return this;
        }

        public Builder kaitaiSpec(String type) {
            this.kaitaiSpec = type;
            return this;
        }

        public Builder decodeAsTarget() {
            this.decodeAsTarget = true;
            return this;
        }

        public Builder vni(FieldReader reader) {
            this.vni = reader;
            return this;
        }

        public Builder linuxKinds(String... kinds) {
            this.linuxKinds = kinds.clone();
            return this;
        }

        /**
         * Marks a tunnel whose inner packet is encrypted, padded to a multiple of {@code padding}
         * bytes (1: not padded) before encryption; see {@link ProtocolDescriptor#opaquePadding()}.
         */
        public Builder opaque(int padding) {
            if (padding < 1) {
                throw new IllegalArgumentException("padding must be >= 1");
            }
            this.opaquePadding = padding;
            return this;
        }

        public Builder dissector(Dissector d) {
            this.dissector = d;
            return this;
        }

        public Builder summary(LineSummary s) {
            this.summary = s;
            return this;
        }

        public ProtocolDescriptor build() {
            for (int p : conventionalUdpPorts) {
                if (Arrays.stream(udpPorts).noneMatch(u -> u == p)) {
                    throw new IllegalArgumentException(name + ": conventional port " + p + " is not among its UDP ports");
                }
            }
            if ((kind == Kind.TUNNEL) != (overheadIpv4 >= 0)) {
                throw new IllegalArgumentException(name + ": a tunnel, and only a tunnel, has an overhead");
            }
            return new ProtocolDescriptor(this);
        }

        private static int[] checked(int[] values, int max, String what) {
            for (int v : values) {
                if (v < 0 || v > max) {
                    throw new IllegalArgumentException(what + " " + v + " out of range 0.." + max);
                }
            }
            return values.clone();
        }
    }
}
