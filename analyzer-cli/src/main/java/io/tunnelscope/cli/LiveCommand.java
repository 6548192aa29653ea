package io.tunnelscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tunnelscope.capture.CaptureInterface;
import io.tunnelscope.capture.LinkType;
import io.tunnelscope.capture.LiveCapture;
import io.tunnelscope.capture.LiveCaptureException;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.capture.PcapngWriter;
import io.tunnelscope.correlate.Correlator;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketLineFormatter;
import io.tunnelscope.report.CorrelationReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
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
 * {@code tunnelscope live}: captures on one or more interfaces at once (libpcap), prints every
 * packet as {@code decode} does with the interface name in front (or the {@code decode --json}
 * object, whose {@code iface} names the interface), merged in timestamp order; writes everything to
 * a pcapng file (a temporary one, deleted at the end, without {@code --write}); every few seconds
 * correlates what was written so far and prints what is new (paths, NAT, tunnels); ends on Ctrl-C,
 * {@code --count} or {@code --duration} with a closing report: packets and libpcap drops per
 * interface, and the final correlation.
 *
 * <p>In {@code --json} mode, stdout is JSON Lines: packet objects (the decode keys), and objects
 * with an {@code event} key: {@code "summary"} (the periodic correlation) and {@code "end"} (the
 * closing report, the full correlation under {@code report}). Messages go to stderr.
 */
final class LiveCommand {
    private static final long NANOS = 1_000_000_000L;

    private final PrintStream out;
    private final PrintStream err;
    private final ObjectMapper mapper = new ObjectMapper();

    LiveCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    private static Options options() {
        Options options = new Options();
        options.addOption(Option.builder().longOpt("list").desc("list the interfaces one can capture on").build());
        options.addOption(Option.builder("i").longOpt("interface").hasArg().argName("IF")
                .desc("capture on IF (repeatable: all at once)").build());
        options.addOption(Option.builder("f").longOpt("filter").hasArg().argName("BPF")
                .desc("BPF filter, as tcpdump takes it, applied on every interface").build());
        options.addOption(Option.builder("c").longOpt("count").hasArg().argName("N")
                .desc("stop after N packets in all").build());
        options.addOption(Option.builder().longOpt("duration").hasArg().argName("S")
                .desc("stop after S seconds").build());
        options.addOption(Option.builder("w").longOpt("write").hasArg().argName("FILE")
                .desc("write the packets to FILE (pcapng, one interface block per interface)").build());
        options.addOption(Option.builder().longOpt("json").desc("JSON Lines (decode --json keys; events)").build());
        options.addOption(Option.builder().longOpt("summary-every").hasArg().argName("S")
                .desc("correlate what was captured and print what is new every S seconds; default 5, 0 never").build());
        options.addOption(Option.builder().longOpt("promisc").desc("put the interfaces in promiscuous mode").build());
        CommonOptions.addDecodeAs(options);
        options.addOption(Option.builder().longOpt("nano").desc("timestamps with nanoseconds").build());
        options.addOption(Option.builder().longOpt("utc").desc("timestamps in UTC instead of local time").build());
        options.addOption(Option.builder("h").longOpt("help").desc("this help").build());
        return options;
    }

    /** Why the capture ended. */
    private enum End {
        COUNT("count reached"), DURATION("duration reached"), INTERRUPTED("interrupted"),
        INTERFACES("every interface stopped"), OUTPUT("output closed");

        final String text;

        End(String text) {
            this.text = text;
        }
    }

