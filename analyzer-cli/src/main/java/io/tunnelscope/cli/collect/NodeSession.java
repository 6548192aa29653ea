package io.tunnelscope.cli.collect;

import io.tunnelscope.state.ClusterState;
import io.tunnelscope.state.IpJson;
import io.tunnelscope.state.NetworkConfig;
import io.tunnelscope.state.NodeState;
import io.tunnelscope.state.OverlayDevices;
import io.tunnelscope.state.StateFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Everything collect does on one node: set the transport up, record the state into
 * {@code DIR/NODE/state/} (with {@code index.json}: each item's exit status and messages), find the
 * overlay's devices (or take the ones named), start one {@link DeviceCapture} per device, and at the
 * end record what changed during the capture (conntrack, neighbours) and tear the transport down.
 * A node that cannot be reached or has no usable {@code ip -j} fails alone, with the reason.
 */
public final class NodeSession {
    /** What to capture, shared by the nodes of one run. */
    public static final class Settings {
        /** {@code null}: discover; else the devices to capture. */
        public List<String> devices;
        /** Capture the pods' veths too (discovery only). */
        public boolean pods;
        /** BPF filter, or empty. */
        public String filter = "";
        /** Snapshot length, 0 for whole packets. */
        public int snapLength;
        /** How long the state script may run. */
        public int stateSeconds = 120;
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final List<String> END_ITEMS = List.of(NodeState.CONNTRACK_END, NodeState.NEIGH_END);
    /** Every file the state script writes. */
    private static final java.util.Set<String> ITEMS = java.util.Set.of(NodeState.HOSTNAME, "tools.txt", NodeState.LINK,
            NodeState.ADDR, NodeState.ROUTE, NodeState.NEIGH, NodeState.NEIGH_END, NodeState.FDB, NodeState.IPTABLES,
            NodeState.IP6TABLES, NodeState.NFT, NodeState.CONNTRACK, NodeState.CONNTRACK_END, NodeState.ETHTOOL,
            NodeState.SYSCTL, NodeState.SUBNET_ENV, NodeState.KUBERNETES);

    private final String name;
    private final Transport transport;
    private final Path dir;
    private final Settings settings;
    private final List<DeviceCapture> captures = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private volatile String failure;
    private volatile boolean setUp;

    public NodeSession(String name, Transport transport, Path collected, Settings settings) {
        this.name = name;
        this.transport = transport;
        this.dir = collected.resolve(name);
        this.settings = settings;
    }

    /**
     * Sets the node up, records its state and finds its devices; false (with {@link #failure()})
     * when the node cannot be used.
     */
    public boolean prepare() {
        try {
            Files.createDirectories(dir.resolve(ClusterState.STATE_DIRECTORY));
            transport.setUp();
            setUp = true;
        } catch (IOException e) {
            failure = "cannot reach the node (" + transport.spec() + "): " + e.getMessage();
            return false;
        }
        Map<String, StateSections.Section> state;
        try {
            state = recordState(List.of());
        } catch (IOException e) {
            failure = e.getMessage();
            return false;
        }
        recordKubernetesHere(state);
        StateSections.Section link = state.get(NodeState.LINK);
        if (link == null || link.exit() != 0) {
            failure = "cannot list its devices with 'ip -j -d link': " + (link == null ? "no output"
                    : link.errors().isEmpty() ? "exit " + link.exit() : String.join(" ", link.errors()));
            return false;
        }
        NetworkConfig network;
        try {
            network = IpJson.parse(text(state, NodeState.LINK), text(state, NodeState.ADDR), text(state, NodeState.ROUTE),
                    null, null);
        } catch (StateFormatException e) {
            failure = "cannot read its devices: " + e.getMessage();
            return false;
        }
        List<OverlayDevices.Device> devices = new ArrayList<>();
        if (settings.devices == null) {
            devices.addAll(OverlayDevices.discover(network, settings.pods));
            if (devices.isEmpty()) {
                failure = "no overlay device, bridge or NIC with an address found (name them with --devices)";
                return false;
            }
        } else {
            Map<String, OverlayDevices.Device> found = new LinkedHashMap<>();
            for (OverlayDevices.Device d : OverlayDevices.discover(network, true)) {
                found.put(d.name(), d);
            }
            for (String device : settings.devices) {
                NetworkConfig.Link l = network.link(device);
                if (l == null && !device.equals("any")) {
                    notes.add(device + ": no such device on this node");
                    continue;
                }
                OverlayDevices.Device known = found.get(device);
                devices.add(known != null ? known : new OverlayDevices.Device(device, "", device.equals("any")
                        ? "all devices (Linux cooked)" : (l.kind() == null ? "device" : l.kind()) + ", MTU " + l.mtu()));
            }
            if (devices.isEmpty()) {
                failure = "none of the devices named is on this node";
                return false;
            }
        }
        for (OverlayDevices.Device d : devices) {
            if (!validDeviceName(d.name())) {
                notes.add("device name " + d.name().replaceAll("\\p{Cntrl}", "?") + " skipped: not a valid file name");
                continue;
            }
            List<String> command = transport.command(RemoteScripts.CAPTURE, "tunnelscope-capture",
                    List.of(d.name(), settings.filter, String.valueOf(settings.snapLength), transport.ownTraffic()));
            captures.add(new DeviceCapture(name, d.name(), d.description(), dir.resolve(d.name() + ".pcapng"),
                    command));
        }
        return true;
    }

    /** Linux device names: 1-15 bytes, no '/', ':' or whitespace, not '.' or '..'. */
    static boolean validDeviceName(String device) {
        return !device.isEmpty() && device.length() <= 15 && !device.equals(".") && !device.equals("..")
                && device.chars().noneMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c) || c < 0x20
                || c == 0x7f);
    }

    /** Starts every capture. */
    public void startCaptures() {
        captures.forEach(DeviceCapture::start);
    }

    /** Records what changes while capturing (conntrack, neighbours); then tears the transport down. */
    public void finish() {
        if (setUp && failure == null) {
            try {
                recordState(END_ITEMS);
            } catch (IOException e) {
                notes.add("end state not recorded: " + e.getMessage());
            }
        }
        if (setUp) {
            transport.tearDown();
            String left = transport.leftBehind();
            if (left != null) {
                notes.add("left behind: " + left);
            }
        }
    }

    /** Runs the state script for {@code items} (all when empty) and writes each item's file. */
    private Map<String, StateSections.Section> recordState(List<String> items) throws IOException {
        String boundary = "tunnelscope-" + HexFormat.of().formatHex(randomBytes());
        List<String> args = new ArrayList<>(List.of(boundary, transport.root()));
        args.addAll(items);
        List<String> command = transport.command(RemoteScripts.STATE, "tunnelscope-state", args);
        Process p = new ProcessBuilder(Detached.command(command)).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> copy(p.getErrorStream(), err), "collect-" + name + "-state-stderr");
        errReader.setDaemon(true);
        errReader.start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(settings.stateSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException("the state commands did not finish in " + settings.stateSeconds + " s");
            }
            errReader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        Map<String, StateSections.Section> sections = StateSections.parse(out, boundary);
        if (sections.isEmpty()) {
            String message = lastLine(err.toString(StandardCharsets.UTF_8));
            throw new IOException((p.exitValue() == 255 && command.get(0).equals("ssh") ? "ssh failed" : "no state")
                    + " (exit " + p.exitValue() + ")" + (message.isEmpty() ? "" : ": " + message));
        }
        Path state = dir.resolve(ClusterState.STATE_DIRECTORY);
        List<Map<String, Object>> entries = new ArrayList<>();
        for (StateSections.Section s : sections.values()) {
            if (!ITEMS.contains(s.name())) {
                continue; // only the files the script was asked for: a name from the node is never a path
            }
            boolean kept = s.content().length > 0;
            if (kept) {
                Files.write(state.resolve(s.name()), s.content());
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("file", s.name());
            entry.put("exit", s.exit());
            entry.put("written", kept);
            entry.put("stderr", s.errors());
            entries.add(entry);
        }
        StateIndex.append(state.resolve(StateIndex.FILE), entries);
        return sections;
    }

    /**
     * Lists the cluster's objects with the transport's local command when the node could not list
     * them itself; a failure is a note in the index, never the node's failure.
     */
    private void recordKubernetesHere(Map<String, StateSections.Section> state) {
        List<String> command = transport.kubernetesCommand();
        StateSections.Section own = state.get(NodeState.KUBERNETES);
        if (command == null || own != null && own.exit() == 0 && own.content().length > 0) {
            return;
        }
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("file", NodeState.KUBERNETES);
        entry.put("command", String.join(" ", command));
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            p.getOutputStream().close();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread errReader = new Thread(() -> copy(p.getErrorStream(), err), "collect-" + name + "-kubectl-get");
            errReader.setDaemon(true);
            errReader.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(settings.stateSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            errReader.join(5_000);
            boolean ok = !p.isAlive() && p.exitValue() == 0 && out.length > 0;
            if (ok) {
                Files.write(dir.resolve(ClusterState.STATE_DIRECTORY).resolve(NodeState.KUBERNETES), out);
            }
            entry.put("exit", p.isAlive() ? -1 : p.exitValue());
            entry.put("written", ok);
            entry.put("stderr", err.toString(StandardCharsets.UTF_8).lines().toList());
            StateIndex.append(dir.resolve(ClusterState.STATE_DIRECTORY).resolve(StateIndex.FILE), List.of(entry));
        } catch (IOException e) {
            notes.add(NodeState.KUBERNETES + " not recorded: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return b;
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() < 1 << 20) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // process gone
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1].strip();
    }

    private static String text(Map<String, StateSections.Section> state, String file) {
        StateSections.Section s = state.get(file);
        return s == null || s.exit() != 0 ? null : new String(s.content(), StandardCharsets.UTF_8);
    }

    public String name() {
        return name;
    }

    public Transport transport() {
        return transport;
    }

    public List<DeviceCapture> captures() {
        return captures;
    }

    /** Why the node could not be used, or null. */
    public String failure() {
        return failure;
    }

    /** Things worth saying that did not stop the node (a device named that it lacks, a pod left behind). */
    public List<String> notes() {
        return notes;
    }
}
