package io.tunnelscope.gui;

import io.tunnelscope.decode.DecodeAs;
import io.tunnelscope.filter.Filter;
import io.tunnelscope.filter.FilterSyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.control.Tab;
import javafx.stage.Stage;

/**
 * The Tunnelscope desktop viewer.
 *
 * <pre>
 *   tunnelscope gui [options] [FILE|DIR...]           open captures (one capture point per file)
 *   tunnelscope gui --snapshot OUT.png [options] FILE|DIR...
 *                                                     render the window to a PNG and exit
 * </pre>
 *
 * See {@link #USAGE} for the options.
 */
public final class TunnelscopeApp extends Application {
    /** The tabs, as {@code --tab} names them (a prefix of the Findings tab's title with its counts). */
    static final List<String> TABS = List.of("Packets", "Findings", "Flows", "NAT", "Topology", "Paths",
            "Conversations", "Charts");

    static final String USAGE = String.join("\n",
            "usage: tunnelscope gui [options] [FILE|DIR...]",
            "       tunnelscope gui --snapshot OUT.png [options] FILE|DIR...",
            "",
            "Opens pcap/pcapng captures (a directory stands for the captures in it; one capture point per",
            "file, one per interface of a multi-interface pcapng or an 'any' capture), then analyses them.",
            "A capture piped in (- for standard input, a FIFO, <(...)) is first copied to a temporary file.",
            "",
            "options:",
            "  --filter EXPR          display filter to apply (the filter bar's language, Wireshark's",
            "                         field names included: tcp.analysis.retransmission, udp.port == 8472)",
            "  --decode-as udp.port=N:" + String.join("|", DecodeAs.choices()),
            "                         decode a UDP port's payload as; repeatable (as Analyze > Decode As)",
            "  --time-format since-first|since-previous|utc|local",
            "                         the Time column: seconds since the first packet (default), since",
            "                         the previous displayed packet, UTC or local date and time",
            "  --snapshot OUT.png     render the window headless (no display needed) to OUT.png and exit",
            "  --size WIDTHxHEIGHT    window size (default 1400x900)",
            "  --tab NAME             tab to show: " + String.join(", ", TABS),
            "  --select N             with --snapshot: select packet number N (default: an interesting one)",
            "  --timings              print on stderr when the first rows showed, all of them, and the analysis ended",
            "  -h, --help             this help",
            "",
            "Exit status (--snapshot): 0 written, 2 bad usage (an unknown option or tab, a filter syntax",
            "error, no such file), or an input not fully read (the PNG is written then too).");

    /** A command line that does not parse: its message, for stderr and exit status 2. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** Parsed command line. */
    record Arguments(List<Path> files, Path snapshot, double width, double height, String filter, String tab,
                     List<DecodeAs> decodeAs, TimeFormat timeFormat, long select, boolean timings, boolean help) {

        /** Parses and checks the command line (files must exist, the filter must compile). */
        /** The argument that stands for standard input (a capture piped in), and the path it is read from. */
        static final String STDIN = "-";
        static final Path STDIN_PATH = Path.of("/dev/stdin");

        static Arguments parse(List<String> args) throws UsageException {
            List<Path> files = new ArrayList<>();
            Path snapshot = null;
            double w = 1400;
            double h = 900;
            String filter = null;
            String tab = null;
            List<DecodeAs> decodeAs = new ArrayList<>();
            TimeFormat timeFormat = null;
            long select = -1;
            boolean timings = false;
            boolean help = false;
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                switch (a) {
                    case "-h", "--help" -> help = true;
                    case "--timings" -> timings = true;
                    case "--snapshot" -> snapshot = Path.of(value(args, i++));
                    case "--size" -> {
                        String v = value(args, i++);
                        String[] wh = v.split("x");
                        try {
                            w = Double.parseDouble(wh[0]);
                            h = Double.parseDouble(wh[1]);
                        } catch (RuntimeException e) {
                            throw new UsageException("--size takes WIDTHxHEIGHT, e.g. 1400x900, not '" + v + "'");
                        }
                        if (w < 200 || h < 150) {
                            throw new UsageException("--size " + v + " is too small (at least 200x150)");
                        }
                    }
                    case "--tab" -> {
                        tab = value(args, i++);
                        String wanted = tab.toLowerCase(Locale.ROOT);
                        if (TABS.stream().noneMatch(t -> t.toLowerCase(Locale.ROOT).equals(wanted))) {
                            throw new UsageException("--tab: no tab '" + tab + "' (tabs: " + String.join(", ", TABS)
                                    + ")");
                        }
                    }
                    case "--filter" -> {
                        filter = value(args, i++);
                        try {
                            Filter.compile(filter);
                        } catch (FilterSyntaxException e) {
                            throw new UsageException("--filter: " + e.getMessage() + "\n  " + e.expression() + "\n  "
                                    + " ".repeat(e.position()) + "^");
                        }
                    }
                    case "--decode-as" -> {
                        try {
                            decodeAs.add(DecodeAs.parse(value(args, i++)));
                        } catch (IllegalArgumentException e) {
                            throw new UsageException(e.getMessage());
                        }
                    }
                    case "--time-format" -> {
                        String v = value(args, i++);
                        timeFormat = TimeFormat.byOption(v);
                        if (timeFormat == null) {
                            throw new UsageException("--time-format takes since-first, since-previous, utc or local, not '"
                                    + v + "'");
                        }
                    }
                    case "--select" -> {
                        String v = value(args, i++);
                        try {
                            select = Long.parseLong(v);
                        } catch (NumberFormatException e) {
                            throw new UsageException("--select takes a packet number, not '" + v + "'");
                        }
                    }
                    default -> {
                        if (a.startsWith("-") && a.length() > 1) {
                            throw new UsageException("unknown option " + a + " (see --help)");
                        }
                        Path p = a.equals(STDIN) ? STDIN_PATH : Path.of(a);
                        if (!Files.exists(p)) {
                            throw new UsageException(a + ": no such file or directory");
                        }
                        files.add(p);
                    }
                }
            }
            if (snapshot != null && files.isEmpty() && !help) {
                throw new UsageException("--snapshot needs capture files or a directory to open");
            }
            return new Arguments(files, snapshot, w, h, filter, tab, decodeAs, timeFormat, select, timings, help);
        }

