package io.tunnelscope.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One node's recorded network state: what {@code tunnelscope collect} wrote into
 * {@code DIR/NODE/state/}. Every part is optional (a command missing on the node leaves it empty);
 * a file that cannot be read or parsed is named in {@link #problems()} and the others are used.
 *
 * @param name       the node's name (its directory)
 * @param directory  the {@code state} directory, or null when built in memory
 * @param hostname   the node's hostname, or null
 * @param network    devices, addresses, routes, neighbours, FDB
 * @param iptables   {@code iptables-save}
 * @param nft        {@code nft -j list ruleset}
 * @param conntrack  {@code conntrack -L} at the start, then (if recorded) at the end of the capture
 * @param offloads   {@code ethtool -k} of every device
 * @param sysctls    the sysctls that matter for an overlay
 * @param subnetEnv  flannel's {@code subnet.env}
 * @param kubernetes {@code kubectl get pods,nodes,services -A -o json}, when the node had a kubeconfig
 * @param problems   files present but unreadable, one sentence each
 */
public record NodeState(String name, Path directory, String hostname, NetworkConfig network, IptablesRules iptables,
                        NftRuleset nft, List<Conntrack.Entry> conntrack, Offloads offloads, Sysctls sysctls,
                        SubnetEnv subnetEnv, KubernetesObjects kubernetes, List<String> problems) {

    public static final String HOSTNAME = "hostname";
    public static final String LINK = "ip-link.json";
    public static final String ADDR = "ip-addr.json";
    public static final String ROUTE = "ip-route.json";
    public static final String NEIGH = "ip-neigh.json";
    public static final String NEIGH_END = "ip-neigh-end.json";
    public static final String FDB = "bridge-fdb.json";
    public static final String IPTABLES = "iptables-save.txt";
    public static final String IP6TABLES = "ip6tables-save.txt";
    public static final String NFT = "nft-ruleset.json";
    public static final String CONNTRACK = "conntrack.txt";
    public static final String CONNTRACK_END = "conntrack-end.txt";
    public static final String ETHTOOL = "ethtool-k.txt";
    public static final String SYSCTL = "proc-sys.txt";
    public static final String SUBNET_ENV = "subnet.env";
    public static final String KUBERNETES = "kubernetes.json";

    /**
     * Reads {@code stateDirectory} (a node's {@code state/}). Never fails for a missing or broken
     * file: that is a problem noted in the result.
     */
    public static NodeState load(String name, Path stateDirectory) {
        List<String> problems = new ArrayList<>();
        Reader r = new Reader(stateDirectory, problems);
        NetworkConfig network = NetworkConfig.EMPTY;
        try {
            network = IpJson.parse(r.text(LINK), r.text(ADDR), r.text(ROUTE),
                    r.text(NEIGH_END) != null ? r.text(NEIGH_END) : r.text(NEIGH), r.text(FDB));
        } catch (StateFormatException e) {
            problems.add(r.where(e.getMessage()));
        }
        IptablesRules iptables = IptablesRules.EMPTY;
        String ipt = r.text(IPTABLES);
        if (ipt != null) {
            try {
                iptables = IptablesRules.parse(ipt, IPTABLES);
            } catch (StateFormatException e) {
                problems.add(r.where(e.getMessage()));
            }
        }
        NftRuleset nft = NftRuleset.EMPTY;
        String nftText = r.text(NFT);
        if (nftText != null && !nftText.isBlank()) {
            try {
                nft = NftRuleset.parse(nftText, NFT);
            } catch (StateFormatException e) {
                problems.add(r.where(e.getMessage()));
            }
        }
        List<Conntrack.Entry> conntrack = new ArrayList<>();
        for (String file : List.of(CONNTRACK, CONNTRACK_END)) {
            String text = r.text(file);
            if (text != null) {
                conntrack.addAll(Conntrack.parse(text));
            }
        }
        Offloads offloads = Offloads.EMPTY;
        String ethtool = r.text(ETHTOOL);
        if (ethtool != null) {
            try {
                offloads = Offloads.parse(ethtool, ETHTOOL);
            } catch (StateFormatException e) {
                problems.add(r.where(e.getMessage()));
            }
        }
        String sysctl = r.text(SYSCTL);
        String subnet = r.text(SUBNET_ENV);
        KubernetesObjects kubernetes = KubernetesObjects.EMPTY;
        String k8s = r.text(KUBERNETES);
        if (k8s != null && !k8s.isBlank()) {
            try {
                kubernetes = KubernetesObjects.parse(k8s, KUBERNETES);
            } catch (StateFormatException e) {
                problems.add(r.where(e.getMessage()));
            }
        }
        String hostname = r.text(HOSTNAME);
        return new NodeState(name, stateDirectory, hostname == null ? null : hostname.strip(), network, iptables, nft,
                List.copyOf(conntrack), offloads, sysctl == null ? Sysctls.EMPTY : Sysctls.parse(sysctl),
                subnet == null ? SubnetEnv.EMPTY : SubnetEnv.parse(subnet), kubernetes, List.copyOf(problems));
    }

    /** Reads the files of a state directory, noting the unreadable ones. */
    private record Reader(Path dir, List<String> problems) {
        String text(String file) {
            Path path = dir.resolve(file);
            if (!Files.isRegularFile(path)) {
                return null;
            }
            try {
                return Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                problems.add(path + ": cannot read: " + e.getMessage());
                return null;
            }
        }

        String where(String message) {
            return dir.resolve(message).toString();
        }
    }

    /** The addresses of the node's devices (loopback and link-local left out). */
    public List<String> addresses() {
        List<String> out = new ArrayList<>();
        for (NetworkConfig.Link link : network.links()) {
            if (link.loopback()) {
                continue;
            }
            for (NetworkConfig.Address a : link.addresses()) {
                if (!"link".equals(a.scope()) && !"host".equals(a.scope())) {
                    out.add(a.address());
                }
            }
        }
        return out;
    }

    /**
     * The node's pod subnet: flannel's {@code FLANNEL_SUBNET}, else the network of the first bridge
     * that has an IPv4 address (docker0, cni0); null when neither is known.
     */
    public IpBlock podSubnet() {
        IpBlock subnet = subnetEnv.subnet();
        if (subnet != null) {
            return subnet;
        }
        for (NetworkConfig.Link link : network.links()) {
            if ("bridge".equals(link.kind())) {
                for (NetworkConfig.Address a : link.addresses()) {
                    if ("inet".equals(a.family()) && a.prefixLength() < 32) {
                        return a.network();
                    }
                }
            }
        }
        return null;
    }
}
