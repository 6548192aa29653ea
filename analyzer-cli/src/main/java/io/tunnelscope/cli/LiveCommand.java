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
import io.tunnelscope.decode.PointNames;
import io.tunnelscope.escape.Escape;
import io.tunnelscope.report.CorrelationReport;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZoneOffset;
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
 * {@code tunnelscope live}: captures on one or more interfaces at once (libpcap), prints every
 * packet as {@code decode} does with the interface name in front (or the {@code decode --json}
 * object, whose {@code iface} names the interface), merged in timestamp order; writes everything to
 * a pcapng file (a temporary one, deleted at the end, without {@code --write}); every few seconds
 * correlates what was written so far and prints what is new (paths, NAT, tunnels); ends on Ctrl-C,
 * {@code --count} or {@code --duration} with a closing report: per interface what libpcap received
 * and how it adds up (captured, dropped by the kernel, dropped because tunnelscope's queue was
 * full), what the file kept, and the final correlation. Reading never waits for decoding and
 * printing (see {@link LiveCapture}); packet lines go out through a buffer flushed every 100 ms.
 * Every interface name and file name is printed through {@link Escape}.
 *
 * <p>In {@code --json} mode, stdout is JSON Lines: packet objects (the decode keys), and objects
 * with an {@code event} key: {@code "summary"} (the periodic correlation) and {@code "end"} (the
 * closing report, the full correlation under {@code report}). Messages go to stderr.
 */
final class LiveCommand {
    private static final long NANOS = 1_000_000_000L;