    int run(String[] args) {
        CommandLine line;
        LiveCapture.Options captureOptions = new LiveCapture.Options();
        Correlator.Options correlation = new Correlator.Options();
        long limit;
        long durationNanos;
        long summaryNanos;
        try {
            line = new DefaultParser().parse(options(), args);
            if (line.hasOption("help")) {
                help();
                return Main.EXIT_OK;
            }
            if (line.hasOption("list")) {
                return list();
            }
            if (!line.getArgList().isEmpty()) {
                throw new IllegalArgumentException("unexpected argument '" + line.getArgList().get(0)
                        + "' (a BPF filter goes after --filter)");
            }
            String[] names = line.getOptionValues("interface");
            if (names == null) {
                throw new IllegalArgumentException("name at least one interface with -i (--list shows them)");
            }
            captureOptions.interfaces(names);
            captureOptions.filter = line.getOptionValue("filter");
            captureOptions.promiscuous = line.hasOption("promisc");
            limit = positive(line, "count", Long.MAX_VALUE);
            durationNanos = seconds(line, "duration", 0, false);
            summaryNanos = seconds(line, "summary-every", 5 * NANOS, true);
            correlation.tables = CommonOptions.tables(line);
        } catch (ParseException | IllegalArgumentException e) {
            err.println("tunnelscope live: " + e.getMessage());
            return Main.EXIT_INPUT;
        }

        Path written = line.hasOption("write") ? Path.of(line.getOptionValue("write")) : null;
        LiveCapture capture;
        try {
            capture = LiveCapture.open(captureOptions);
        } catch (LiveCaptureException e) {
            err.println("tunnelscope live: " + e.getMessage());
            return Main.EXIT_INPUT;
        }
        Path file = written;
        PcapngWriter writer;
        try {
            if (file == null) {
                // live.pcapng in a directory of its own: the correlation names points live:IF.
                file = Files.createTempDirectory("tunnelscope-live-").resolve("live.pcapng");
            }
            writer = new PcapngWriter(file, capture.interfaces());
        } catch (IOException e) {
            capture.close();
            err.println("tunnelscope live: cannot write " + (file == null ? "a temporary file" : file) + ": "
                    + e.getMessage());
            deleteTemporary(written, file);
            return Main.EXIT_INPUT;
        }
        Session session = new Session(capture, writer, file, written, correlation, line, limit, durationNanos,
                summaryNanos);
        try {
            return session.run();
        } finally {
            deleteTemporary(written, file);
        }
    }

    private void deleteTemporary(Path written, Path file) {
        if (written == null && file != null) {
            try {
                Files.deleteIfExists(file);
                Files.deleteIfExists(file.getParent());
            } catch (IOException e) {
                err.println("tunnelscope live: cannot delete the temporary file " + file + ": " + e.getMessage());
            }
        }
    }

    private static long positive(CommandLine line, String option, long absent) {
        if (!line.hasOption(option)) {
            return absent;
        }
        String value = line.getOptionValue(option);
        try {
            long n = Long.parseLong(value);
            if (n <= 0) {
                throw new IllegalArgumentException("--" + option + " must be a positive number: " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + option + " takes a number: " + value);
        }
    }

    private static long seconds(CommandLine line, String option, long absent, boolean zeroAllowed) {
        if (!line.hasOption(option)) {
            return absent;
        }
        String value = line.getOptionValue(option);
        double s;
        try {
            s = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + option + " takes a number of seconds: " + value);
        }
        if (!(s > 0 || (zeroAllowed && s == 0)) || s > 1e9) {
            throw new IllegalArgumentException("--" + option + " must be a positive number of seconds: " + value);
        }
        return (long) (s * NANOS);
    }

    private int list() {
        List<LiveCapture.Device> devices;
        try {
            devices = LiveCapture.devices();
        } catch (LiveCaptureException e) {
            err.println("tunnelscope live: " + e.getMessage());
            return Main.EXIT_INPUT;
        }
        int width = 4;
        for (LiveCapture.Device d : devices) {
            width = Math.max(width, d.name().length());
        }
        boolean unknown = false;
        for (LiveCapture.Device d : devices) {
            int linkType = LiveCapture.probeLinkType(d.name());
            String type;
            if (linkType < 0) {
                type = "?";
                unknown = true;
            } else {
                type = LinkType.name(linkType);
                String pcapName = LiveCapture.dltName(linkType);
                if (type.startsWith("LINKTYPE_") && pcapName != null) {
                    type = pcapName;
                }
            }
            StringBuilder text = new StringBuilder();
            text.append(String.format(Locale.ROOT, "%-" + width + "s  %-12s  %-4s  ", d.name(), type,
                    d.up() ? "up" : "down"));
            text.append(d.addresses().isEmpty() ? "-" : String.join(" ", d.addresses()));
            if (d.description() != null) {
                text.append("  (").append(d.description()).append(')');
            }
            out.println(text);
        }
        if (unknown) {
            err.println("tunnelscope live: '?': the link type shows once the interface can be opened (up, and "
                    + "permission to capture)");
        }
        out.flush();
        return Main.EXIT_OK;
    }

    /** One running capture: the loop, the periodic summaries and the closing report. */
    private final class Session {
        private final LiveCapture capture;
        private final PcapngWriter writer;
        private final Path file;
        private final Path written;
        private final Correlator.Options correlation;
        private final boolean json;
        private final long limit;
        private final long durationNanos;
        private final long summaryNanos;
        private final PacketDecoder decoder;
        private final PacketLineFormatter formatter;
        private final DecodeJsonWriter jsonWriter;
        private final String stem;
        private final int width;
        private final long[] shown;
        private final StringBuilder text = new StringBuilder(256);
        private final Map<String, Long> pathsSeen = new HashMap<>();
        private final Map<String, Long> natSeen = new HashMap<>();
        private final Map<String, Long> tunnelsSeen = new HashMap<>();
        private volatile boolean interrupted;
        private long printed;
        private long summarized;
        private String writeError;

