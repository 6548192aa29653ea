package io.tunnelscope.state;

import io.tunnelscope.decode.Addresses;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.Protocols;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * The questions findings ask of the recorded node state. Every answer quotes what it read (the
 * rule, the device and its MTU, the FDB entry, the setting) with the node and file, so a finding can
 * say what confirms it, or that nothing in the state does.
 */
public final class StateChecks {
    private final ClusterState state;

    public StateChecks(ClusterState state) {
        this.state = state;
    }

    public ClusterState state() {
        return state;
    }

    // ------------------------------------------------------------------------ NAT

    /**
     * The NAT rule that decides a packet leaving {@code node}, with what it was checked against.
     *
     * @param node        the node
     * @param packet      the packet (output device from the node's routes)
     * @param matches     one walk per rule source that has NAT rules (iptables-save, then nft's own tables)
     * @param outAddress  the primary address of the output device (what MASQUERADE picks), or null
     * @param conntrack   the node's conntrack entries of this packet's connection that show a source NAT
     */
    public record NatCheck(NodeState node, NetfilterPacket packet, List<RuleMatch> matches, String outAddress,
                           List<Conntrack.Entry> conntrack) {
        /** The walk that ended in a source-NAT rule, or null. */
        public RuleMatch snatRule() {
            for (RuleMatch m : matches) {
                if (m.byRule() && (m.verdict().equals("MASQUERADE") || m.verdict().equals("SNAT"))) {
                    return m;
                }
            }
            return null;
        }
    }

    /**
     * Which rule on the node that sent it out would source-NAT a packet from {@code source} to
     * {@code destination}, taken at point {@code point} (a collected point, {@code NODE-DEVICE}) or
     * on the node holding {@code translated}; null when neither names a collected node.
     */
    public NatCheck snat(String point, String source, String destination, String translated) {
        NodeState node = point == null ? null : state.nodeOfPoint(point);
        if (node == null && translated != null) {
            node = state.nodeWithAddress(translated);
        }
        if (node == null) {
            return null;
        }
        NetworkConfig net = node.network();
        NetworkConfig.Route out = net.routeTo(destination);
        String outDevice = out == null ? null : out.device();
        boolean local = net.linkWithAddress(source) != null;
        NetworkConfig.Route in = local ? null : net.routeTo(source);
        NetfilterPacket packet = new NetfilterPacket(source, destination, null, -1, in == null ? null : in.device(),
                outDevice, 0);
        List<RuleMatch> matches = new ArrayList<>();
        boolean iptables = node.iptables().hasRules("nat");
        if (iptables) {
            IptablesEvaluator evaluator = new IptablesEvaluator(node.iptables(), NodeState.IPTABLES);
            long mark = evaluator.markAfter("nat", local ? "OUTPUT" : "PREROUTING", packet);
            RuleMatch m = evaluator.walk("nat", "POSTROUTING", packet.withMark(mark));
            if (m != null) {
                matches.add(m);
            }
        }
        if (node.nft().hasRules(iptables)) {
            RuleMatch m = node.nft().walk("postrouting", "nat", packet, iptables, NodeState.NFT);
            if (m != null) {
                matches.add(m);
            }
        }
        String outAddress = null;
        NetworkConfig.Link link = outDevice == null ? null : net.link(outDevice);
        if (link != null) {
            for (NetworkConfig.Address a : link.addresses()) {
                if ("inet".equals(a.family())) {
                    outAddress = a.address();
                    break;
                }
            }
        }
        List<Conntrack.Entry> entries = new ArrayList<>();
        for (Conntrack.Entry e : node.conntrack()) {
            if (e.source().equals(source) && e.destination().equals(destination) && e.sourceTranslated()
                    && entries.size() < 3) {
                entries.add(e);
            }
        }
        return new NatCheck(node, packet, List.copyOf(matches), outAddress, List.copyOf(entries));
    }

    // ------------------------------------------------------------------------ MTUs

    /**
     * A device's configured MTU and its place on the overlay path.
     *
     * @param node   the node
     * @param device the device
     * @param role   {@code pod}, {@code bridge}, {@code overlay-*}, {@code underlay}
     * @param kind   its link kind ({@code vxlan}, {@code tun}, {@code veth}, ...), or null
     * @param mtu    its MTU
     */
    public record DeviceMtu(String node, String device, String role, String kind, int mtu) {
        /** {@code node1 flannel.1 (overlay-vxlan) mtu 1450}. */
        public String quote() {
            return node + " " + device + " (" + role + ") mtu " + mtu;
        }
    }

