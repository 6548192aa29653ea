package io.tunnelscope.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The state of every node of a collected directory ({@code DIR/NODE/state/}), plus Kubernetes
 * objects from the nodes that could list them and from {@code --k8s} dumps. Point names of collected
 * captures are {@code NODE-DEVICE}, so a point's node and device are known without guessing.
 */
public final class ClusterState {
    /** The directory {@code collect} keeps a node's state in, beside its captures. */
    public static final String STATE_DIRECTORY = "state";

    private final Map<String, NodeState> nodes;
    private final KubernetesObjects kubernetes;

    public ClusterState(List<NodeState> nodes, KubernetesObjects extra) {
        Map<String, NodeState> byName = new LinkedHashMap<>();
        KubernetesObjects k8s = extra;
        for (NodeState node : nodes) {
            byName.put(node.name(), node);
            k8s = k8s.merge(node.kubernetes());
        }
        this.nodes = byName;
        this.kubernetes = k8s;
    }

    /** Nothing known. */
    public static final ClusterState EMPTY = new ClusterState(List.of(), KubernetesObjects.EMPTY);

    /** Whether {@code dir} holds collected nodes: a subdirectory with a {@code state} directory. */
    public static boolean isCollected(Path dir) {
        return !nodeDirectories(dir).isEmpty();
    }

    /** The node directories of a collected directory ({@code DIR/NODE} with {@code state/}), sorted. */
    public static List<Path> nodeDirectories(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> listing = Files.list(dir)) {
            listing.filter(p -> Files.isDirectory(p.resolve(STATE_DIRECTORY))).sorted().forEach(out::add);
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /**
     * Loads every node state found under the directories given (each a collected directory, or a
     * node directory itself), with the Kubernetes dumps given besides.
     */
    public static ClusterState load(List<Path> directories, KubernetesObjects extra) {
        List<NodeState> nodes = new ArrayList<>();
        for (Path dir : directories) {
            if (Files.isDirectory(dir.resolve(STATE_DIRECTORY))) {
                nodes.add(NodeState.load(name(dir), dir.resolve(STATE_DIRECTORY)));
            }
            for (Path node : nodeDirectories(dir)) {
                nodes.add(NodeState.load(name(node), node.resolve(STATE_DIRECTORY)));
            }
        }
        return new ClusterState(nodes, extra);
    }

    private static String name(Path dir) {
        Path file = dir.toAbsolutePath().normalize().getFileName();
        return file == null ? dir.toString() : file.toString();
    }

    public List<NodeState> nodes() {
        return List.copyOf(nodes.values());
    }

    /** The node called {@code name}, or null. */
    public NodeState node(String name) {
        return nodes.get(name);
    }

    public KubernetesObjects kubernetes() {
        return kubernetes;
    }

    public boolean isEmpty() {
        return nodes.isEmpty() && kubernetes.isEmpty();
    }

    /** Every problem met while reading the nodes' state. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        nodes.values().forEach(n -> out.addAll(n.problems()));
        return out;
    }

    /**
     * The node a capture point belongs to: a point named {@code NODE-...} (longest node name
     * first); null when none.
     */
    public NodeState nodeOfPoint(String point) {
        NodeState best = null;
        for (NodeState node : nodes.values()) {
            if (point.startsWith(node.name() + "-") && (best == null || node.name().length() > best.name().length())) {
                best = node;
            }
        }
        return best;
    }

    /** The device a point of {@code node} captured on: the point name after {@code NODE-} (and before any {@code :}). */
    public static String deviceOfPoint(NodeState node, String point) {
        String device = point.substring(node.name().length() + 1);
        int colon = device.indexOf(':');
        return colon >= 0 ? device.substring(0, colon) : device;
    }

    /** The node one of whose devices holds {@code address}, or null. */
    public NodeState nodeWithAddress(String address) {
        for (NodeState node : nodes.values()) {
            if (node.network().linkWithAddress(address) != null) {
                return node;
            }
        }
        return null;
    }
}