        Session(LiveCapture capture, PcapngWriter writer, Path file, Path written, Correlator.Options correlation,
                CommandLine line, long limit, long durationNanos, long summaryNanos) {
            this.capture = capture;
            this.writer = writer;
            this.file = file;
            this.written = written;
            this.correlation = correlation;
            this.json = line.hasOption("json");
            this.limit = limit;
            this.durationNanos = durationNanos;
            this.summaryNanos = summaryNanos;
            this.decoder = new PacketDecoder(correlation.tables);
            ZoneId zone = line.hasOption("utc") ? ZoneOffset.UTC : ZoneId.systemDefault();
            this.formatter = new PacketLineFormatter(zone, line.hasOption("nano"));
            this.jsonWriter = json ? new DecodeJsonWriter(out, false) : null;
            String name = file.getFileName().toString();
            int dot = name.lastIndexOf('.');
            this.stem = dot > 0 ? name.substring(0, dot) : name;
            int w = 0;
            for (CaptureInterface iface : capture.interfaces()) {
                w = Math.max(w, iface.name().length());
            }
            this.width = w;
            this.shown = new long[capture.interfaces().size()];
        }

        int run() {
            capture.onInterfaceFailure((iface, message) -> err.println("tunnelscope live: " + iface.name()
                    + ": " + message + " — capture goes on without it"));
            AtomicInteger exitCode = new AtomicInteger(Main.EXIT_OK);
            CountDownLatch finished = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                interrupted = true;
                capture.stop();
                try {
                    if (finished.await(10, TimeUnit.SECONDS)) {
                        // The closing report is out: end like tcpdump does on Ctrl-C, with the status.
                        out.flush();
                        err.flush();
                        Runtime.getRuntime().halt(exitCode.get());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "tunnelscope-live-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                StringBuilder what = new StringBuilder();
                for (CaptureInterface iface : capture.interfaces()) {
                    what.append(what.length() == 0 ? "" : ", ").append(iface.name()).append(" (")
                            .append(LinkType.name(iface.linkType())).append(')');
                }
                err.println("tunnelscope live: capturing on " + what + "; "
                        + (written != null ? "writing " + written : "packets kept in a temporary file until the end")
                        + "; Ctrl-C ends");
                err.flush();
                capture.start();
                End end = loop();
                exitCode.set(closing(end));
                return exitCode.get();
            } finally {
                capture.close();
                try {
                    writer.close();
                } catch (IOException e) {
                    err.println("tunnelscope live: cannot write " + file + ": " + e.getMessage());
                }
                out.flush();
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // shutting down: the hook ends the JVM with the exit code
                }
            }
        }

        private End loop() {
            long start = System.nanoTime();
            long deadline = durationNanos > 0 ? start + durationNanos : Long.MAX_VALUE;
            long nextSummary = summaryNanos > 0 ? start + summaryNanos : Long.MAX_VALUE;
            long lastFlush = start;
            End end = null;
            PacketRecord record = new PacketRecord();
            while (true) {
                LiveCapture.Poll poll = capture.poll(record, 200_000_000L);
                if (poll == LiveCapture.Poll.ENDED) {
                    break;
                }
                long now = System.nanoTime();
                if (poll == LiveCapture.Poll.PACKET && end != End.COUNT) {
                    packet(record);
                    if (printed >= limit) {
                        end = End.COUNT;
                        capture.stop();
                    }
                }
                if (poll == LiveCapture.Poll.IDLE || now - lastFlush > 100_000_000L) {
                    flushOutput();
                    lastFlush = now;
                    if (end == null && out.checkError()) {
                        // stdout went away (| head): end as tcpdump does on a broken pipe
                        end = End.OUTPUT;
                        capture.stop();
                    }
                }
                if (end == null && now - deadline >= 0) {
                    end = End.DURATION;
                    capture.stop();
                }
                if (end == null && interrupted) {
                    end = End.INTERRUPTED;
                }
                if (end == null && now - nextSummary >= 0) {
                    summary();
                    nextSummary = System.nanoTime() + summaryNanos;
                }
            }
            flushOutput();
            if (end == null) {
                end = interrupted ? End.INTERRUPTED : End.INTERFACES;
            }
            return end;
        }

