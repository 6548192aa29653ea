package io.tunnelscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tunnelscope.cli.collect.DeviceCapture;
import io.tunnelscope.cli.collect.NodeSession;
import io.tunnelscope.cli.collect.Transport;
import io.tunnelscope.cli.collect.Transports;
import io.tunnelscope.correlate.Correlator;
import io.tunnelscope.report.CorrelationReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code tunnelscope collect}: captures on several nodes at once, each over its own transport
 * ({@code ssh:}, {@code kubectl:}, {@code exec:}, {@code local}), on the overlay's devices found on
 * each node (or those named), streamed back into {@code DIR/NODE/DEVICE.pcapng}, with each node's
 * network state in {@code DIR/NODE/state/} and a manifest {@code DIR/collect.json}. While it runs it
 * correlates what arrived every few seconds and prints what is new, as {@code live} does; Ctrl-C,
 * {@code --duration} or {@code --count} end it with a report of packets and drops per node and
 * device and the correlation. A node that fails (unreachable, no tcpdump, no permission) is named
 * with the reason and the others go on; the exit status is then 2.
 */
final class CollectCommand {
    private static final long NANOS = 1_000_000_000L;
    /** How long a capture may take to say it listens (a kubectl exec, an ssh login). */
    private static final long LISTEN_SECONDS = 30;
    /** How long a capture may take to end once asked. */
    private static final long STOP_SECONDS = 15;
    /** The manifest collect writes beside the node directories. */
    static final String MANIFEST = "collect.json";

    private final PrintStream out;
    private final PrintStream err;
    private final ObjectMapper mapper = new ObjectMapper();

    CollectCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    private static Options options() {
        Options options = new Options();
        options.addOption(Option.builder().longOpt("node").hasArg().argName("NAME=TRANSPORT")
                .desc("a node and how to reach it (repeatable): ssh:[user@]host[:port], kubectl:NODE, "
                        + "exec:'COMMAND PREFIX', local").build());
        options.addOption(Option.builder("o").longOpt("out").hasArg().argName("DIR")
                .desc("where to write DIR/NODE/DEVICE.pcapng and DIR/NODE/state/ (must not hold these nodes yet)")
                .build());
        options.addOption(Option.builder().longOpt("duration").hasArg().argName("S").desc("stop after S seconds").build());
        options.addOption(Option.builder("c").longOpt("count").hasArg().argName("N")
                .desc("stop after N packets in all").build());
        options.addOption(Option.builder("f").longOpt("filter").hasArg().argName("BPF")
                .desc("BPF filter for every capture, as tcpdump takes it").build());
        options.addOption(Option.builder().longOpt("devices").hasArg().argName("auto|LIST")
                .desc("auto (default): the overlay's devices found with ip -j -d link; or a comma-separated list")
                .build());
        options.addOption(Option.builder().longOpt("pods").desc("also capture on the pods' veths (auto)").build());
        options.addOption(Option.builder("s").longOpt("snaplen").hasArg().argName("BYTES")
                .desc("bytes kept per packet; default whole packets").build());
        options.addOption(Option.builder().longOpt("image").hasArg().argName("IMAGE")
                .desc("kubectl nodes: the debug pod's image (tcpdump, iproute2, iptables; e.g. nicolaka/netshoot)")
                .build());
        options.addOption(Option.builder().longOpt("ssh-config").hasArg().argName("FILE")
                .desc("ssh nodes: this ssh client configuration instead of ~/.ssh/config (ssh -F)").build());
        options.addOption(Option.builder().longOpt("summary-every").hasArg().argName("S")
                .desc("correlate what arrived and print what is new every S seconds; default 5, 0 never").build());
        options.addOption(Option.builder().longOpt("json").desc("JSON Lines events on stdout (start, summary, end)")
                .build());
        CommonOptions.addDecodeAs(options);
        options.addOption(Option.builder("h").longOpt("help").desc("this help").build());
        return options;
    }

    /** Why the collection ended. */
    private enum End {
        COUNT("count reached"), DURATION("duration reached"), INTERRUPTED("interrupted"),
        CAPTURES("every capture ended"), NOTHING("no node could capture");

        final String text;

        End(String text) {
            this.text = text;
        }
    }