    private final PrintStream out;
    private final PrintStream err;
    private final ObjectMapper mapper = Escape.jsonMapper();

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
        options.addOption(Option.builder("q").longOpt("quiet")
                .desc("no line per packet (as tcpdump -w): only the summaries and the closing report").build());
        options.addOption(Option.builder("B").longOpt("buffer-size").hasArg().argName("SIZE")
                .desc("libpcap's buffer per interface, which absorbs bursts: KiB as tcpdump -B takes it, "
                        + "or with a suffix (64M, 1G); default " + (LiveCapture.DEFAULT_BUFFER_BYTES >> 20) + "M")
                .build());
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
            captureOptions.bufferBytes = bufferBytes(line);
            captureOptions.filter = line.getOptionValue("filter");
            captureOptions.promiscuous = line.hasOption("promisc");
            limit = CommonOptions.positive(line, "count", Long.MAX_VALUE);
            durationNanos = CommonOptions.seconds(line, "duration", 0, false);
            summaryNanos = CommonOptions.seconds(line, "summary-every", 5 * NANOS, true);
            correlation.tables = CommonOptions.tables(line);
        } catch (ParseException | IllegalArgumentException e) {
            err.println("tunnelscope live: " + Escape.terminal(e.getMessage()));
            return Main.EXIT_INPUT;
        }

        Path written = line.hasOption("write") ? Path.of(line.getOptionValue("write")) : null;
        LiveCapture capture;
        try {
            capture = LiveCapture.open(captureOptions);
        } catch (LiveCaptureException e) {
            err.println("tunnelscope live: " + Escape.terminal(e.getMessage()));
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
            err.println("tunnelscope live: cannot write " + (file == null ? "a temporary file"
                    : Escape.terminal(file.toString())) + ": " + Escape.terminal(e.getMessage()));
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
                err.println("tunnelscope live: cannot delete the temporary file " + Escape.terminal(file.toString())
                        + ": " + Escape.terminal(e.getMessage()));
            }
        }
    }

    /** {@code --buffer-size}: a bare number is KiB (tcpdump's -B); k, M, G suffixes. */
    private static int bufferBytes(CommandLine line) {
        if (!line.hasOption("buffer-size")) {
            return LiveCapture.DEFAULT_BUFFER_BYTES;
        }
        String value = line.getOptionValue("buffer-size").trim();
        long unit = 1024;
        String digits = value;
        if (!value.isEmpty()) {
            switch (Character.toLowerCase(value.charAt(value.length() - 1))) {
                case 'k': unit = 1L << 10; break;
                case 'm': unit = 1L << 20; break;
                case 'g': unit = 1L << 30; break;
                default: unit = 0; break;
            }
            digits = unit == 0 ? value : value.substring(0, value.length() - 1);
            unit = unit == 0 ? 1024 : unit;
        }
        long bytes;
        try {
            bytes = Long.parseLong(digits) * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--buffer-size takes KiB or a size like 64M: " + value);
        }
        if (bytes < 64 * 1024 || bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--buffer-size must be between 64 KiB and 2 GiB: " + value);
        }
        return (int) bytes;
    }

    private int list() {
        List<LiveCapture.Device> devices;
        try {
            devices = LiveCapture.devices();
        } catch (LiveCaptureException e) {
            err.println("tunnelscope live: " + Escape.terminal(e.getMessage()));
            return Main.EXIT_INPUT;
        }
        int width = 4;
        for (LiveCapture.Device d : devices) {
            width = Math.max(width, Escape.terminal(d.name()).length());
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
            text.append(String.format(Locale.ROOT, "%-" + width + "s  %-12s  %-4s  ", Escape.terminal(d.name()), type,
                    d.up() ? "up" : "down"));
            text.append(d.addresses().isEmpty() ? "-" : String.join(" ", d.addresses()));
            if (d.description() != null) {
                text.append("  (").append(Escape.terminal(d.description())).append(')');
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
        private final boolean quiet;
        private final long limit;
        private final long durationNanos;
        private final long summaryNanos;
        private final PacketDecoder decoder;
        private final PacketLineFormatter formatter;
        /** Packet lines and events: buffered, flushed every 100 ms and at the end. */
        private final PrintStream lines;
        private final DecodeJsonWriter jsonWriter;
        private final String stem;
        /** Interface names as printed (escaped), padded to one width. */
        private final String[] prefixes;
        private final int width;
        private final long[] shown;
        private final StringBuilder text = new StringBuilder(256);
        private final CorrelationNews news = new CorrelationNews(this::point);
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
            this.quiet = line.hasOption("quiet");
            this.limit = limit;
            this.durationNanos = durationNanos;
            this.summaryNanos = summaryNanos;
            this.decoder = new PacketDecoder(correlation.tables);
            ZoneId zone = line.hasOption("utc") ? ZoneOffset.UTC : ZoneId.systemDefault();
            this.formatter = new PacketLineFormatter(zone, line.hasOption("nano"));
            this.lines = new PrintStream(new BufferedOutputStream(out, 1 << 16), false, StandardCharsets.UTF_8);
            this.jsonWriter = json ? new DecodeJsonWriter(lines, false) : null;
            this.stem = PointNames.stem(file.getFileName().toString());
            int w = 0;
            for (CaptureInterface iface : capture.interfaces()) {
                w = Math.max(w, Escape.terminal(iface.name()).length());
            }
            this.width = w;
            this.prefixes = new String[capture.interfaces().size()];
            for (CaptureInterface iface : capture.interfaces()) {
                prefixes[iface.id()] = String.format(Locale.ROOT, "%-" + (w + 1) + "s", Escape.terminal(iface.name()));
            }
            this.shown = new long[capture.interfaces().size()];
        }

        int run() {
            capture.onInterfaceFailure((iface, message) -> err.println("tunnelscope live: "
                    + Escape.terminal(iface.name()) + ": " + Escape.terminal(message)
                    + " — capture goes on without it"));
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
                    what.append(what.length() == 0 ? "" : ", ").append(Escape.terminal(iface.name())).append(" (")
                            .append(LinkType.name(iface.linkType())).append(')');
                }
                err.println("tunnelscope live: capturing on " + what + "; "
                        + (written != null ? "writing " + Escape.terminal(written.toString())
                                : "packets kept in a temporary file until the end") + "; Ctrl-C ends");
                err.flush();
                capture.start();
                End end = loop();
                exitCode.set(closing(end));
                return exitCode.get();
            } finally {
                capture.close();
                closeWriter();
                lines.flush();
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
                LiveCapture.Poll poll = capture.poll(record, 100_000_000L);
                if (poll == LiveCapture.Poll.ENDED) {
                    break;
                }
                if (poll == LiveCapture.Poll.PACKET && end != End.COUNT) {
                    packet(record);
                    if (printed >= limit) {
                        end = End.COUNT;
                        capture.stop();
                    }
                }
                if (poll == LiveCapture.Poll.IDLE || (printed & 255) == 0) {
                    long now = System.nanoTime();
                    if (poll == LiveCapture.Poll.IDLE || now - lastFlush > 100_000_000L) {
                        flushOutput();
                        lastFlush = now;
                        if (end == null && (lines.checkError() || out.checkError())) {
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
                    writeFailed(e);
                }
            }
            shown[record.interfaceId()]++;
            printed++;
            if (quiet) {
                return;
            }
            LayerStack stack = decoder.decode(record);
            if (json) {
                jsonWriter.packet(written, capture, record, stack);
            } else {
                text.setLength(0);
                text.append(prefixes[record.interfaceId()]);
                formatter.format(record.timestampNanos(), stack, text);
                text.append('\n');
                lines.append(text);
            }
        }

        private void writeFailed(IOException e) {
            writeError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            err.println("tunnelscope live: cannot write " + Escape.terminal(file.toString()) + ": "
                    + Escape.terminal(writeError) + " — it keeps the first " + writer.packets()
                    + " packets and ends at the last whole block; capture goes on, not written");
            err.flush();
        }

        private void closeWriter() {
            try {
                writer.close();
            } catch (IOException e) {
                if (writeError == null) {
                    writeFailed(e);
                }
            }
        }

        private void flushOutput() {
            if (jsonWriter != null) {
                jsonWriter.flush();
            }
            lines.flush();
            out.flush();
        }

        /** Correlates the pcapng written so far (null when it holds nothing or cannot be read). */
        private CorrelationReport correlate() {
            try {
                if (writeError == null) {
                    writer.flush();
                }
            } catch (IOException e) {
                writeFailed(e);
            }
            if (writer.packets() == 0) {
                return null;
            }
            try {
                return Correlator.correlate(List.of(file), correlation);
            } catch (IOException | RuntimeException e) {
                err.println("tunnelscope live: cannot correlate " + Escape.terminal(file.toString()) + ": "
                        + Escape.terminal(e.getMessage()));
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
            CorrelationNews.News fresh = news.since(report);
            boolean nothingNew = fresh.isEmpty();
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
                event.put("paths", fresh.paths());
                event.put("nat", fresh.nat());
                event.put("tunnels", fresh.tunnels());
                printJson(event);
            } else {
                StringBuilder head = new StringBuilder("-- ");
                formatter.appendTime(now, head);
                head.append("  ").append(printed).append(" packets so far");
                if (report == null) {
                    head.append("; nothing to correlate yet");
                } else if (nothingNew) {
                    head.append("; nothing new correlated");
                } else {
                    head.append("; new since the last summary:");
                }
                if (writeError != null) {
                    head.append(" (the capture file stopped at ").append(writer.packets()).append(" packets)");
                }
                lines.println(head);
                CorrelationNews.printText(fresh, lines);
            }
            flushOutput();
        }

        private void printJson(Object value) {
            jsonWriter.event(mapper, value);
            flushOutput();
        }

        /** The closing report; returns the exit code. */
        private int closing(End end) {
            capture.close();
            closeWriter();
            List<LiveCapture.InterfaceStats> stats = capture.stats();
            boolean allFailed = !stats.isEmpty();
            long captured = 0;
            for (LiveCapture.InterfaceStats s : stats) {
                allFailed &= s.error() != null;
                captured += s.packets();
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
                    m.put("captured", s.packets());
                    m.put("read", s.packets() + s.droppedByQueue());
                    m.put("received", s.received() < 0 ? null : s.received());
                    m.put("dropped", s.dropped() < 0 ? null : s.dropped());
                    m.put("droppedByQueue", s.droppedByQueue());
                    m.put("droppedByInterface", s.droppedByInterface() < 0 ? null : s.droppedByInterface());
                    m.put("unread", s.unread());
                    m.put("error", s.error());
                    interfaces.add(m);
                }
                event.put("interfaces", interfaces);
                event.put("written", written == null ? null : written.toString());
                event.put("writtenPackets", writer.packets());
                event.put("lostPackets", Math.max(0, printed - writer.packets()));
                event.put("writeError", writeError);
                event.put("report", report);
                printJson(event);
            } else {
                lines.println();
                lines.println("Capture ended: " + end.text + ", " + captured + " packets captured"
                        + (printed != captured ? ", " + printed + " shown" : ""));
                if (written != null) {
                    lines.println(writeError == null
                            ? "Written to " + Escape.terminal(written.toString()) + ": " + writer.packets() + " packets"
                            : "Written to " + Escape.terminal(written.toString()) + ": " + writer.packets()
                                    + " packets kept, " + (printed - writer.packets()) + " not written ("
                                    + Escape.terminal(writeError) + "); the file ends at its last whole block");
                }
                lines.println("Interfaces (received by the filter = captured + dropped by the kernel + dropped by "
                        + "tunnelscope's queue)");
                for (LiveCapture.InterfaceStats s : stats) {
                    StringBuilder row = new StringBuilder();
                    row.append(String.format(Locale.ROOT, "  %-" + width + "s  %-10s %8d captured",
                            Escape.terminal(s.iface().name()), LinkType.name(s.iface().linkType()), s.packets()));
                    if (shown[s.iface().id()] != s.packets()) {
                        row.append(String.format(Locale.ROOT, " (%d shown)", shown[s.iface().id()]));
                    }
                    if (s.received() >= 0) {
                        row.append(String.format(Locale.ROOT, "  libpcap: %d received = %d captured + %d dropped by "
                                + "the kernel + %d dropped by tunnelscope", s.received(), s.packets(), s.dropped(),
                                s.droppedByQueue()));
                        if (s.unread() > 0) {
                            row.append(String.format(Locale.ROOT, " + %d not handed out by libpcap", s.unread()));
                        }
                        row.append(String.format(Locale.ROOT, "; %d dropped by the interface", s.droppedByInterface()));
                    } else if (s.droppedByQueue() > 0) {
                        row.append(String.format(Locale.ROOT, "  %d dropped by tunnelscope", s.droppedByQueue()));
                    }
                    if (s.error() != null) {
                        row.append("  stopped early: ").append(Escape.terminal(s.error()));
                    }
                    lines.println(row);
                }
                lines.println();
                if (report == null) {
                    lines.println(captured == 0 ? "Correlation: nothing captured"
                            : "Correlation: nothing written to correlate");
                } else {
                    if (writeError != null) {
                        lines.println("Correlation of the " + writer.packets() + " packets the file kept:");
                    }
                    lines.flush();
                    new CorrelateCommand(lines, err).printText(report);
                }
                if (written == null) {
                    lines.println();
                    lines.println("(The packets were kept in a temporary file, deleted now: --write FILE keeps them.)");
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
