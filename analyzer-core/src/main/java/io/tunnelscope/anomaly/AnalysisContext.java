package io.tunnelscope.anomaly;

import io.tunnelscope.decode.PointNames;
import io.tunnelscope.proto.Protocols;
import io.tunnelscope.proto.vxlan.Vxlan;
import io.tunnelscope.report.Basis;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.state.ClusterState;
import io.tunnelscope.state.StateChecks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the rules judge packets against once every capture is read: the correlation (roles,
 * topology, NAT, tunnels, losses) and the sizes seen per point, with the MTUs derived from them.
 */
public final class AnalysisContext {
    /**
     * An MTU and how it was learned, said in the findings; {@code confidence} says how far the
     * value can be trusted: reported by the hosts themselves (high), the largest packet the overlay
     * carried, a lower bound (medium), or only flannel's default (low).
     */
    public record Mtu(int value, String source, Confidence confidence) {
        /** Observed when the hosts reported it, else inferred (from sizes, or flannel's defaults). */
        public Basis basis() {
            return confidence == Confidence.HIGH ? Basis.OBSERVED : Basis.INFERRED;
        }

        /** What a finding judged against, as a {@code checked} item. */
        public String checked() {
            return "the overlay MTU: " + value + " (" + source + ")";
        }

        /** What would pin the overlay MTU down, when the captures did not. */
        public List<String> strongerWith() {
            return confidence == Confidence.HIGH ? List.of()
                    : List.of("the overlay device's configured MTU ('ip link show flannel.1'), or a capture where the "
                            + "hosts answer an oversized packet with fragmentation-needed");
        }
    }

    /** Bytes a tunnel adds to the inner IP packet over IPv4: its descriptor's overhead, 0 for no tunnel. */
    public static int overhead(String encap) {
        return Math.max(0, Protocols.overhead(encap, false));
    }

    /**
     * Bytes a tunnel adds over the underlay these captures show: over IPv6 (flannel-v6.1) its
     * descriptor's IPv6 figure, 70 for VXLAN (IPv6 40 + UDP 8 + VXLAN 8 + inner Ethernet 14), 20
     * more than over IPv4; 0 for no tunnel.
     */
    public int tunnelOverhead(String encap) {
        return Math.max(0, Protocols.overhead(encap, ipv6Underlay()));
    }

    /**
     * Whether the tunnels run over an IPv6 underlay: most tunnel packets had IPv6 outer addresses
     * (a dual-stack node has both; the IPv6 overlay, 20 bytes smaller, is the one that limits).
     */
    public boolean ipv6Underlay() {
        return ipv6TunnelPackets > 0;
    }

    private final CorrelationReport correlation;
    private final SizeFacts sizes;
    private final Map<String, String> roles = new HashMap<>();
    /** Point name to its device as text ({@code host device}). */
    private final Map<String, String> devices = new HashMap<>();
    private final List<int[]> podSubnets = new ArrayList<>();
    /** IPv6 pod subnets (flannel-v6.1's /64s, an IPv6 cluster CIDR): {prefix high, prefix low, length}. */
    private final List<long[]> podSubnets6 = new ArrayList<>();
    /** Tunnel packets with IPv6 outer addresses, and all tunnel packets. */
    private long ipv6TunnelPackets;
    private long tunnelPackets;
    private final Set<String> vteps = new HashSet<>();
    private final String backend;
    /** The checks of the recorded node state, or null when none was given. */
    private StateChecks state;

    AnalysisContext(CorrelationReport correlation, SizeFacts sizes) {
        this.correlation = correlation;
        this.sizes = sizes;
        for (CorrelationReport.Point point : correlation.points()) {
            roles.put(point.name(), point.role());
            // A capture nothing places is a host of its own whose device has its name: said once.
            devices.put(point.name(), point.host().equals(point.device()) ? point.device()
                    : point.host() + " " + point.device());
        }
        for (CorrelationReport.Host host : correlation.topology().hosts()) {
            if (host.subnet() != null) {
                addSubnet(host.subnet());
            }
        }
        String cluster = correlation.topology().clusterCidr();
        if (cluster != null) {
            // After the hosts' own subnets, so an address names its host's /24 when one is known.
            addSubnet(cluster);
        }
        Map<String, Long> encaps = new HashMap<>();
        for (CorrelationReport.Tunnel tunnel : correlation.tunnels()) {
            vteps.add(tunnel.outerSrc());
            encaps.merge(tunnel.encap(), tunnel.packets(), Long::sum);
            tunnelPackets += tunnel.packets();
            if (tunnel.outerSrc().indexOf(':') >= 0) {
                ipv6TunnelPackets += tunnel.packets();
            }
        }
        String most = null;
        for (Map.Entry<String, Long> e : encaps.entrySet()) {
            if (most == null || e.getValue() > encaps.get(most)) {
                most = e.getKey();
            }
        }
        backend = most;
    }