        private void packet(PacketRecord record) {
            if (writeError == null) {
                try {
                    writer.write(record);
                } catch (IOException e) {
                    writeError = e.getMessage();
                    err.println("tunnelscope live: cannot write " + file + ": " + writeError
                            + " — capture goes on, not written");
                }
            }
            LayerStack stack = decoder.decode(record);
            if (json) {
                jsonWriter.packet(written, capture, record, stack);
            } else {
                text.setLength(0);
                String name = capture.interfaces().get(record.interfaceId()).name();
                text.append(name);
                for (int n = name.length(); n <= width; n++) {
                    text.append(' ');
                }
                formatter.format(record.timestampNanos(), stack, text);
                out.append(text).append('\n');
            }
            shown[record.interfaceId()]++;
            printed++;
        }

        private void flushOutput() {
            if (jsonWriter != null) {
                jsonWriter.flush();
            }
            out.flush();
        }

        /** Correlates the pcapng written so far (null when it cannot). */
        private CorrelationReport correlate() {
            if (writeError != null) {
                return null;
            }
            try {
                writer.flush();
                if (writer.packets() == 0) {
                    return null;
                }
                return Correlator.correlate(List.of(file), correlation);
            } catch (IOException | RuntimeException e) {
                err.println("tunnelscope live: cannot correlate " + file + ": " + e.getMessage());
                return null;
            }
        }

        private String point(String name) {
            return name.startsWith(stem + ":") ? name.substring(stem.length() + 1) : name;
        }