    /** The MTUs of the devices an overlay packet crosses on {@code node}, in path order. */
    public List<DeviceMtu> mtus(NodeState node) {
        List<DeviceMtu> out = new ArrayList<>();
        for (OverlayDevices.Device d : OverlayDevices.discover(node.network(), true)) {
            NetworkConfig.Link link = node.network().link(d.name());
            out.add(new DeviceMtu(node.name(), d.name(), d.role(), link.kind(), link.mtu()));
        }
        return out;
    }

    /** The MTUs of every collected node's overlay devices, in node order. */
    public List<DeviceMtu> mtus() {
        List<DeviceMtu> out = new ArrayList<>();
        for (NodeState node : state.nodes()) {
            out.addAll(mtus(node));
        }
        return out;
    }

    /**
     * A configured MTU that does not fit the others.
     *
     * @param node    the node (null when the problem is between nodes)
     * @param summary one sentence
     * @param quotes  the devices (and subnet.env lines) involved
     * @param fix     what to set
     */
    public record MtuProblem(String node, String summary, List<String> quotes, String fix) {
    }

    /**
     * What is wrong with the configured MTUs: pod veths or bridges above the overlay device's MTU,
     * the overlay MTU plus the tunnel's overhead above the underlay's, {@code FLANNEL_MTU} not the
     * overlay device's, overlay MTUs that differ between nodes.
     *
     * @param overhead bytes an encapsulation adds ({@code vxlan}, {@code flannel-udp}, {@code geneve},
     *                 {@code ipip}, {@code gre})
     */
    public List<MtuProblem> mtuProblems(ToIntFunction<String> overhead) {
        List<MtuProblem> problems = new ArrayList<>();
        Map<String, DeviceMtu> overlayByNode = new LinkedHashMap<>();
        for (NodeState node : state.nodes()) {
            List<DeviceMtu> mtus = mtus(node);
            DeviceMtu overlay = null;
            DeviceMtu underlay = null;
            for (DeviceMtu d : mtus) {
                if (d.role().startsWith("overlay-") && overlay == null) {
                    overlay = d;
                } else if (d.role().equals("underlay") && underlay == null) {
                    underlay = d;
                }
            }
            if (overlay == null) {
                continue;
            }
            overlayByNode.put(node.name(), overlay);
            List<String> above = new ArrayList<>();
            int largest = 0;
            for (DeviceMtu d : mtus) {
                if ((d.role().equals("pod") || d.role().equals("bridge")) && d.mtu() > overlay.mtu()) {
                    above.add(d.quote());
                    largest = Math.max(largest, d.mtu());
                }
            }
            if (!above.isEmpty()) {
                List<String> quotes = new ArrayList<>(above);
                quotes.add(overlay.quote());
                problems.add(new MtuProblem(node.name(), "On " + node.name() + " pod-side devices have MTU " + largest
                        + ", above the " + overlay.mtu() + " of " + overlay.device() + ": full-size pod packets "
                        + "cannot enter the overlay without fragmentation or a frag-needed.", quotes,
                        "Set the bridge and pod MTU to " + overlay.mtu() + " (FLANNEL_MTU) on " + node.name() + "."));
            }
            int extra = overhead.applyAsInt(encapsulation(overlay.kind()));
            if (underlay != null && extra > 0 && overlay.mtu() + extra > underlay.mtu()) {
                problems.add(new MtuProblem(node.name(), "On " + node.name() + " " + overlay.device() + " has MTU "
                        + overlay.mtu() + ", which with " + extra + " bytes of " + encapsulation(overlay.kind())
                        + " overhead needs " + (overlay.mtu() + extra) + " on " + underlay.device() + ", whose MTU is "
                        + underlay.mtu() + ": full-size tunnel packets are fragmented or dropped.",
                        List.of(overlay.quote(), underlay.quote()),
                        "Set " + overlay.device() + "'s MTU (FLANNEL_MTU) to " + (underlay.mtu() - extra)
                                + " or raise " + underlay.device() + " to " + (overlay.mtu() + extra) + "."));
            }
            int flannelMtu = node.subnetEnv().mtu();
            if (flannelMtu > 0 && flannelMtu != overlay.mtu()) {
                problems.add(new MtuProblem(node.name(), "On " + node.name() + " subnet.env says FLANNEL_MTU="
                        + flannelMtu + " but " + overlay.device() + " has MTU " + overlay.mtu() + ".",
                        List.of(node.name() + " subnet.env FLANNEL_MTU=" + flannelMtu, overlay.quote()),
                        "Restart flanneld so that it sizes " + overlay.device() + " again, and the pods after it."));
            }
        }
        if (overlayByNode.size() > 1) {
            int min = Integer.MAX_VALUE;
            int max = 0;
            for (DeviceMtu d : overlayByNode.values()) {
                min = Math.min(min, d.mtu());
                max = Math.max(max, d.mtu());
            }
            if (min != max) {
                List<String> quotes = new ArrayList<>();
                overlayByNode.values().forEach(d -> quotes.add(d.quote()));
                problems.add(new MtuProblem(null, "The overlay devices' MTUs differ between nodes (" + min + " to " + max
                        + "): pods on the larger side send packets the smaller side must fragment or refuse.",
                        quotes, "Give every node the same FLANNEL_MTU (" + min + ", the smallest)."));
            }
        }
        return problems;
    }

