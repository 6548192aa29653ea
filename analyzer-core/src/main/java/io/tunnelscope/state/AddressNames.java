package io.tunnelscope.state;

import io.tunnelscope.collect.LongObjectMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Names for addresses: the pod ({@code namespace/name}), service or node an address belongs to,
 * from Kubernetes objects ({@code kubectl get -o json}) and from the collected nodes' own
 * addresses. A pod's address is named after the pod (host-network pods are left out: their
 * address is the node's), else a service's, else a node's. Also the other way round, for the
 * filter: the addresses of a pod, of a service, and those of a node (its own addresses and its pod
 * subnets, so every pod on it), or of a namespace.
 */
public final class AddressNames {
    /** What an address is: {@code pod}, {@code service} or {@code node}. */
    public enum Kind {
        POD, SERVICE, NODE;

        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The name of an address.
     *
     * @param kind what it is
     * @param name {@code namespace/name} for pods and services, the node name for nodes
     * @param node the node a pod runs on (null for services, the name itself for nodes)
     */
    public record Name(Kind kind, String name, String node) {
        /** {@code pod default/web-1}, {@code node node2}. */
        public String label() {
            return kind.jsonName() + " " + name;
        }
    }

    private final Map<String, Name> byAddress = new LinkedHashMap<>();
    private final LongObjectMap<Name> byIpv4 = new LongObjectMap<>(64);
    private final Map<String, List<IpBlock>> pods = new LinkedHashMap<>();
    private final Map<String, List<IpBlock>> services = new LinkedHashMap<>();
    private final Map<String, List<IpBlock>> nodes = new LinkedHashMap<>();
    private final Map<String, List<IpBlock>> namespaces = new LinkedHashMap<>();

    /** No names. */
    public static final AddressNames NONE = new AddressNames();

    private AddressNames() {
    }

    /** The names a cluster state gives. */
    public static AddressNames from(ClusterState state) {
        AddressNames names = new AddressNames();
        KubernetesObjects k8s = state.kubernetes();
        for (KubernetesObjects.Pod pod : k8s.pods()) {
            if (pod.hostNetwork()) {
                continue;
            }
            for (String address : pod.addresses()) {
                names.name(address, new Name(Kind.POD, pod.qualifiedName(), pod.node()));
                names.block(names.pods, pod.qualifiedName(), address);
                names.block(names.namespaces, pod.namespace(), address);
                if (pod.node() != null) {
                    names.block(names.nodes, pod.node(), address);
                }
            }
        }
        for (KubernetesObjects.Service service : k8s.services()) {
            for (String address : service.addresses()) {
                names.name(address, new Name(Kind.SERVICE, service.qualifiedName(), null));
                names.block(names.services, service.qualifiedName(), address);
                names.block(names.namespaces, service.namespace(), address);
            }
        }
        for (KubernetesObjects.Node node : k8s.nodes()) {
            for (String address : node.addresses()) {
                names.name(address, new Name(Kind.NODE, node.name(), node.name()));
                names.block(names.nodes, node.name(), address);
            }
            for (String cidr : node.podCidrs()) {
                names.block(names.nodes, node.name(), cidr);
            }
        }
        for (NodeState node : state.nodes()) {
            for (String address : node.addresses()) {
                names.name(address, new Name(Kind.NODE, node.name(), node.name()));
                names.block(names.nodes, node.name(), address);
            }
            IpBlock subnet = node.podSubnet();
            if (subnet != null) {
                names.block(names.nodes, node.name(), subnet.toString());
            }
        }
        return names;
    }

    /** Keeps the first name given to an address (pods come first, then services, then nodes). */
    private void name(String address, Name name) {
        byte[] bytes = IpBlock.address(address);
        if (bytes == null) {
            return;
        }
        String key = IpBlock.parse(address).toString();
        if (byAddress.putIfAbsent(key, name) == null && bytes.length == 4) {
            byIpv4.put(IpBlock.ipv4Int(address) & 0xFFFF_FFFFL, name);
        }
    }

    private void block(Map<String, List<IpBlock>> map, String key, String text) {
        IpBlock block = IpBlock.parse(text);
        if (block != null) {
            List<IpBlock> list = map.computeIfAbsent(key, k -> new ArrayList<>());
            if (!list.contains(block)) {
                list.add(block);
            }
        }
    }

    public boolean isEmpty() {
        return byAddress.isEmpty() && nodes.isEmpty();
    }

    /** The name of an address given as text ({@code 10.244.1.2}, IPv6), or null. */
    public Name name(String address) {
        IpBlock block = IpBlock.parse(address);
        if (block == null || block.prefixLength() != block.bytes().length * 8) {
            return null;
        }
        return byAddress.get(block.toString());
    }