        private void summary() {
            flushOutput();
            CorrelationReport report = correlate();
            long now = System.currentTimeMillis() * 1_000_000L;
            List<Map<String, Object>> paths = new ArrayList<>();
            List<Map<String, Object>> nats = new ArrayList<>();
            List<Map<String, Object>> tunnels = new ArrayList<>();
            if (report != null) {
                for (CorrelationReport.Path p : report.paths()) {
                    List<String> points = p.points().stream().map(this::point).toList();
                    String key = String.join(" -> ", points);
                    long added = p.packets() - pathsSeen.getOrDefault(key, 0L);
                    pathsSeen.put(key, p.packets());
                    if (added > 0) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("points", points);
                        m.put("packets", p.packets());
                        m.put("new", added);
                        paths.add(m);
                    }
                }
                for (CorrelationReport.Nat n : report.nat()) {
                    String key = n.kind() + " " + n.original() + " -> " + n.translated() + " between "
                            + point(n.from()) + " and " + point(n.to());
                    long total = n.packets() + n.replyPackets();
                    long added = total - natSeen.getOrDefault(key, 0L);
                    natSeen.put(key, total);
                    if (added > 0) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("kind", n.kind());
                        m.put("original", n.original());
                        m.put("translated", n.translated());
                        m.put("from", point(n.from()));
                        m.put("to", point(n.to()));
                        m.put("packets", n.packets());
                        m.put("replyPackets", n.replyPackets());
                        m.put("new", added);
                        nats.add(m);
                    }
                }
                for (CorrelationReport.Tunnel t : report.tunnels()) {
                    String key = t.encap() + (t.vni() == null ? "" : " vni " + t.vni()) + " " + t.outerSrc()
                            + " -> " + t.outerDst() + " port " + t.outerPorts();
                    long added = t.packets() - tunnelsSeen.getOrDefault(key, 0L);
                    tunnelsSeen.put(key, t.packets());
                    if (added > 0) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("encap", t.encap());
                        m.put("vni", t.vni());
                        m.put("outerSrc", t.outerSrc());
                        m.put("outerDst", t.outerDst());
                        m.put("outerPorts", t.outerPorts());
                        m.put("packets", t.packets());
                        m.put("new", added);
                        tunnels.add(m);
                    }
                }
            }
            boolean nothingNew = paths.isEmpty() && nats.isEmpty() && tunnels.isEmpty();
            if (nothingNew && printed == summarized) {
                return; // no packet since the last summary: stay quiet
            }
            summarized = printed;
            if (json) {
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("event", "summary");
                event.put("tsNanos", now);
                event.put("packets", printed);
                event.put("correlated", report != null);
                event.put("paths", paths);
                event.put("nat", nats);
                event.put("tunnels", tunnels);
                printJson(event);
            } else {
                StringBuilder head = new StringBuilder("-- ");
                formatter.appendTime(now, head);
                head.append("  ").append(printed).append(" packets so far");
                if (report == null) {
                    head.append(writeError != null ? "; not correlated (the capture file could not be written)"
                            : "; nothing to correlate yet");
                } else if (nothingNew) {
                    head.append("; nothing new correlated");
                } else {
                    head.append("; new since the last summary:");
                }
                out.println(head);
                for (Map<String, Object> p : paths) {
                    out.printf(Locale.ROOT, "--   path   %s: %d journeys (+%d)%n",
                            String.join(" -> ", asStrings(p.get("points"))), p.get("packets"), p.get("new"));
                }
                for (Map<String, Object> n : nats) {
                    out.printf(Locale.ROOT, "--   nat    %s %s -> %s between %s and %s: %d packets, %d replies (+%d)%n",
                            n.get("kind"), n.get("original"), n.get("translated"), n.get("from"), n.get("to"),
                            n.get("packets"), n.get("replyPackets"), n.get("new"));
                }
                for (Map<String, Object> t : tunnels) {
                    out.printf(Locale.ROOT, "--   tunnel %s%s %s -> %s port %s: %d packets (+%d)%n", t.get("encap"),
                            t.get("vni") == null ? "" : " vni " + t.get("vni"), t.get("outerSrc"), t.get("outerDst"),
                            t.get("outerPorts"), t.get("packets"), t.get("new"));
                }
            }
            flushOutput();
        }

        @SuppressWarnings("unchecked")
        private List<String> asStrings(Object list) {
            return (List<String>) list;
        }

        private void printJson(Object value) {
            jsonWriter.event(mapper, value);
            flushOutput();
        }

        /** The closing report; returns the exit code. */
        private int closing(End end) {
            capture.close();
            List<LiveCapture.InterfaceStats> stats = capture.stats();
            boolean allFailed = !stats.isEmpty();
            for (LiveCapture.InterfaceStats s : stats) {
                allFailed &= s.error() != null;
            }
            CorrelationReport report = correlate();
            if (json) {
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("event", "end");
                event.put("reason", end.text);
                event.put("packets", printed);
                List<Map<String, Object>> interfaces = new ArrayList<>();
                for (LiveCapture.InterfaceStats s : stats) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("iface", s.iface().name());
                    m.put("linkType", LinkType.name(s.iface().linkType()));
                    m.put("packets", shown[s.iface().id()]);
                    m.put("read", s.packets());
                    m.put("received", s.received() < 0 ? null : s.received());
                    m.put("dropped", s.dropped() < 0 ? null : s.dropped());
                    m.put("droppedByInterface", s.droppedByInterface() < 0 ? null : s.droppedByInterface());
                    m.put("error", s.error());
                    interfaces.add(m);
                }
                event.put("interfaces", interfaces);
                event.put("written", written == null || writeError != null ? null : written.toString());
                event.put("report", report);
                printJson(event);
            } else {
                out.println();
                out.println("Capture ended: " + end.text + ", " + printed + " packets"
                        + (written != null && writeError == null ? ", written to " + written : ""));
                out.println("Interfaces");
                for (LiveCapture.InterfaceStats s : stats) {
                    StringBuilder row = new StringBuilder();
                    row.append(String.format(Locale.ROOT, "  %-" + width + "s  %-10s %8d packets",
                            s.iface().name(), LinkType.name(s.iface().linkType()), shown[s.iface().id()]));
                    if (s.received() >= 0) {
                        row.append(String.format(Locale.ROOT, "  libpcap: %d received, %d dropped, %d dropped by "
                                + "the interface", s.received(), s.dropped(), s.droppedByInterface()));
                    }
                    if (s.error() != null) {
                        row.append("  stopped early: ").append(s.error());
                    }
                    out.println(row);
                }
                out.println();
                if (report == null) {
                    out.println("Correlation: nothing captured");
                } else {
                    new CorrelateCommand(out, err).printText(report);
                }
                if (written == null) {
                    out.println();
                    out.println("(The packets were kept in a temporary file, deleted now: --write FILE keeps them.)");
                }
            }
            flushOutput();
            return allFailed ? Main.EXIT_INPUT : Main.EXIT_OK;
        }
    }

    private void help() {
        HelpFormatter help = new HelpFormatter();
        java.io.PrintWriter writer = new java.io.PrintWriter(out);
        help.printHelp(writer, 100, "tunnelscope live --list | -i IF [-i IF]... [options]",
                "Captures on the interfaces at once and prints each packet as decode does, the interface "
                        + "first; every few seconds correlates what was captured so far and prints what is "
                        + "new; Ctrl-C, --count or --duration end it with a closing report.\n"
                        + "Needs libpcap and permission to capture (root, or: sudo setcap "
                        + "cap_net_raw,cap_net_admin=eip $(readlink -f $(which java))).\n\n",
                options(), 2, 2, "\nExit status: 0 captured, 2 bad usage or cannot capture (or every "
                        + "interface failed).");
        writer.flush();
    }
}
