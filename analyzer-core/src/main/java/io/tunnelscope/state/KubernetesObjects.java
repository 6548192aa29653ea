package io.tunnelscope.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pods, nodes and services from a {@code kubectl get pods,nodes,services -A -o json} dump (a
 * {@code List}, or any {@code *List} or single object of those kinds): what names addresses.
 */
public final class KubernetesObjects {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A pod with its addresses ({@code status.podIPs}); host-network pods share the node's address
     * and are kept apart ({@code hostNetwork}).
     */
    public record Pod(String namespace, String name, String node, boolean hostNetwork, List<String> addresses) {
        public String qualifiedName() {
            return namespace + "/" + name;
        }
    }

    /** A node with its addresses ({@code status.addresses}) and pod CIDRs ({@code spec.podCIDRs}). */
    public record Node(String name, List<String> addresses, List<String> podCidrs) {
    }

    /** A service with its cluster IPs and external IPs. */
    public record Service(String namespace, String name, List<String> addresses) {
        public String qualifiedName() {
            return namespace + "/" + name;
        }
    }

    private final List<Pod> pods;
    private final List<Node> nodes;
    private final List<Service> services;

    public KubernetesObjects(List<Pod> pods, List<Node> nodes, List<Service> services) {
        this.pods = List.copyOf(pods);
        this.nodes = List.copyOf(nodes);
        this.services = List.copyOf(services);
    }

    /** Nothing known. */
    public static final KubernetesObjects EMPTY = new KubernetesObjects(List.of(), List.of(), List.of());

    /**
     * Parses a dump.
     *
     * @throws StateFormatException when the text is not JSON or holds no Kubernetes object
     */
    public static KubernetesObjects parse(String text, String file) throws StateFormatException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new StateFormatException(file, "not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject() || !root.has("kind")) {
            throw new StateFormatException(file, "not a Kubernetes object or list (no \"kind\"; expected the output "
                    + "of kubectl get pods,nodes,services -A -o json)");
        }
        List<JsonNode> items = new ArrayList<>();
        if (root.has("items")) {
            root.get("items").forEach(items::add);
        } else {
            items.add(root);
        }
        List<Pod> pods = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        List<Service> services = new ArrayList<>();
        String listKind = root.path("kind").asText();
        for (JsonNode item : items) {
            String kind = item.path("kind").asText(listKind.endsWith("List") ? listKind.substring(0,
                    listKind.length() - 4) : listKind);
            JsonNode meta = item.path("metadata");
            String namespace = meta.path("namespace").asText("default");
            String name = meta.path("name").asText();
            switch (kind) {
                case "Pod" -> {
                    List<String> addresses = new ArrayList<>();
                    for (JsonNode ip : item.path("status").path("podIPs")) {
                        addAddress(addresses, ip.path("ip").asText(null));
                    }
                    addAddress(addresses, item.path("status").path("podIP").asText(null));
                    pods.add(new Pod(namespace, name, item.path("spec").path("nodeName").asText(null),
                            item.path("spec").path("hostNetwork").asBoolean(false), List.copyOf(addresses)));
                }
                case "Node" -> {
                    List<String> addresses = new ArrayList<>();
                    for (JsonNode a : item.path("status").path("addresses")) {
                        String type = a.path("type").asText();
                        if (type.equals("InternalIP") || type.equals("ExternalIP")) {
                            addAddress(addresses, a.path("address").asText(null));
                        }
                    }
                    List<String> cidrs = new ArrayList<>();
                    for (JsonNode c : item.path("spec").path("podCIDRs")) {
                        addCidr(cidrs, c.asText(null));
                    }
                    addCidr(cidrs, item.path("spec").path("podCIDR").asText(null));
                    nodes.add(new Node(name, List.copyOf(addresses), List.copyOf(cidrs)));
                }
                case "Service" -> {
                    List<String> addresses = new ArrayList<>();
                    JsonNode spec = item.path("spec");
                    for (JsonNode ip : spec.path("clusterIPs")) {
                        addAddress(addresses, ip.asText(null));
                    }
                    addAddress(addresses, spec.path("clusterIP").asText(null));
                    for (JsonNode ip : spec.path("externalIPs")) {
                        addAddress(addresses, ip.asText(null));
                    }
                    for (JsonNode ingress : item.path("status").path("loadBalancer").path("ingress")) {
                        addAddress(addresses, ingress.path("ip").asText(null));
                    }
                    services.add(new Service(namespace, name, List.copyOf(addresses)));
                }
                default -> {
                }
            }
        }
        if (pods.isEmpty() && nodes.isEmpty() && services.isEmpty() && !root.has("items")) {
            throw new StateFormatException(file, "kind " + listKind + " is not a pod, node or service (or a list)");
        }
        return new KubernetesObjects(pods, nodes, services);
    }

    private static void addAddress(List<String> addresses, String text) {
        if (text != null && IpBlock.address(text) != null && !addresses.contains(text)) {
            addresses.add(text);
        }
    }

    private static void addCidr(List<String> cidrs, String text) {
        if (text != null && IpBlock.parse(text) != null && !cidrs.contains(text)) {
            cidrs.add(text);
        }
    }

    /** Both dumps' objects; an object in both (same kind and name) is kept once, as {@code this} has it. */
    public KubernetesObjects merge(KubernetesObjects other) {
        Map<String, Pod> p = new LinkedHashMap<>();
        pods.forEach(x -> p.put(x.qualifiedName(), x));
        other.pods.forEach(x -> p.putIfAbsent(x.qualifiedName(), x));
        Map<String, Node> n = new LinkedHashMap<>();
        nodes.forEach(x -> n.put(x.name(), x));
        other.nodes.forEach(x -> n.putIfAbsent(x.name(), x));
        Map<String, Service> s = new LinkedHashMap<>();
        services.forEach(x -> s.put(x.qualifiedName(), x));
        other.services.forEach(x -> s.putIfAbsent(x.qualifiedName(), x));
        return new KubernetesObjects(new ArrayList<>(p.values()), new ArrayList<>(n.values()),
                new ArrayList<>(s.values()));
    }

    public List<Pod> pods() {
        return pods;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public List<Service> services() {
        return services;
    }

    public boolean isEmpty() {
        return pods.isEmpty() && nodes.isEmpty() && services.isEmpty();
    }
}