    public CorrelationReport correlation() {
        return correlation;
    }

    /** What the nodes' recorded state can answer ({@code tunnelscope collect}), or null when none was given. */
    public StateChecks state() {
        return state;
    }

    void useState(ClusterState cluster) {
        state = cluster == null || cluster.nodes().isEmpty() ? null : new StateChecks(cluster);
    }

    SizeFacts sizes() {
        return sizes;
    }

    /**
     * True when the captures showed a container network, so that findings may speak of pods,
     * nodes and the overlay: a host of the topology with both a pod subnet and a VTEP (tunnel
     * traffic between pod subnets), or a pod subnet whose {@code .1} gateway was seen together
     * with a capture on a container bridge ({@code docker0}, {@code cni0}, {@code cbr0}: the
     * host-gw layout). Otherwise findings name addresses and capture points.
     */
    public boolean topologyRecognised() {
        boolean bridgeCaptured = false;
        for (CorrelationReport.Point point : correlation.points()) {
            String device = PointNames.device(point.name(), null);
            bridgeCaptured |= device.equals("docker0") || device.equals("cni0") || device.equals("cbr0");
        }
        for (CorrelationReport.Host host : correlation.topology().hosts()) {
            if (host.subnet() != null && (host.vtep() != null || bridgeCaptured && host.seen().contains("gateway"))) {
                return true;
            }
        }
        return false;
    }

    /** Packets read from all capture points. */
    public long packetsRead() {
        long packets = 0;
        for (CorrelationReport.Point point : correlation.points()) {
            packets += point.packets();
        }
        return packets;
    }

    /** The role of a capture point ({@code pod}, {@code bridge}, ...), or "unknown". */
    public String role(String point) {
        return roles.getOrDefault(point, "unknown");
    }

    /** True for pod, veth, bridge: where pods' packets are seen before the overlay. */
    public boolean podSide(String point) {
        String role = role(point);
        return role.equals("pod") || role.equals("veth") || role.equals("bridge");
    }

    /** The devices ({@code host device}) the given points captured on, each once, in order. */
    public List<String> devices(java.util.Collection<String> points) {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        for (String point : points) {
            out.add(devices.getOrDefault(point, point));
        }
        return List.copyOf(out);
    }

    /** The tunnel most traffic used ({@code vxlan}, {@code flannel-udp}, ...), or null. */
    public String backend() {
        return backend;
    }

    /** Addresses that sent tunnel packets: the VTEPs the captures show. */
    public Set<String> vteps() {
        return vteps;
    }

    /** The pod subnet (as {@code a.b.c.d/n}) holding an IPv4 address, or null. */
    public String podSubnet(int address) {
        for (int[] subnet : podSubnets) {
            int mask = subnet[1] == 0 ? 0 : -1 << (32 - subnet[1]);
            if ((address & mask) == (subnet[0] & mask)) {
                return IpText.format(subnet[0]) + "/" + subnet[1];
            }
        }
        return null;
    }

    public boolean isPodAddress(int address) {
        return podSubnet(address) != null;
    }

    /** The pod subnet holding an address given as text (IPv4 or IPv6), or null. */
    public String podSubnet(String address) {
        if (address.indexOf(':') < 0) {
            return address.matches("\\d+\\.\\d+\\.\\d+\\.\\d+") ? podSubnet(IpText.ipv4(address)) : null;
        }
        long[] bits = ipv6Bits(address);
        if (bits == null) {
            return null;
        }
        for (long[] subnet : podSubnets6) {
            if (within(bits, subnet)) {
                return IpText.formatIpv6(subnet[0], subnet[1]) + "/" + subnet[2];
            }
        }
        return null;
    }

    /** Whether an address given as text (IPv4 or IPv6) is in a pod subnet. */
    public boolean isPodAddress(String address) {
        return podSubnet(address) != null;
    }

