package io.tunnelscope.proto;

import io.tunnelscope.proto.arp.Arp;
import io.tunnelscope.proto.cmd.CiscoMetadata;
import io.tunnelscope.proto.erspan.Erspan;
import io.tunnelscope.proto.ethernet.Ethernet;
import io.tunnelscope.proto.ethernet.Vlan;
import io.tunnelscope.proto.flannel.FlannelUdp;
import io.tunnelscope.proto.geneve.Geneve;
import io.tunnelscope.proto.gtp.GtpU;
import io.tunnelscope.proto.gre.Gre;
import io.tunnelscope.proto.iana.NamedIpProtocols;
import io.tunnelscope.proto.icmp.Icmp;
import io.tunnelscope.proto.icmpv6.Icmpv6;
import io.tunnelscope.proto.ipip.Ipip;
import io.tunnelscope.proto.ipv4.Ipv4;
import io.tunnelscope.proto.ipv6.Ipv6;
import io.tunnelscope.proto.ipv6.Ipv6Extensions;
import io.tunnelscope.proto.loopback.Loopback;
import io.tunnelscope.proto.mpls.Mpls;
import io.tunnelscope.proto.mpls.MplsInUdp;
import io.tunnelscope.proto.payload.Payload;
import io.tunnelscope.proto.ppp.Ppp;
import io.tunnelscope.proto.sll.LinuxSll;
import io.tunnelscope.proto.sll.LinuxSll2;
import io.tunnelscope.proto.tcp.Tcp;
import io.tunnelscope.proto.teredo.Teredo;
import io.tunnelscope.proto.udp.Udp;
import io.tunnelscope.proto.vxlan.Vxlan;
import io.tunnelscope.proto.vxlangpe.VxlanGpe;
import io.tunnelscope.proto.wccp.Wccp;
import io.tunnelscope.proto.wireguard.WireGuard;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The protocol registry: every {@link ProtocolDescriptor}, looked up by id, by name, by IP
 * protocol number. The one place protocol names and numbers are collected; the decoder's tables,
 * the layer and encapsulation names, the filter's words, the line formatter and the MTU rules read
 * them here. Checked when the class loads: ids and names unique, no two protocols in one table
 * slot. Adding a protocol is its package (descriptor, flyweight) and its line in {@link #ALL}.
 */
public final class Protocols {
    /** Largest protocol id (ids are bytes in the decoder's tables, which keep the codes above it for steps of their own). */
    public static final int MAX_ID = 111;

    private static final List<ProtocolDescriptor> ALL = List.of(
        Ethernet.DESCRIPTOR, Vlan.DESCRIPTOR, Vlan.IEEE_8021AD, LinuxSll.DESCRIPTOR, LinuxSll2.DESCRIPTOR,
        Loopback.DESCRIPTOR, Arp.DESCRIPTOR, Ipv4.DESCRIPTOR, Ipv6.DESCRIPTOR,
        Ipv6Extensions.HOP_BY_HOP, Ipv6Extensions.ROUTING, Ipv6Extensions.FRAGMENT, Ipv6Extensions.DESTINATION,
        Udp.DESCRIPTOR, Tcp.DESCRIPTOR, Icmp.DESCRIPTOR, Icmpv6.DESCRIPTOR,
        Vxlan.DESCRIPTOR, FlannelUdp.DESCRIPTOR, Geneve.DESCRIPTOR, Ipip.DESCRIPTOR, Gre.DESCRIPTOR,
        Payload.DESCRIPTOR, Payload.FRAGMENT_DATA,
        NamedIpProtocols.IGMP, NamedIpProtocols.ESP, NamedIpProtocols.AH, NamedIpProtocols.SCTP,
        Mpls.DESCRIPTOR, MplsInUdp.DESCRIPTOR, Erspan.DESCRIPTOR, GtpU.DESCRIPTOR, Teredo.DESCRIPTOR, Ppp.DESCRIPTOR,
        CiscoMetadata.DESCRIPTOR, Wccp.DESCRIPTOR, WireGuard.DESCRIPTOR, VxlanGpe.DESCRIPTOR);

    private static final ProtocolDescriptor[] BY_ID = new ProtocolDescriptor[MAX_ID + 1];
    private static final ProtocolDescriptor[] BY_IP_PROTOCOL = new ProtocolDescriptor[256];
    private static final Map<String, ProtocolDescriptor> BY_NAME = new HashMap<>();
    private static final Map<Integer, ProtocolDescriptor> BY_ETHER_TYPE = new HashMap<>();

    static {
        Map<String, ProtocolDescriptor> slots = new HashMap<>();
        for (ProtocolDescriptor d : ALL) {
            if (BY_ID[d.id()] != null) {
                throw new IllegalStateException("protocol id " + d.id() + " of " + d.name() + " is " + BY_ID[d.id()].name() + "'s");
            }
            BY_ID[d.id()] = d;
            if (BY_NAME.put(d.name(), d) != null) {
                throw new IllegalStateException("two protocols named " + d.name());
            }
            for (int p : d.ipProtocols()) {
                BY_IP_PROTOCOL[p] = d;
            }
            for (int t : d.etherTypes()) {
                BY_ETHER_TYPE.put(t, d);
            }
            claim(slots, d, "link type ", d.linkTypes());
            claim(slots, d, "EtherType ", d.etherTypes());
            claim(slots, d, "IP protocol ", d.ipProtocols());
            claim(slots, d, "UDP port ", d.udpPorts());
            claim(slots, d, "GRE protocol ", d.greProtocols());
        }
    }

    private Protocols() {
    }

    private static void claim(Map<String, ProtocolDescriptor> slots, ProtocolDescriptor d, String table, int[] keys) {
        for (int k : keys) {
            ProtocolDescriptor other = slots.put(table + k, d);
            if (other != null) {
                throw new IllegalStateException(table + k + " registered by both " + other.name() + " and " + d.name());
            }
        }
    }

    /** Every descriptor, in registration order. */
    public static List<ProtocolDescriptor> all() {
        return ALL;
    }

    /** The descriptor with this id, or null. */
    public static ProtocolDescriptor byId(int id) {
        return id > 0 && id <= MAX_ID ? BY_ID[id] : null;
    }

    /** The descriptor with this name (case-insensitive), or null. */
    public static ProtocolDescriptor byName(String name) {
        return name == null ? null : BY_NAME.get(name.toLowerCase(Locale.ROOT));
    }

    /** The protocol an IP protocol number names, or null. */
    public static ProtocolDescriptor byIpProtocol(int protocol) {
        return protocol >= 0 && protocol < 256 ? BY_IP_PROTOCOL[protocol] : null;
    }

    /** The protocol an EtherType names, or null. */
    public static ProtocolDescriptor byEtherType(int type) {
        return BY_ETHER_TYPE.get(type);
    }

    /** The title of a layer type: {@code VXLAN}; {@code layer<n>} for ids without a protocol. */
    public static String title(int id) {
        ProtocolDescriptor d = byId(id);
        return d != null ? d.title() : "layer" + id;
    }

    /** The name of a protocol id: {@code vxlan}; null for ids without a protocol. */
    public static String name(int id) {
        ProtocolDescriptor d = byId(id);
        return d != null ? d.name() : null;
    }

    /** The tunnels, in registration order. */
    public static List<ProtocolDescriptor> tunnels() {
        List<ProtocolDescriptor> out = new ArrayList<>();
        for (ProtocolDescriptor d : ALL) {
            if (d.isTunnel()) {
                out.add(d);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** The tunnel a Linux device of this link kind carries ({@code tun}: flannel-udp), or null. */
    public static ProtocolDescriptor byLinuxKind(String kind) {
        if (kind != null) {
            for (ProtocolDescriptor d : ALL) {
                for (String k : d.linuxKinds()) {
                    if (k.equals(kind)) {
                        return d;
                    }
                }
            }
        }
        return null;
    }

    /** The protocols {@code --decode-as udp.port=N:name} may name, in registration order. */
    public static List<ProtocolDescriptor> decodeAsTargets() {
        List<ProtocolDescriptor> out = new ArrayList<>();
        for (ProtocolDescriptor d : ALL) {
            if (d.decodeAsTarget()) {
                out.add(d);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * The tunnels and where the decoder finds them, for help texts: {@code vxlan (UDP 4789, 8472),
     * flannel-udp (UDP 8285), ..., gre (IP protocol 47)}.
     */
    public static String tunnelSummary() {
        StringBuilder out = new StringBuilder();
        for (ProtocolDescriptor d : tunnels()) {
            out.append(out.length() > 0 ? ", " : "").append(d.name());
            int[] ports = d.udpPorts();
            int[] protocols = d.ipProtocols();
            if (ports.length > 0) {
                out.append(" (UDP ");
                for (int k = 0; k < ports.length; k++) {
                    out.append(k > 0 ? ", " : "").append(ports[k]);
                }
                out.append(')');
            } else if (protocols.length > 0) {
                out.append(" (IP protocol ").append(protocols[0]).append(')');
            }
        }
        return out.toString();
    }

    /**
     * The tunnel overhead of a backend or encapsulation name over an IPv4 or IPv6 underlay, or -1
     * when the name is no tunnel.
     */
    public static int overhead(String tunnel, boolean ipv6Underlay) {
        ProtocolDescriptor d = byName(tunnel);
        if (d == null || !d.isTunnel()) {
            return -1;
        }
        return ipv6Underlay ? d.overheadIpv6() : d.overheadIpv4();
    }
}
