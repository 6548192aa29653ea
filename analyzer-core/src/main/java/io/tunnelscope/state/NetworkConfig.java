package io.tunnelscope.state;

import io.tunnelscope.proto.Protocols;
import java.util.List;

/**
 * What {@code ip -j -d link}, {@code ip -j addr}, {@code ip -j route}, {@code ip -j neigh} and
 * {@code bridge -j fdb} say about one node: its devices with their addresses, its main routing
 * table, its neighbours and its forwarding entries.
 *
 * @param links      devices in ifindex order
 * @param routes     the main routing table
 * @param neighbours ARP/NDP entries
 * @param fdb        bridge and VXLAN forwarding entries
 */
public record NetworkConfig(List<Link> links, List<Route> routes, List<Neighbour> neighbours, List<FdbEntry> fdb) {

    /** A configuration with nothing in it. */
    public static final NetworkConfig EMPTY = new NetworkConfig(List.of(), List.of(), List.of(), List.of());

    /**
     * A network device.
     *
     * @param index      ifindex
     * @param name       ifname, e.g. {@code flannel.1}
     * @param kind       {@code linkinfo.info_kind} ({@code veth}, {@code bridge}, {@code vxlan}, {@code tun},
     *                   {@code geneve}, {@code ipip}, ...), or null for a physical device
     * @param master     the bridge (or bond) it is enslaved to, or null
     * @param mtu        its MTU
     * @param mac        its link-layer address, or null
     * @param linkType   {@code ether}, {@code none} (TUN), {@code loopback}, ...
     * @param up         the administrative UP flag
     * @param operState  {@code UP}, {@code DOWN}, {@code UNKNOWN}, ...
     * @param vxlan      the VXLAN parameters of a vxlan device, else null
     * @param addresses  its addresses ({@code ip -j addr})
     */
    public record Link(int index, String name, String kind, String master, int mtu, String mac, String linkType,
                       boolean up, String operState, Vxlan vxlan, List<Address> addresses) {

        /** Whether this is a VXLAN, Geneve, TUN, IP-in-IP or GRE device: one that carries the overlay. */
        public boolean tunnel() {
            return Protocols.byLinuxKind(kind) != null;
        }

        public boolean loopback() {
            return "loopback".equals(linkType);
        }
    }

    /**
     * The VXLAN parameters of a device ({@code linkinfo.info_data}).
     *
     * @param vni         the VXLAN network identifier
     * @param port        the UDP destination port (8472 for flannel, 4789 IANA)
     * @param local       the local (source) address of the tunnel, or null
     * @param device      the lower device ({@code dev}), or null
     * @param learning    whether the device learns remote MACs from received packets
     * @param udpChecksum whether it computes the outer UDP checksum
     */
    public record Vxlan(long vni, int port, String local, String device, boolean learning, boolean udpChecksum) {
    }

    /**
     * An address of a device.
     *
     * @param family       {@code inet} or {@code inet6}
     * @param address      the address
     * @param prefixLength its prefix length
     * @param scope        {@code global}, {@code link}, {@code host}
     */
    public record Address(String family, String address, int prefixLength, String scope) {
        /** The network the address is in ({@code 10.244.1.1/24} gives {@code 10.244.1.0/24}). */
        public IpBlock network() {
            return IpBlock.parse(address + "/" + prefixLength);
        }
    }

    /**
     * A route.
     *
     * @param destination {@code a.b.c.d/n}, a bare address for a host route, or {@code default}
     * @param gateway     the next hop, or null
     * @param device      the output device
     * @param flags       e.g. {@code onlink}
     */
    public record Route(String destination, String gateway, String device, List<String> flags) {
        /** The destination as a block ({@code default} is {@code 0.0.0.0/0}), or null. */
        public IpBlock block() {
            if ("default".equals(destination)) {
                return IpBlock.ANY_IPV4;
            }
            return IpBlock.parse(destination);
        }
    }

    /**
     * A neighbour entry.
     *
     * @param address the IP address
     * @param device  the device
     * @param mac     the link-layer address, or null while unresolved
     * @param states  {@code PERMANENT}, {@code REACHABLE}, {@code STALE}, {@code FAILED}, ...
     */
    public record Neighbour(String address, String device, String mac, List<String> states) {
    }

    /**
     * A forwarding database entry ({@code bridge fdb}); on a VXLAN device a MAC with the remote
     * VTEP that frames for it are sent to.
     *
     * @param mac         the MAC address
     * @param device      the device holding the entry
     * @param destination the remote VTEP address ({@code dst}), or null
     * @param master      the bridge when the entry is the bridge's, or null
     * @param state       {@code permanent}, {@code static}, or null (learned)
     */
    public record FdbEntry(String mac, String device, String destination, String master, String state) {
    }

    /** The device called {@code name}, or null. */
    public Link link(String name) {
        for (Link link : links) {
            if (link.name().equals(name)) {
                return link;
            }
        }
        return null;
    }

    /** The device holding {@code address}, or null. */
    public Link linkWithAddress(String address) {
        for (Link link : links) {
            for (Address a : link.addresses()) {
                if (a.address().equals(address)) {
                    return link;
                }
            }
        }
        return null;
    }

    /**
     * The route the main table picks for {@code address} (longest prefix; among equal prefixes
     * the first listed), or null when none matches.
     */
    public Route routeTo(String address) {
        byte[] bytes = IpBlock.address(address);
        if (bytes == null) {
            return null;
        }
        Route best = null;
        int bestLength = -1;
        for (Route route : routes) {
            IpBlock block = route.block();
            if (block != null && block.contains(bytes) && block.prefixLength() > bestLength) {
                best = route;
                bestLength = block.prefixLength();
            }
        }
        return best;
    }

    /** The device of the default route, or null. */
    public String defaultDevice() {
        for (Route route : routes) {
            if ("default".equals(route.destination())) {
                return route.device();
            }
        }
        return null;
    }
}
