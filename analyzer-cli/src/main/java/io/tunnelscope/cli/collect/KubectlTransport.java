package io.tunnelscope.cli.collect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes node through {@code kubectl}: the cluster's pods, nodes and services listed with the
 * user's own kubectl, one debug pod per node ({@code kubectl debug node/NODE
 * --image=IMAGE --profile=sysadmin -- sleep 86400}: host network, host PID, the node's root at
 * {@code /host}, privileged), waited for ({@code kubectl wait --for=condition=Ready}), every command
 * run in it with {@code kubectl exec -i POD -- sh -c ...}, and the pod deleted at the end
 * ({@code kubectl delete pod POD --wait=false}). The commands are tested against a fake kubectl
 * that records its arguments; not against a live cluster.
 */
final class KubectlTransport implements Transport {
    /** What {@code kubectl debug} prints when it has created the pod. */
    private static final Pattern CREATED = Pattern.compile("Creating debugging pod (\\S+) with container");
    /** The debug pod's command: longer than any capture, ended by deleting the pod. */
    static final String SLEEP_SECONDS = "86400";

    private final String spec;
    private final String node;
    private final String image;
    private final int setUpSeconds;
    private volatile String pod;
    private volatile String leftBehind;

    KubectlTransport(String spec, String node, String image, int setUpSeconds) {
        this.spec = spec;
        this.node = node;
        this.image = image;
        this.setUpSeconds = setUpSeconds;
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public String root() {
        return "/host";
    }

    @Override
    public String ownTraffic() {
        return "kubelet";
    }

    /** The user's own kubectl lists the cluster's objects: the debug pod has no kubeconfig. */
    @Override
    public List<String> kubernetesCommand() {
        return List.of("kubectl", "get", "pods,nodes,services", "-A", "-o", "json", "--request-timeout=15s");
    }

    @Override
    public void setUp() throws IOException {
        String created = run(List.of("kubectl", "debug", "node/" + node, "--image=" + image, "--profile=sysadmin", "--",
                "sleep", SLEEP_SECONDS), setUpSeconds);
        Matcher m = CREATED.matcher(created);
        if (!m.find()) {
            throw new IOException("kubectl debug did not say which pod it created: " + oneLine(created));
        }
        pod = m.group(1);
        run(List.of("kubectl", "wait", "--for=condition=Ready", "pod/" + pod, "--timeout=" + setUpSeconds + "s"),
                setUpSeconds + 10);
    }

    @Override
    public List<String> command(String script, String name, List<String> args) {
        if (pod == null) {
            throw new IllegalStateException("kubectl transport used before setUp");
        }
        List<String> command = new ArrayList<>(List.of("kubectl", "exec", "-i", pod, "--", "sh", "-c", script, name));
        command.addAll(args);
        return command;
    }

    @Override
    public void tearDown() {
        String p = pod;
        if (p == null) {
            return;
        }
        try {
            run(List.of("kubectl", "delete", "pod", p, "--wait=false"), 60);
            pod = null;
        } catch (IOException e) {
            leftBehind = "debug pod " + p + " (kubectl delete pod " + p + ": " + e.getMessage() + ")";
        }
    }

    @Override
    public String leftBehind() {
        return leftBehind;
    }

    /** Runs a kubectl command to its end; its output, or an IOException with kubectl's message. */
    private static String run(List<String> command, int seconds) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().close();
        byte[] out;
        try {
            out = p.getInputStream().readNBytes(1 << 20);
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command.subList(0, 2)) + " did not finish in " + seconds + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command.subList(0, 2)) + " failed (exit " + p.exitValue() + "): "
                    + oneLine(text));
        }
        return text;
    }

    private static String oneLine(String text) {
        String t = text.strip().replaceAll("\\s*\\n\\s*", " | ");
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }
}
