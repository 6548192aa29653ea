package io.tunnelscope.cli.collect;

import java.io.IOException;
import java.util.List;

/**
 * How commands reach one node. A command is always a POSIX shell script with arguments, run as
 * {@code sh -c SCRIPT NAME ARGS...} on the node; the transport says what to run here to get that
 * done there, with the script's standard streams connected to ours (binary-safe: captures stream
 * through them).
 */
public interface Transport {
    /** The transport as the user wrote it ({@code ssh:root@10.0.0.2}), for messages. */
    String spec();

    /** The local command line that runs {@code sh -c script name args...} on the node. */
    List<String> command(String script, String name, List<String> args);

    /** Where the node's own file system is seen from the commands ({@code /}, or {@code /host} in a debug pod). */
    default String root() {
        return "/";
    }

    /**
     * The transport's own traffic that captures must leave out, as the capture script names it:
     * {@code ssh} (the sessions streaming captures back), {@code kubelet} (kubectl exec streams), or
     * empty when the transport uses no network.
     */
    default String ownTraffic() {
        return "";
    }

    /**
     * A local command that lists the cluster's pods, nodes and services as JSON when the node
     * itself cannot (a debug pod has no kubeconfig), or null.
     */
    default List<String> kubernetesCommand() {
        return null;
    }

    /** Prepares the node before any command (e.g. starts a debug pod); throws with the reason when it cannot. */
    default void setUp() throws IOException {
    }

    /** Undoes {@link #setUp()}; never throws. */
    default void tearDown() {
    }

    /** What {@link #tearDown()} left behind that the user must remove by hand, or null. */
    default String leftBehind() {
        return null;
    }
}