    int run(String[] args) {
        CommandLine line;
        List<NodeSession> nodes = new ArrayList<>();
        Path dir = null;
        long durationNanos;
        long limit;
        long summaryNanos;
        Correlator.Options correlation = new Correlator.Options();
        try {
            line = new DefaultParser().parse(options(), args);
            if (line.hasOption("help")) {
                help();
                return Main.EXIT_OK;
            }
            if (!line.getArgList().isEmpty()) {
                throw new IllegalArgumentException("unexpected argument '" + line.getArgList().get(0)
                        + "' (a BPF filter goes after --filter)");
            }
            String[] specs = line.getOptionValues("node");
            if (specs == null) {
                throw new IllegalArgumentException("name at least one --node NAME=TRANSPORT");
            }
            if (!line.hasOption("out")) {
                throw new IllegalArgumentException("--out DIR is required");
            }
            dir = Path.of(line.getOptionValue("out"));
            Transports.Settings transports = new Transports.Settings();
            transports.image = line.getOptionValue("image");
            if (line.hasOption("ssh-config")) {
                transports.sshConfig = Path.of(line.getOptionValue("ssh-config"));
                if (!Files.isReadable(transports.sshConfig)) {
                    throw new IllegalArgumentException("--ssh-config " + transports.sshConfig + ": not readable");
                }
            }
            NodeSession.Settings settings = new NodeSession.Settings();
            String devices = line.getOptionValue("devices", "auto");
            if (!devices.equals("auto")) {
                settings.devices = new ArrayList<>();
                for (String d : devices.split(",")) {
                    if (!d.isBlank()) {
                        settings.devices.add(d.strip());
                    }
                }
                if (settings.devices.isEmpty()) {
                    throw new IllegalArgumentException("--devices takes auto or a comma-separated list");
                }
            }
            settings.pods = line.hasOption("pods");
            settings.filter = line.getOptionValue("filter", "");
            settings.snapLength = line.hasOption("snaplen") ? (int) CommonOptions.positive(line, "snaplen", 0) : 0;
            durationNanos = CommonOptions.seconds(line, "duration", 0, false);
            limit = CommonOptions.positive(line, "count", Long.MAX_VALUE);
            summaryNanos = CommonOptions.seconds(line, "summary-every", 5 * NANOS, true);
            correlation.tables = CommonOptions.tables(line);
            Map<String, String> seen = new LinkedHashMap<>();
            for (String spec : specs) {
                int eq = spec.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--node " + spec + ": expected NAME=TRANSPORT");
                }
                String name = spec.substring(0, eq);
                if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
                    throw new IllegalArgumentException("--node " + name + ": a node name is letters, digits, '.', '_' "
                            + "and '-' (it names a directory)");
                }
                if (seen.put(name, spec) != null) {
                    throw new IllegalArgumentException("--node " + name + " given twice");
                }
                Transport transport = Transports.parse(spec.substring(eq + 1), transports);
                if (Files.exists(dir.resolve(name))) {
                    throw new IllegalArgumentException("--out " + dir + ": " + dir.resolve(name)
                            + " exists already (collect writes fresh node directories)");
                }
                nodes.add(new NodeSession(name, transport, dir, settings));
            }
            Files.createDirectories(dir);
        } catch (ParseException | IllegalArgumentException e) {
            err.println("tunnelscope collect: " + e.getMessage());
            return Main.EXIT_INPUT;
        } catch (IOException e) {
            err.println("tunnelscope collect: cannot create " + dir + ": " + e.getMessage());
            return Main.EXIT_INPUT;
        }
        return new Session(nodes, dir, correlation, line.hasOption("json"), durationNanos, limit, summaryNanos).run();
    }

    /** One collection: the nodes, the loop, the summaries and the end report. */
    private final class Session {
        private final List<NodeSession> nodes;
        private final Path dir;
        private final Correlator.Options correlation;
        private final boolean json;
        private final long durationNanos;
        private final long limit;
        private final long summaryNanos;
        private final CorrelationNews news = new CorrelationNews(name -> name);
        private final Instant started = Instant.now();
        private volatile boolean interrupted;
        private long summarized;

        Session(List<NodeSession> nodes, Path dir, Correlator.Options correlation, boolean json, long durationNanos,
                long limit, long summaryNanos) {
            this.nodes = nodes;
            this.dir = dir;
            this.correlation = correlation;
            this.json = json;
            this.durationNanos = durationNanos;
            this.limit = limit;
            this.summaryNanos = summaryNanos;
        }

        int run() {
            AtomicInteger exitCode = new AtomicInteger(Main.EXIT_OK);
            CountDownLatch finished = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                interrupted = true;
                try {
                    if (finished.await(STOP_SECONDS + 30, TimeUnit.SECONDS)) {
                        out.flush();
                        err.flush();
                        Runtime.getRuntime().halt(exitCode.get());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "tunnelscope-collect-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                exitCode.set(collect());
                return exitCode.get();
            } finally {
                out.flush();
                err.flush();
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down: the hook ends the JVM with the exit code
                }
            }
        }

        private int collect() {
            prepare();
            List<DeviceCapture> captures = new ArrayList<>();
            for (NodeSession node : nodes) {
                if (node.failure() == null) {
                    node.startCaptures();
                    captures.addAll(node.captures());
                }
            }
            awaitListening(captures);
            int listening = 0;
            for (DeviceCapture c : captures) {
                listening += c.error() == null && !c.ended() ? 1 : 0;
            }
            long usable = nodes.stream().filter(n -> n.failure() == null).count();
            if (json) {
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("event", "start");
                event.put("out", dir.toString());
                event.put("nodes", nodeStates(false));
                printJson(event);
            }
            err.println("tunnelscope collect: capturing on " + listening + " devices of " + usable + " nodes into "
                    + dir + (nodes.size() > usable ? " (" + (nodes.size() - usable) + " failed)" : "")
                    + (durationNanos > 0 ? " for " + durationNanos / (double) NANOS + " s" : "") + "; Ctrl-C ends");
            err.flush();
            End end = listening == 0 ? End.NOTHING : loop(captures);
            for (DeviceCapture c : captures) {
                c.stop();
            }
            for (DeviceCapture c : captures) {
                try {
                    c.awaitEnd(STOP_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            finishNodes();
            writeManifest(end);
            return report(end);
        }

        /** Sets every node up at once (state, devices); prints what each will capture, or why it cannot. */
        private void prepare() {
            List<Thread> threads = new ArrayList<>();
            for (NodeSession node : nodes) {
                Thread t = new Thread(node::prepare, "collect-prepare-" + node.name());
                t.start();
                threads.add(t);
            }
            join(threads);
            for (NodeSession node : nodes) {
                if (node.failure() != null) {
                    err.println("tunnelscope collect: " + node.name() + ": " + node.failure()
                            + " — the other nodes go on");
                } else {
                    List<String> what = new ArrayList<>();
                    for (DeviceCapture c : node.captures()) {
                        what.add(c.device());
                    }
                    err.println("tunnelscope collect: " + node.name() + " (" + node.transport().spec() + "): "
                            + String.join(", ", what));
                }
                for (String note : node.notes()) {
                    err.println("tunnelscope collect: " + node.name() + ": " + note);
                }
            }
        }

        private void awaitListening(List<DeviceCapture> captures) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LISTEN_SECONDS);
            for (DeviceCapture c : captures) {
                try {
                    long left = Math.max(0, deadline - System.nanoTime());
                    if (!c.awaitListening(left, TimeUnit.NANOSECONDS)) {
                        err.println("tunnelscope collect: " + c.node() + ": " + c.device() + ": "
                                + (c.error() != null ? c.error() : "not listening after " + LISTEN_SECONDS + " s")
                                + " — the other captures go on");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private End loop(List<DeviceCapture> captures) {
            long start = System.nanoTime();
            long deadline = durationNanos > 0 ? start + durationNanos : Long.MAX_VALUE;
            long nextSummary = summaryNanos > 0 ? start + summaryNanos : Long.MAX_VALUE;
            while (true) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return End.INTERRUPTED;
                }
                if (interrupted) {
                    return End.INTERRUPTED;
                }
                long now = System.nanoTime();
                if (now - deadline >= 0) {
                    return End.DURATION;
                }
                if (total(captures) >= limit) {
                    return End.COUNT;
                }
                if (captures.stream().allMatch(DeviceCapture::ended)) {
                    return End.CAPTURES;
                }
                if (now - nextSummary >= 0) {
                    summary(captures);
                    nextSummary = System.nanoTime() + summaryNanos;
                }
            }
        }

        private long total(List<DeviceCapture> captures) {
            long n = 0;
            for (DeviceCapture c : captures) {
                n += c.packets();
            }
            return n;
        }

        /** Correlates the captures written so far; null when there is nothing (or it fails). */
        private CorrelationReport correlate(List<DeviceCapture> captures) {
            List<Path> files = new ArrayList<>();
            for (DeviceCapture c : captures) {
                c.flush();
                if (c.written() && c.packets() > 0) {
                    files.add(c.file());
                }
            }
            if (files.isEmpty()) {
                return null;
            }
            try {
                return Correlator.correlate(files, correlation);
            } catch (IOException | RuntimeException e) {
                err.println("tunnelscope collect: cannot correlate: " + e.getMessage());
                return null;
            }
        }

        private void summary(List<DeviceCapture> captures) {
            long packets = total(captures);
            CorrelationReport report = correlate(captures);
            CorrelationNews.News fresh = news.since(report);
            if (fresh.isEmpty() && packets == summarized) {
                return;
            }
            summarized = packets;
            if (json) {
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("event", "summary");
                event.put("tsNanos", System.currentTimeMillis() * 1_000_000L);
                event.put("packets", packets);
                event.put("perNode", perNode(captures));
                event.put("paths", fresh.paths());
                event.put("nat", fresh.nat());
                event.put("tunnels", fresh.tunnels());
                printJson(event);
                return;
            }
            StringBuilder head = new StringBuilder("-- ").append(packets).append(" packets so far (");
            Map<String, Long> perNode = perNode(captures);
            List<String> parts = new ArrayList<>();
            perNode.forEach((node, n) -> parts.add(node + " " + n));
            head.append(String.join(", ", parts)).append(')');
            head.append(report == null ? "; nothing to correlate yet"
                    : fresh.isEmpty() ? "; nothing new correlated" : "; new since the last summary:");
            out.println(head);
            CorrelationNews.printText(fresh, out);
            out.flush();
        }

        private Map<String, Long> perNode(List<DeviceCapture> captures) {
            Map<String, Long> perNode = new LinkedHashMap<>();
            for (DeviceCapture c : captures) {
                perNode.merge(c.node(), c.packets(), Long::sum);
            }
            return perNode;
        }

        private void finishNodes() {
            List<Thread> threads = new ArrayList<>();
            for (NodeSession node : nodes) {
                Thread t = new Thread(node::finish, "collect-finish-" + node.name());
                t.start();
                threads.add(t);
            }
            join(threads);
        }

        private void join(List<Thread> threads) {
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /** The nodes and their captures as JSON-ready maps (with the counts when {@code counts}). */
        private List<Map<String, Object>> nodeStates(boolean counts) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (NodeSession node : nodes) {
                Map<String, Object> n = new LinkedHashMap<>();
                n.put("name", node.name());
                n.put("transport", node.transport().spec());
                n.put("error", node.failure());
                n.put("notes", node.notes());
                List<Map<String, Object>> devices = new ArrayList<>();
                for (DeviceCapture c : node.captures()) {
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("device", c.device());
                    d.put("description", c.description());
                    d.put("file", dir.relativize(c.file()).toString());
                    if (counts) {
                        d.put("written", c.written());
                        d.put("packets", c.packets());
                        d.put("dropped", c.dropped() < 0 ? null : c.dropped());
                        d.put("droppedByInterface", c.droppedByInterface() < 0 ? null : c.droppedByInterface());
                        d.put("error", c.error());
                        d.put("messages", c.messages());
                    }
                    devices.add(d);
                }
                n.put("devices", devices);
                list.add(n);
            }
            return list;
        }

        private void writeManifest(End end) {
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("started", started.toString());
            manifest.put("ended", Instant.now().toString());
            manifest.put("reason", end.text);
            manifest.put("nodes", nodeStates(true));
            try {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(MANIFEST).toFile(),
                        manifest);
            } catch (IOException e) {
                err.println("tunnelscope collect: cannot write " + dir.resolve(MANIFEST) + ": " + e.getMessage());
            }
        }

        /** The end report; returns the exit status. */
        private int report(End end) {
            List<DeviceCapture> captures = new ArrayList<>();
            boolean failed = false;
            for (NodeSession node : nodes) {
                failed |= node.failure() != null;
                for (DeviceCapture c : node.captures()) {
                    captures.add(c);
                    failed |= c.error() != null || !c.written();
                }
            }
            CorrelationReport report = correlate(captures);
            long packets = total(captures);
            if (json) {
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("event", "end");
                event.put("reason", end.text);
                event.put("packets", packets);
                event.put("out", dir.toString());
                event.put("nodes", nodeStates(true));
                event.put("report", report);
                printJson(event);
            } else {
                out.println();
                long capturing = nodes.stream().filter(n -> n.failure() == null && n.captures().stream()
                        .anyMatch(c -> c.written() && c.error() == null)).count();
                out.println("Collection ended: " + end.text + ", " + packets + " packets from " + capturing + " of "
                        + nodes.size() + " nodes, written to " + dir);
                int width = 6;
                for (DeviceCapture c : captures) {
                    width = Math.max(width, c.device().length());
                }
                for (NodeSession node : nodes) {
                    out.println("  " + node.name() + " (" + node.transport().spec() + ")"
                            + (node.failure() != null ? ": FAILED: " + node.failure() : ""));
                    for (DeviceCapture c : node.captures()) {
                        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "    %-" + width + "s %9d packets",
                                c.device(), c.packets()));
                        if (c.dropped() >= 0) {
                            row.append(String.format(Locale.ROOT, ", %d dropped by the kernel", c.dropped()));
                        }
                        if (c.droppedByInterface() > 0) {
                            row.append(String.format(Locale.ROOT, ", %d by the interface", c.droppedByInterface()));
                        }
                        if (c.error() != null) {
                            row.append("  FAILED: ").append(c.error());
                        } else if (c.written()) {
                            row.append("  ").append(dir.relativize(c.file()));
                        }
                        out.println(row);
                    }
                    for (String note : node.notes()) {
                        out.println("    note: " + note);
                    }
                }
                out.println("  state: " + dir + "/NODE/" + io.tunnelscope.state.ClusterState.STATE_DIRECTORY
                        + "/ (index.json says which commands were missing); manifest: " + dir.resolve(MANIFEST));
                out.println();
                if (report == null) {
                    out.println("Correlation: nothing captured");
                } else {
                    new CorrelateCommand(out, err).printText(report);
                }
                out.println();
                out.println("Findings, with the state as evidence: tunnelscope report " + dir);
            }
            out.flush();
            return failed ? Main.EXIT_INPUT : Main.EXIT_OK;
        }

        private void printJson(Object value) {
            try {
                out.println(mapper.writeValueAsString(value));
            } catch (IOException e) {
                err.println("tunnelscope collect: " + e.getMessage());
            }
            out.flush();
        }
    }

    private void help() {
        HelpFormatter help = new HelpFormatter();
        java.io.PrintWriter writer = new java.io.PrintWriter(out);
        help.printHelp(writer, 100, "tunnelscope collect --node NAME=TRANSPORT... --out DIR [options]",
                "Captures on several nodes at once, on the overlay's devices of each (flannel.1, flannel0, cni0/docker0, "
                        + "the NIC carrying the tunnel; pod veths with --pods), streamed back into DIR/NODE/DEVICE.pcapng, "
                        + "with each node's network state in DIR/NODE/state/. Correlates as it goes; Ctrl-C, --duration "
                        + "or --count end it.\nTransports: ssh:[user@]host[:port] (the system's ssh, your keys and "
                        + "~/.ssh/config), kubectl:NODE (kubectl debug node/NODE --image IMAGE), exec:'COMMAND PREFIX' "
                        + "(e.g. exec:'ip netns exec host1', exec:'sudo', exec:'nsenter -t PID -n'), local.\n\n",
                options(), 2, 2, "\nExit status: 0 every node captured, 2 bad usage or a node or capture failed (the "
                        + "others go on).");
        writer.flush();
    }
}