    private void addSubnet(String cidr) {
        String[] parts = cidr.split("/");
        int length = Integer.parseInt(parts[1]);
        if (parts[0].indexOf(':') < 0) {
            podSubnets.add(new int[] {IpText.ipv4(parts[0]), length});
            return;
        }
        long[] bits = ipv6Bits(parts[0]);
        if (bits != null) {
            podSubnets6.add(new long[] {bits[0], bits[1], length});
        }
    }

    private static boolean within(long[] address, long[] subnet) {
        int length = (int) subnet[2];
        long highMask = length == 0 ? 0 : length >= 64 ? -1L : -1L << (64 - length);
        long lowMask = length <= 64 ? 0 : length >= 128 ? -1L : -1L << (128 - length);
        return (address[0] & highMask) == (subnet[0] & highMask) && (address[1] & lowMask) == (subnet[1] & lowMask);
    }

    /** The 128 bits of an IPv6 literal as {high, low}, or null when it is not one. */
    private static long[] ipv6Bits(String text) {
        try {
            byte[] bytes = java.net.InetAddress.getByName(text.startsWith("[") ? text : "[" + text + "]").getAddress();
            if (bytes.length != 16) {
                return null;
            }
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
            return new long[] {buffer.getLong(), buffer.getLong()};
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /**
     * The MTU of the overlay: what the hosts themselves reported in fragmentation-needed messages
     * about pod traffic; else the largest packet the overlay devices carried, if they were
     * captured and carried full-size packets; else flannel's default for the backend on a 1500
     * underlay. Null when nothing shows an overlay (host-gw routes pods over the underlay itself).
     */
    public Mtu overlayMtu() {
        return overlayMtu(null);
    }

    /**
     * The MTU of the overlay that carries one family's pod traffic: on a dual-stack node
     * flannel.1 (IPv4 over IPv4) and flannel-v6.1 (IPv6 over IPv6, 20 bytes less) differ. What
     * the hosts reported about that family's pod packets; else, when every tunnel is of that
     * family, the largest packet the overlay devices carried; else the default for the backend
     * over that family's underlay. Null as {@link #overlayMtu()}.
     */
    public Mtu overlayMtu(boolean ipv6) {
        return overlayMtu(Boolean.valueOf(ipv6));
    }

    /** {@code ipv6} null: any family (the smallest reported), the underlay the tunnels show. */
    private Mtu overlayMtu(Boolean ipv6) {
        int reported = 0;
        for (SizeFacts.FragNeeded event : sizes.fragNeeded()) {
            if (ipv6 != null && (event.quotedSourceText().indexOf(':') >= 0) != ipv6) {
                continue;
            }
            if (event.mtu() >= 576 && isPodAddress(event.quotedSourceText()) && isPodAddress(event.quotedDestinationText())
                    && (reported == 0 || event.mtu() < reported)) {
                reported = event.mtu();
            }
        }
        if (reported > 0) {
            return new Mtu(reported, "next-hop MTU the hosts reported", Confidence.HIGH);
        }
        int carried = 0;
        boolean overlayPoint = false;
        for (Map.Entry<String, SizeFacts.PointSizes> e : sizes.points().entrySet()) {
            String role = role(e.getKey());
            if (role.startsWith("overlay-")) {
                overlayPoint = true;
                carried = Math.max(carried, e.getValue().largestPacket);
            }
        }
        if (backend == null && !overlayPoint) {
            return null;
        }
        String encap = backend == null ? Vxlan.DESCRIPTOR.name() : backend;
        boolean overIpv6 = ipv6 == null ? ipv6Underlay() : ipv6;
        int overhead = Math.max(0, Protocols.overhead(encap, overIpv6));
        int fallback = 1500 - overhead;
        // the devices' largest packet tells only when all tunnels are of the family asked about
        boolean oneFamily = ipv6 == null || ipv6TunnelPackets == 0 && !ipv6 || ipv6TunnelPackets == tunnelPackets && ipv6;
        if (oneFamily && carried >= fallback) {
            return new Mtu(carried, "largest packet the overlay device carried", Confidence.MEDIUM);
        }
        return new Mtu(fallback, overIpv6
                ? "1500 minus the " + overhead + " bytes " + encap + " takes over an IPv6 underlay"
                : "flannel's default for " + encap + " on a 1500-byte underlay", Confidence.LOW);
    }
}