    /** The encapsulation name (as reports use it) of an overlay device kind. */
    public static String encapsulation(String kind) {
        if (kind == null) {
            return null;
        }
        ProtocolDescriptor tunnel = Protocols.byLinuxKind(kind);
        return tunnel != null ? tunnel.name() : kind;
    }

    // ------------------------------------------------------------------------ VTEPs

    /**
     * What the nodes' state says about a VXLAN destination.
     *
     * @param address the outer destination
     * @param owner   the collected node whose VXLAN device uses it as local address, or null
     * @param entries FDB entries sending to it, the neighbour entries for their MACs and the routes via
     *                those neighbours, quoted per node
     */
    public record VtepCheck(String address, String owner, List<String> entries) {
    }

    /** Who, in the recorded state, sends VXLAN to {@code address} and whether any node owns it. */
    public VtepCheck vtep(String address) {
        String owner = null;
        List<String> entries = new ArrayList<>();
        for (NodeState node : state.nodes()) {
            NetworkConfig net = node.network();
            for (NetworkConfig.Link link : net.links()) {
                if (link.vxlan() != null && address.equals(link.vxlan().local())) {
                    owner = node.name();
                }
            }
            for (NetworkConfig.FdbEntry fdb : net.fdb()) {
                if (!address.equals(fdb.destination())) {
                    continue;
                }
                entries.add(node.name() + " bridge fdb: " + fdb.mac() + " dev " + fdb.device() + " dst " + address
                        + (fdb.state() == null ? "" : " " + fdb.state()));
                for (NetworkConfig.Neighbour n : net.neighbours()) {
                    if (fdb.mac() != null && fdb.mac().equalsIgnoreCase(n.mac())) {
                        entries.add(node.name() + " ip neigh: " + n.address() + " dev " + n.device() + " lladdr " + n.mac()
                                + " " + String.join(",", n.states()));
                        for (NetworkConfig.Route r : net.routes()) {
                            if (n.address().equals(r.gateway())) {
                                entries.add(node.name() + " ip route: " + r.destination() + " via " + r.gateway() + " dev "
                                        + r.device() + (r.flags().isEmpty() ? "" : " " + String.join(" ", r.flags())));
                            }
                        }
                    }
                }
            }
            for (NetworkConfig.Neighbour n : net.neighbours()) {
                if (address.equals(n.address())) {
                    entries.add(node.name() + " ip neigh: " + n.address() + " dev " + n.device()
                            + (n.mac() == null ? "" : " lladdr " + n.mac()) + " " + String.join(",", n.states()));
                }
            }
        }
        return new VtepCheck(address, owner, List.copyOf(entries));
    }

    // ------------------------------------------------------------------------ offloads