        private static String value(List<String> args, int i) throws UsageException {
            if (i + 1 >= args.size()) {
                throw new UsageException(args.get(i) + " needs a value (see --help)");
            }
            return args.get(i + 1);
        }
    }

    @Override
    public void start(Stage stage) {
        Arguments args;
        try {
            args = Arguments.parse(getParameters().getRaw());
        } catch (UsageException e) {
            System.err.println("tunnelscope gui: " + e.getMessage());
            Platform.exit();
            System.exit(2);
            return;
        }
        MainWindow window = new MainWindow(stage, args.width(), args.height());
        stage.show();
        if (args.timeFormat() != null) {
            window.setTimeFormat(args.timeFormat());
        }
        if (args.filter() != null) {
            window.applyFilter(args.filter());
        }
        if (args.snapshot() != null) {
            SnapshotRun.run(window, args);
            return;
        }
        if (args.tab() != null) {
            selectTab(window, args.tab());
        }
        if (!args.files().isEmpty()) {
            var opened = args.decodeAs().isEmpty() ? window.open(args.files())
                    : window.decodeAsAndOpen(args.files(), args.decodeAs());
            if (args.timings()) {
                opened.thenRun(() -> Platform.runLater(() -> printTimings(window)));
            }
        }
    }

    private static void printTimings(MainWindow window) {
        System.err.println("tunnelscope gui: rows shown after " + window.rowsShownMillis() + " ms, all rows after "
                + window.allRowsMillis() + " ms, analysis done after " + window.analysedMillis() + " ms (" + window.session().store().size() + " packets)");
    }

    /** Selects the tab of that name (case-insensitive; "Findings" also names "Findings (2 errors)"); false when none. */
    static boolean selectTab(MainWindow window, String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        for (Tab t : window.tabs().getTabs()) {
            String title = t.getText().toLowerCase(Locale.ROOT);
            if (title.equals(wanted) || title.startsWith(wanted + " (")) {
                window.tabs().getSelectionModel().select(t);
                return true;
            }
        }
        return false;
    }

    /** The {@code --snapshot} mode: load, analyse, select a packet, write the PNG, exit (2 on a problem). */
    static final class SnapshotRun {
        private SnapshotRun() {
        }

        static void run(MainWindow window, Arguments args) {
            var opened = args.decodeAs().isEmpty() ? window.open(args.files())
                    : window.decodeAsAndOpen(args.files(), args.decodeAs());
            // Opening completes on the FX thread; the filter (applied again to the new packets) then runs.
            opened.thenCompose(v -> args.filter() == null || window.session() == null
                    ? java.util.concurrent.CompletableFuture.completedFuture(0) : window.applyFilter(args.filter()))
                    .whenComplete((v, e) -> Platform.runLater(() -> {
                        // A tab that counts when shown (Conversations) is drawn once it has counted.
                        if (args.tab() != null && window.session() != null && selectTab(window, args.tab())) {
                            window.tabReady().whenComplete((r, x) -> Platform.runLater(() -> write(window, args)));
                        } else {
                            write(window, args);
                        }
                    }));
        }

        private static void write(MainWindow window, Arguments args) {
                int exit = 0;
                try {
                    Session session = window.session();
                    if (session == null) {
                        throw new IllegalStateException("nothing could be opened: " + window.statusText());
                    }
                    int p = args.select() > 0 ? session.packetOfNumber(args.select()) : window.interestingPacket();
                    if (args.select() > 0 && p < 0) {
                        throw new IllegalArgumentException("--select: no packet " + args.select());
                    }
                    if (args.select() <= 0 && p >= 0 && !window.packets().selectPacket(p)) {
                        int[] shown = window.packets().displayed();
                        p = shown.length > 0 ? shown[0] : -1;
                    }
                    if (p >= 0) {
                        window.showPacket(p);
                        window.details().selectField("vni");
                        window.scene().getRoot().applyCss();
                        window.scene().getRoot().layout();
                        window.details().scrollJourneyToFirstEvent();
                    }
                    if (args.tab() != null) {
                        selectTab(window, args.tab());
                    }
                    window.scene().getRoot().applyCss();
                    window.scene().getRoot().layout();
                    Snapshot.write(window.scene(), args.snapshot());
                    System.out.println("tunnelscope gui: wrote " + args.snapshot());
                    if (args.timings()) {
                        printTimings(window);
                    }
                    for (String problem : session.loadErrors()) {
                        System.err.println(problem);
                        exit = 2;
                    }
                } catch (Exception ex) {
                    System.err.println("tunnelscope gui: snapshot failed: " + (ex.getMessage() == null ? ex : ex.getMessage()));
                    exit = 2;
                }
                Platform.exit();
                System.exit(exit);
        }
    }
}
