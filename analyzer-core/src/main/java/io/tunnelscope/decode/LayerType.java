package io.tunnelscope.decode;

import io.tunnelscope.proto.Protocols;
import io.tunnelscope.proto.arp.Arp;
import io.tunnelscope.proto.ethernet.Ethernet;
import io.tunnelscope.proto.ethernet.Vlan;
import io.tunnelscope.proto.flannel.FlannelUdp;
import io.tunnelscope.proto.geneve.Geneve;
import io.tunnelscope.proto.gre.Gre;
import io.tunnelscope.proto.icmp.Icmp;
import io.tunnelscope.proto.icmpv6.Icmpv6;
import io.tunnelscope.proto.ipv4.Ipv4;
import io.tunnelscope.proto.ipv6.Ipv6;
import io.tunnelscope.proto.ipv6.Ipv6Extensions;
import io.tunnelscope.proto.loopback.Loopback;
import io.tunnelscope.proto.payload.Payload;
import io.tunnelscope.proto.sll.LinuxSll;
import io.tunnelscope.proto.sll.LinuxSll2;
import io.tunnelscope.proto.tcp.Tcp;
import io.tunnelscope.proto.udp.Udp;
import io.tunnelscope.proto.vxlan.Vxlan;

/**
 * Kinds of layers the decoder puts on a {@link LayerStack}: a layer's type is its protocol's id
 * in the registry ({@link Protocols}). The constants below are those ids, named for the code that
 * switches on them; {@link #name(int)} gives the protocol's title. A protocol added later has its
 * id in its own descriptor and needs no constant here.
 */
public final class LayerType {
    public static final int ETHERNET = Ethernet.ID;
    /** One 802.1Q tag (or an old QinQ 0x9100 one). */
    public static final int VLAN = Vlan.ID;
    /** One 802.1ad service tag (0x88a8). */
    public static final int IEEE_8021AD = Vlan.IEEE_8021AD_ID;
    /** Linux cooked capture v1. */
    public static final int LINUX_SLL = LinuxSll.ID;
    /** Linux cooked capture v2. */
    public static final int LINUX_SLL2 = LinuxSll2.ID;
    /** BSD/OpenBSD loopback (LINKTYPE_NULL / LINKTYPE_LOOP) header. */
    public static final int LOOPBACK = Loopback.ID;
    public static final int ARP = Arp.ID;
    public static final int IPV4 = Ipv4.ID;
    public static final int IPV6 = Ipv6.ID;
    public static final int IPV6_HOP_BY_HOP = Ipv6Extensions.HOP_BY_HOP_ID;
    public static final int IPV6_ROUTING = Ipv6Extensions.ROUTING_ID;
    public static final int IPV6_FRAGMENT = Ipv6Extensions.FRAGMENT_ID;
    public static final int IPV6_DESTINATION = Ipv6Extensions.DESTINATION_ID;
    public static final int UDP = Udp.ID;
    public static final int TCP = Tcp.ID;
    public static final int ICMP = Icmp.ID;
    public static final int ICMPV6 = Icmpv6.ID;
    /** VXLAN header (RFC 7348); the next layer is the inner Ethernet frame. */
    public static final int VXLAN = Vxlan.ID;
    /** Geneve header with options (RFC 8926). */
    public static final int GENEVE = Geneve.ID;
    /** GRE header (RFC 2784/2890). */
    public static final int GRE = Gre.ID;
    /**
     * flannel's UDP backend: a zero-length marker layer at the start of the UDP payload, which is a
     * bare IPv4/IPv6 packet.
     */
    public static final int FLANNEL_UDP = FlannelUdp.ID;
    /** Bytes no dissector claimed: application data, or an unknown protocol. */
    public static final int PAYLOAD = Payload.ID;
    /** A non-first IP fragment: the bytes are a piece of a payload that cannot be dissected alone. */
    public static final int FRAGMENT_DATA = Payload.FRAGMENT_DATA_ID;

    private LayerType() {
    }

    /** Display name of a layer type: its protocol's title. */
    public static String name(int type) {
        return Protocols.title(type);
    }

    /** True for a VLAN tag of either kind (802.1Q, 802.1ad). */
    public static boolean isVlan(int type) {
        return Vlan.isTag(type);
    }

    /** True for IPv4 and IPv6 network headers (not extension headers). */
    public static boolean isIp(int type) {
        return type == IPV4 || type == IPV6;
    }

    /** True for IPv6 extension headers. */
    public static boolean isIpv6Extension(int type) {
        return Ipv6Extensions.isExtension(type);
    }

    /** True for the link-layer headers a capture starts with, and VLAN tags. */
    public static boolean isLink(int type) {
        return type >= ETHERNET && type <= LOOPBACK || type == IEEE_8021AD;
    }
}