    /** The capture-relevant offload lines of a device, quoted {@code node dev: feature: on}. */
    public List<String> offloads(NodeState node, String device) {
        List<String> out = new ArrayList<>();
        Map<String, Offloads.Feature> features = node.offloads().of(device);
        for (String name : Offloads.CAPTURE_RELEVANT) {
            Offloads.Feature f = features.get(name);
            if (f != null) {
                out.add(node.name() + " " + device + ": " + f.line());
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------ rp_filter

    /**
     * A reverse-path filter that drops overlay traffic.
     *
     * @param node    the node
     * @param device  the device packets arrive on
     * @param mode    1 strict, 2 loose
     * @param source  a source that arrives there
     * @param summary one sentence
     * @param quotes  the settings and the route involved
     */
    public record RpFilterProblem(String node, String device, int mode, String source, String summary,
                                  List<String> quotes) {
    }

    /**
     * Reverse-path filtering that would drop what the other nodes send: packets from another node's
     * pod subnet arrive on the overlay device (decapsulated), tunnel packets from its underlay
     * address arrive on the underlay NIC; a strict filter (1) drops them unless the route back to
     * the source leaves by the same device, a loose one (2) unless there is a route back at all.
     */
    public List<RpFilterProblem> rpFilterProblems() {
        List<RpFilterProblem> problems = new ArrayList<>();
        for (NodeState node : state.nodes()) {
            NetworkConfig net = node.network();
            String overlay = null;
            String underlay = null;
            for (OverlayDevices.Device d : OverlayDevices.discover(net, false)) {
                if (d.role().startsWith("overlay-") && overlay == null) {
                    overlay = d.name();
                } else if (d.role().equals("underlay") && underlay == null) {
                    underlay = d.name();
                }
            }
            for (NodeState other : state.nodes()) {
                if (other == node) {
                    continue;
                }
                IpBlock subnet = other.podSubnet();
                if (overlay != null && subnet != null && subnet.ipv4()) {
                    check(problems, node, overlay, firstHost(subnet), "pods of " + other.name());
                }
                String otherUnderlay = underlayAddress(other);
                if (underlay != null && otherUnderlay != null) {
                    check(problems, node, underlay, otherUnderlay, "tunnel packets of " + other.name());
                }
            }
        }
        return problems;
    }

    private static void check(List<RpFilterProblem> problems, NodeState node, String device, String source,
                              String what) {
        int mode = node.sysctls().rpFilter(device);
        if (mode != 1 && mode != 2) {
            return;
        }
        NetworkConfig.Route back = node.network().routeTo(source);
        boolean drops = mode == 1 ? back == null || !device.equals(back.device()) : back == null;
        if (!drops) {
            return;
        }
        for (RpFilterProblem p : problems) {
            if (p.node().equals(node.name()) && p.device().equals(device)) {
                return; // one per device
            }
        }
        List<String> quotes = new ArrayList<>();
        quotes.add(node.name() + " " + NodeState.SYSCTL + ": net/ipv4/conf/all/rp_filter = "
                + node.sysctls().get("net/ipv4/conf/all/rp_filter"));
        quotes.add(node.name() + " " + NodeState.SYSCTL + ": net/ipv4/conf/" + device + "/rp_filter = "
                + node.sysctls().get("net/ipv4/conf/" + device + "/rp_filter"));
        quotes.add(node.name() + " route to " + source + ": " + (back == null ? "none"
                : back.destination() + (back.gateway() == null ? "" : " via " + back.gateway()) + " dev " + back.device()));
        String modeText = mode == 1 ? "strict" : "loose";
        problems.add(new RpFilterProblem(node.name(), device, mode, source, "On " + node.name() + " " + modeText
                + " reverse-path filtering on " + device + " drops " + what + " (from " + source + "): "
                + (back == null ? "there is no route back to them" : "the route back leaves by " + back.device()) + ".",
                List.copyOf(quotes)));
    }

    private static String firstHost(IpBlock subnet) {
        int network = subnet.ipv4Network();
        return host(subnet.prefixLength() >= 31 ? network : network + 1);
    }

    /** The address other nodes' tunnel packets come from: the VXLAN local address, else the underlay NIC's. */
    private static String underlayAddress(NodeState node) {
        NetworkConfig net = node.network();
        for (NetworkConfig.Link link : net.links()) {
            if (link.vxlan() != null && link.vxlan().local() != null) {
                return link.vxlan().local();
            }
        }
        for (OverlayDevices.Device d : OverlayDevices.discover(net, false)) {
            if (d.role().equals("underlay")) {
                NetworkConfig.Link link = net.link(d.name());
                for (NetworkConfig.Address a : link.addresses()) {
                    if ("inet".equals(a.family())) {
                        return a.address();
                    }
                }
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------ bridge netfilter

    /**
     * A bridge-netfilter setting that drops or bypasses pod traffic.
     *
     * @param node     the node
     * @param drops    true: bridged pod traffic is dropped by the filter FORWARD chain; false: it
     *                 bypasses iptables (service DNAT rules are not applied to it)
     * @param summary  one sentence
     * @param quotes   the setting and the rule (or policy) involved
     * @param fix      what to do
     */
    public record BridgeNetfilterProblem(String node, boolean drops, String summary, List<String> quotes, String fix) {
    }

    /**
     * {@code net.bridge.bridge-nf-call-iptables}: with 1, frames between two pods on one bridge go
     * through iptables' FORWARD chain, so a DROP there (Docker sets the policy to DROP) silences
     * them; with 0, or without br_netfilter, the same frames skip iptables, so a Service's DNAT
     * rules never see them (Kubernetes requires 1).
     */
    public List<BridgeNetfilterProblem> bridgeNetfilterProblems() {
        List<BridgeNetfilterProblem> problems = new ArrayList<>();
        for (NodeState node : state.nodes()) {
            IpBlock subnet = node.podSubnet();
            String bridge = null;
            for (OverlayDevices.Device d : OverlayDevices.discover(node.network(), false)) {
                if (d.role().equals("bridge")) {
                    bridge = d.name();
                    break;
                }
            }
            if (bridge == null || subnet == null || !subnet.ipv4()) {
                continue;
            }
            String setting = node.sysctls().get("net/bridge/bridge-nf-call-iptables");
            String quote = node.name() + " " + NodeState.SYSCTL + ": net/bridge/bridge-nf-call-iptables = "
                    + (setting == null ? "(absent: br_netfilter not loaded)" : setting);
            if ("1".equals(setting) && node.iptables().chain("filter", "FORWARD") != null) {
                int net = subnet.ipv4Network();
                NetfilterPacket packet = new NetfilterPacket(host(net + 2), host(net + 3), null, -1, bridge, bridge, 0);
                RuleMatch m = new IptablesEvaluator(node.iptables(), NodeState.IPTABLES).walk("filter", "FORWARD", packet);
                if (m != null && (m.verdict().equals("DROP") || m.verdict().equals("REJECT")
                        || m.verdict().equals("policy DROP"))) {
                    List<String> quotes = new ArrayList<>(List.of(quote));
                    quotes.add(node.name() + " " + NodeState.IPTABLES + ": " + (m.rule() != null ? m.rule()
                            : "iptables -t filter -P FORWARD " + m.verdict().substring("policy ".length())));
                    problems.add(new BridgeNetfilterProblem(node.name(), true, "On " + node.name() + " frames between pods on "
                            + bridge + " pass iptables (bridge-nf-call-iptables = 1) and the filter FORWARD chain drops "
                            + "them (" + packet.describe() + ": " + m.verdict() + ").", List.copyOf(quotes),
                            "Accept the pod network in FORWARD (iptables -I FORWARD -s " + subnet + " -j ACCEPT and -d "
                                    + subnet + "; flanneld does this with FLANNEL-FWD), or set the FORWARD policy to ACCEPT."));
                }
            }
            if (!"1".equals(setting) && servesDnat(node)) {
                problems.add(new BridgeNetfilterProblem(node.name(), false, "On " + node.name() + " frames between pods on "
                        + bridge + " skip iptables (bridge-nf-call-iptables "
                        + (setting == null ? "absent" : "= " + setting) + ") while the nat table rewrites Service addresses: "
                        + "a pod reaching a Service whose backend is on the same bridge gets replies it does not expect.",
                        List.of(quote), "modprobe br_netfilter and sysctl -w net.bridge.bridge-nf-call-iptables=1 on "
                                + node.name() + " (Kubernetes requires it)."));
            }
        }
        return problems;
    }

    private static boolean servesDnat(NodeState node) {
        for (IptablesRules.Rule rule : node.iptables().rules("nat")) {
            if ("DNAT".equals(rule.target()) || rule.chain().startsWith("KUBE-SERVICES")) {
                return true;
            }
        }
        return false;
    }

    private static String host(int address) {
        return Addresses.ipv4(address);
    }
}