    /** The name of an IPv4 address, or null. Allocates nothing. */
    public Name ipv4(int address) {
        return byIpv4.isEmpty() ? null : byIpv4.get(address & 0xFFFF_FFFFL);
    }

    /** Whether any IPv6 address has a name. */
    public boolean namesIpv6() {
        return byAddress.size() > byIpv4.size();
    }

    /**
     * The addresses of the pod {@code name} ({@code namespace/name}; a bare name matches that pod in
     * any namespace), or an empty list when no pod has that name.
     */
    public List<IpBlock> pod(String name) {
        return lookup(pods, name);
    }

    /** The addresses of a service, as {@link #pod}. */
    public List<IpBlock> service(String name) {
        return lookup(services, name);
    }

    /** A node's own addresses and pod subnets (every pod on it), or an empty list. */
    public List<IpBlock> node(String name) {
        return nodes.getOrDefault(name, List.of());
    }

    /** The addresses of a namespace's pods and services, or an empty list. */
    public List<IpBlock> namespace(String name) {
        return namespaces.getOrDefault(name, List.of());
    }

    private static List<IpBlock> lookup(Map<String, List<IpBlock>> map, String name) {
        List<IpBlock> exact = map.get(name);
        if (exact != null || name.indexOf('/') >= 0) {
            return exact == null ? List.of() : exact;
        }
        List<IpBlock> any = new ArrayList<>();
        for (Map.Entry<String, List<IpBlock>> e : map.entrySet()) {
            if (e.getKey().endsWith("/" + name)) {
                any.addAll(e.getValue());
            }
        }
        return any;
    }

    /** Every address known for a kind ({@code pod}: all pods), for a field tested alone. */
    public List<IpBlock> all(Kind kind) {
        Map<String, List<IpBlock>> map = switch (kind) {
            case POD -> pods;
            case SERVICE -> services;
            case NODE -> nodes;
        };
        Set<IpBlock> out = new LinkedHashSet<>();
        map.values().forEach(out::addAll);
        return new ArrayList<>(out);
    }

    /** The names known of a kind, for messages. */
    public Set<String> names(Kind kind) {
        return switch (kind) {
            case POD -> pods.keySet();
            case SERVICE -> services.keySet();
            case NODE -> nodes.keySet();
        };
    }

    /** The namespaces known. */
    public Set<String> namespaces() {
        return namespaces.keySet();
    }

    /**
     * {@code line} with every named IPv4 address followed by its name in parentheses, after the
     * address and its port, as tcpdump prints a resolved name beside it
     * ({@code 10.244.1.2.40100 (pod default/web-1) > 10.244.2.2.5201 (pod default/web-2)},
     * {@code SNAT 10.244.1.2 (pod default/web-1) -> 10.0.0.2 (node worker1)}); blocks
     * ({@code 10.244.1.0/24}) keep no name. The line itself when nothing in it has a name.
     */
    public String annotate(String line) {
        StringBuilder out = null;
        int copied = 0;
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c < '0' || c > '9' || (i > 0 && (isWordChar(line.charAt(i - 1)) || line.charAt(i - 1) == '.'))) {
                i++;
                continue;
            }
            int[] parsed = dottedQuad(line, i);
            if (parsed == null) {
                while (i < n && (Character.isDigit(line.charAt(i)) || line.charAt(i) == '.')) {
                    i++;
                }
                continue;
            }
            int end = parsed[1];
            if (end < n && (line.charAt(end) == '/' || isWordChar(line.charAt(end)) && line.charAt(end) != '.')) {
                i = end;
                continue;
            }
            Name name = ipv4(parsed[0]);
            int after = end;
            if (after + 1 < n && (line.charAt(after) == '.' || line.charAt(after) == ':')
                    && Character.isDigit(line.charAt(after + 1))) {
                int p = after + 1;
                while (p < n && Character.isDigit(line.charAt(p))) {
                    p++;
                }
                after = p;
            }
            if (name != null) {
                if (out == null) {
                    out = new StringBuilder(n + 32);
                }
                out.append(line, copied, after).append(" (").append(name.label()).append(')');
                copied = after;
            }
            i = after;
        }
        if (out == null) {
            return line;
        }
        return out.append(line, copied, n).toString();
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-';
    }

    /** The IPv4 address starting at {@code at} as {value, end}, or null. */
    private static int[] dottedQuad(String s, int at) {
        int value = 0;
        int i = at;
        for (int part = 0; part < 4; part++) {
            if (part > 0) {
                if (i >= s.length() || s.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
            int start = i;
            int v = 0;
            while (i < s.length() && Character.isDigit(s.charAt(i)) && i - start < 3) {
                v = v * 10 + (s.charAt(i) - '0');
                i++;
            }
            if (i == start || v > 255) {
                return null;
            }
            value = value << 8 | v;
        }
        return new int[] {value, i};
    }
}
