package io.tunnelscope.gui;

import io.tunnelscope.decode.DecodeAs;
import io.tunnelscope.filter.Filter;
import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.report.Evidence;
import io.tunnelscope.state.AddressNames;
import io.tunnelscope.state.ClusterState;
import io.tunnelscope.state.KubernetesObjects;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javafx.application.Platform;
import javafx.concurrent.Task;
import javafx.geometry.Orientation;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.ToolBar;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Stage;

/**
 * The main window: menus, toolbar, display filter bar, the tabs and the status bar, and what
 * binds them: opening captures (loading, then the analysis), the session every pane shows, and
 * the workflows that cross panes (evidence and journey hops that select a packet, export, Decode
 * As, live capture). The panes do their own work: {@link PacketListPane} (list, filter, find, go
 * to, marks), {@link DetailsPane} (layers, bytes, journey), {@link AnalysisRunner},
 * {@link LiveCaptureController}, {@link ViewerPreferences}; the tabs are {@link ViewerTab}s in
 * one list.
 */
final class MainWindow implements LiveCaptureController.Host {
    static final String TITLE = "Tunnelscope";

    private final Stage stage;
    private final Scene scene;
    private final StatusBar statusBar = new StatusBar();
    private final PacketListPane packets = new PacketListPane(statusBar);
    private final DetailsPane details = new DetailsPane();
    private final FindingsPane findings = new FindingsPane();
    private final ReportTabs reports = new ReportTabs();
    private final ConversationsTab conversations = new ConversationsTab();
    private final ChartsPane charts = new ChartsPane();
    private final Tab packetsTab;
    /** Every tab, in the order shown; each hears what happens to the session. */
    private final List<ViewerTab> tabList;
    private final TabPane tabs = new TabPane();
    private final AnalysisRunner analysis = new AnalysisRunner(statusBar);
    private final LiveCaptureController live = new LiveCaptureController(this);
    private final ViewerPreferences preferences = new ViewerPreferences(this::open);
    private final MenuItem wiresharkItem = new MenuItem("Open selected packets in Wireshark");
    private final ToggleGroup timeFormats = new ToggleGroup();
    private Session session;
    private List<DecodeAs> decodeAs = List.of();
    private List<Path> inputs = List.of();
    private Task<?> loading;
    private final ConversationCounter counter = new ConversationCounter(statusBar, this::updateStatus);
    private String analysisState = "";
    /** Milliseconds from the last {@link #open} to its rows shown and to its analysis done (-1 until then). */
    private long openedAt;
    private long rowsShownMillis = -1;
    private long allRowsMillis = -1;
    private long analysedMillis = -1;
    /**
     * How often the list grows while a file loads (nanoseconds): the first rows at the first progress
     * report, then every second (each growth lays the table out and draws it again, on the cores
     * the loading and the analysis use); tests make it every 1,024 packets.
     */
    private long loadUpdateNanos = 1_000_000_000L;

    MainWindow(Stage stage, double width, double height) {
        this.stage = stage;
        SplitPane split = new SplitPane(packets, details);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.55);
        packetsTab = new Tab("Packets", split);
        packetsTab.setClosable(false);
        packetsTab.setId("packets-tab");
        ViewerTab packetsViewerTab = () -> packetsTab;
        List<ViewerTab> list = new ArrayList<>();
        list.add(packetsViewerTab);
        list.add(findings);
        list.addAll(reports.viewerTabs());
        list.add(conversations);
        list.add(charts);
        tabList = List.copyOf(list);
        tabs.setId("tabs");
        for (ViewerTab t : tabList) {
            tabs.getTabs().add(t.tab());
        }
        BorderPane root = new BorderPane();
        root.setTop(new VBox(menus(), toolBar(), packets.filterBar()));
        root.setCenter(tabs);
        root.setBottom(statusBar);
        scene = new Scene(root, width, height);
        scene.getStylesheets().add(MainWindow.class.getResource("tunnelscope.css").toExternalForm());
        scene.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(TransferMode.COPY);
            }
            e.consume();
        });
        scene.setOnDragDropped(e -> {
            boolean ok = e.getDragboard().hasFiles();
            if (ok) {
                open(e.getDragboard().getFiles().stream().map(File::toPath).toList());
            }
            e.setDropCompleted(ok);
            e.consume();
        });
        packets.setOnSelection(details::showPacket);
        packets.setOnDisplayedChanged(this::displayedChanged);
        packets.setOnMarksChanged(this::updateStatus);
        packets.setTimeFormat(preferences.timeFormat());
        selectTimeFormat(preferences.timeFormat());
        details.setOnHop(this::showHop);
        findings.setOnEvidence(this::showEvidence);
        conversations.setCounter(counter::count);
        conversations.setOnFilter(f -> {
            tabs.getSelectionModel().select(packetsTab);
            applyFilter(f);
        });
        stage.setOnHidden(e -> live.abandon());
        stage.setTitle(TITLE);
        stage.setScene(scene);
    }

    // ------------------------------------------------------------------ what the tests and the app use

    Session session() {
        return session;
    }

    PacketListPane packets() {
        return packets;
    }

    DetailsPane details() {
        return details;
    }

    TabPane tabs() {
        return tabs;
    }

    LiveCaptureController live() {
        return live;
    }

    String statusText() {
        return statusBar.text();
    }

    // What the tests check that the window does not show.

    /** The correlation tied to the open packets (the journeys the journey pane draws), or null until the analysis ran. */
    CorrelationModel correlation() {
        return session == null ? null : session.correlation();
    }

    /** The capture files open, in the order loaded (the title names the first only). */
    List<Path> files() {
        return session == null ? List.of() : List.copyOf(session.store().files());
    }

    /** Bytes of packet data held in memory: 0 when every packet is read again from its file when shown. */
    long packetBytesInMemory() {
        return session == null ? 0 : session.store().arenaBytes();
    }

    /** Milliseconds from the last open to its rows shown (-1 until then). */
    long rowsShownMillis() {
        return rowsShownMillis;
    }

    /** Milliseconds from the last open to every packet in the list (-1 until then). */
    long allRowsMillis() {
        return allRowsMillis;
    }

    /** How often the list grows while one file loads in time order ({@link Loader.Progress#inOrder}). */
    void loadUpdateNanos(long nanos) {
        this.loadUpdateNanos = nanos;
    }

    /** Milliseconds from the last open to its analysis done (-1 until then). */
    long analysedMillis() {
        return analysedMillis;
    }

    // ------------------------------------------------------------------ menus

    private MenuBar menus() {
        MenuItem openFiles = item("Open files…", new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN), () -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Open capture files (one capture point per file)");
            chooser.getExtensionFilters().addAll(
                    new FileChooser.ExtensionFilter("Captures", "*.pcap", "*.pcapng", "*.cap", "*.gz"),
                    new FileChooser.ExtensionFilter("All files", "*"));
            List<File> files = chooser.showOpenMultipleDialog(stage);
            if (files != null && !files.isEmpty()) {
                open(files.stream().map(File::toPath).toList());
            }
        });
        MenuItem openFolder = item("Open folder…", null, () -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Open a folder of captures (one capture point per file)");
            File dir = chooser.showDialog(stage);
            if (dir != null) {
                open(List.of(dir.toPath()));
            }
        });
        MenuItem export = item("Export packets…", new KeyCodeCombination(KeyCode.S, KeyCombination.SHORTCUT_DOWN,
                KeyCombination.SHIFT_DOWN), this::showExportDialog);
        wiresharkItem.setOnAction(e -> openInWireshark(packets.selectedPackets()));
        wiresharkItem.setDisable(PacketExporter.wireshark() == null);
        MenuItem snapshot = item("Save window as PNG…", null, () -> {
            FileChooser chooser = new FileChooser();
            chooser.setInitialFileName("tunnelscope.png");
            File f = chooser.showSaveDialog(stage);
            if (f != null) {
                try {
                    Snapshot.write(scene, f.toPath());
                } catch (IOException ex) {
                    statusBar.show("Could not write " + f + ": " + ex.getMessage());
                }
            }
        });
        MenuItem quit = item("Quit", new KeyCodeCombination(KeyCode.Q, KeyCombination.SHORTCUT_DOWN), Platform::exit);
        Menu file = new Menu("File", null, openFiles, openFolder, preferences.recentMenu(), new SeparatorMenuItem(),
                export, wiresharkItem, snapshot, new SeparatorMenuItem(), quit);

        Menu edit = new Menu("Edit", null,
                item("Find packet…", new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN),
                        () -> packets.showFindBar(true)),
                new SeparatorMenuItem(),
                item("Mark / unmark selected", new KeyCodeCombination(KeyCode.M, KeyCombination.SHORTCUT_DOWN),
                        packets::toggleMark),
                item("Next mark", new KeyCodeCombination(KeyCode.N, KeyCombination.SHORTCUT_DOWN,
                        KeyCombination.SHIFT_DOWN), () -> packets.nextMark(false)),
                item("Previous mark", new KeyCodeCombination(KeyCode.B, KeyCombination.SHORTCUT_DOWN,
                        KeyCombination.SHIFT_DOWN), () -> packets.nextMark(true)),
                item("Unmark all", null, packets::unmarkAll),
                item("Ignore / unignore selected", new KeyCodeCombination(KeyCode.D, KeyCombination.SHORTCUT_DOWN),
                        packets::toggleIgnore));

        Menu timeFormat = new Menu("Time display format");
        for (TimeFormat f : TimeFormat.values()) {
            RadioMenuItem r = new RadioMenuItem(f.label());
            r.setUserData(f);
            r.setToggleGroup(timeFormats);
            r.setOnAction(e -> setTimeFormat(f));
            timeFormat.getItems().add(r);
        }
        Menu view = new Menu("View", null, timeFormat);
        Menu go = new Menu("Go", null,
                item("Go to packet…", new KeyCodeCombination(KeyCode.G, KeyCombination.SHORTCUT_DOWN),
                        () -> packets.showGoToBar(true)));
        Menu analyze = new Menu("Analyze", null, item("Decode As…", null, this::showDecodeAsDialog));
        Menu capture = new Menu("Capture", null, live.menuItems());
        MenuItem syntax = item("Filter syntax and fields", null, () -> {
            Alert a = new Alert(Alert.AlertType.INFORMATION);
            a.setTitle("Filter syntax");
            a.setHeaderText("Display filter expressions (Wireshark's field names work too)");
            a.setContentText("Fields: " + String.join(", ", Filter.fieldNames())
                    + "\n\nOperators: == != < <= > >=, in CIDR or {set}, contains, && || ! ( )\n\n"
                    + "Examples:\n  tcp.analysis.retransmission\n  udp.port == 8472 && vxlan.vni == 1\n"
                    + "  inner.dst in 10.244.0.0/16 || icmp\n  point == host1-ens33 && frame.len > 1400");
            a.initOwner(stage);
            a.show();
        });
        Menu help = new Menu("Help", null, syntax);
        return new MenuBar(file, edit, view, go, analyze, capture, help);
    }

    private static MenuItem item(String text, KeyCombination accelerator, Runnable action) {
        MenuItem m = new MenuItem(text);
        if (accelerator != null) {
            m.setAccelerator(accelerator);
        }
        m.setOnAction(e -> action.run());
        return m;
    }

    private ToolBar toolBar() {
        ToolBar bar = new ToolBar(live.buttons());
        bar.setId("tool-bar");
        return bar;
    }

    /** View → Time display format. */
    void setTimeFormat(TimeFormat format) {
        packets.setTimeFormat(format);
        preferences.timeFormat(format);
        selectTimeFormat(format);
    }

    private void selectTimeFormat(TimeFormat format) {
        timeFormats.getToggles().stream().filter(t -> t.getUserData() == format).findFirst()
                .ifPresent(timeFormats::selectToggle);
    }

    // ------------------------------------------------------------------ opening

    /**
     * Loads the captures (replacing what was open), then analyses them in the background.
     *
     * @return completes when loading and the analysis are over (or failed, or were cancelled)
     */
    CompletableFuture<Void> open(List<Path> paths) {
        return open(paths, decodeAs);
    }

    private CompletableFuture<Void> open(List<Path> paths, List<DecodeAs> overrides) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        List<Path> files;
        try {
            files = Loader.expand(paths);
        } catch (IOException e) {
            statusBar.show("Cannot open: " + e.getMessage());
            done.complete(null);
            return done;
        }
        if (files.isEmpty()) {
            statusBar.show("No capture files in " + paths);
            done.complete(null);
            return done;
        }
        openedAt = System.nanoTime();
        rowsShownMillis = -1;
        allRowsMillis = -1;
        analysedMillis = -1;
        inputs = List.copyOf(paths);
        decodeAs = List.copyOf(overrides);
        preferences.remember(paths);
        live.opening(files);
        clear();
        PacketStore store = new PacketStore();
        // A directory collect wrote holds the nodes' state: evidence for the findings, names for the addresses.
        store.state(ClusterState.load(paths, KubernetesObjects.EMPTY));
        store.names(AddressNames.from(store.state()));
        Session loaded = new Session(store, overrides);
        // The analysis reads the files at the same time as the loading (one core each, as far as
        // two cores go); its correlation is tied to the packets once both are done. (Loading from
        // the analysis's own reading, to read and decode each packet once, was measured slower:
        // the loading's work then adds to the analysis's thread instead of running beside it.)
        CompletableFuture<Boolean> packetsLoaded = new CompletableFuture<>();
        long bytes = files.stream().mapToLong(MainWindow::size).sum();
        CompletableFuture<Void> analysed = analyse(loaded, files, bytes / 700, packetsLoaded);
        LoadTask load = new LoadTask(files, loaded, loadUpdateNanos);
        load.setOnRowsInOrder(count -> showWhileLoading(load, loaded, count));
        loading = load;
        load.setOnSucceeded(e -> {
            statusBar.finished(load);
            Loader.Result result = load.getValue();
            if (result == null || loading != load) {
                packetsLoaded.complete(false);
                done.complete(null);
                return;
            }
            loading = null;
            int shown = loaded.timeOrder().length;
            loaded.order(result.timeOrder());
            loaded.loadErrors(result.errors());
            // Rows shown while loading stay when they are the start of the time order and nothing
            // filters or sorts them: the rest is appended (the user's place in the list kept).
            boolean continued = shown > 0 && session == loaded && result.sorted() && packets.follows(shown);
            install(loaded, continued ? Arrays.copyOfRange(result.timeOrder(), shown, result.timeOrder().length) : null);
            long now = (System.nanoTime() - openedAt) / 1_000_000;
            if (rowsShownMillis < 0) {
                rowsShownMillis = now;
            }
            allRowsMillis = now;
            packetsLoaded.complete(true);
            analysed.whenComplete((v, x) -> done.complete(null));
        });
        load.setOnCancelled(e -> {
            statusBar.finished(load);
            statusBar.show("Loading cancelled.");
            packetsLoaded.complete(false);
            analysis.cancel();
            done.complete(null);
        });
        load.setOnFailed(e -> {
            statusBar.finished(load);
            statusBar.show("Loading failed: " + load.getException());
            packetsLoaded.complete(false);
            analysis.cancel();
            done.complete(null);
        });
        stage.setTitle(TITLE + " — " + (files.size() == 1 ? files.get(0).getFileName()
                : files.size() + " files in " + files.get(0).toAbsolutePath().getParent()));
        statusBar.run(load);
        return done;
    }

    /** Completes when the tab in front has what it shows (the Conversations tab: once counted). */
    CompletableFuture<Void> tabReady() {
        if (session != null && tabs.getSelectionModel().getSelectedItem() == conversations.tab()) {
            return counter.count(session).thenApply(c -> null);
        }
        return CompletableFuture.completedFuture(null);
    }


    /** Forgets what is open (a new open, a live capture). */
    private void clear() {
        if (loading != null) {
            loading.cancel(true);
            loading = null;
        }
        counter.cancel();
        analysis.cancel();
        if (session != null) {
            session.store().close();
        }
        session = null;
        analysisState = "";
        packets.show(null);
        details.show(null);
        for (ViewerTab t : tabList) {
            t.clear();
        }
    }

    /**
     * Shows the packets loaded so far of the one file being loaded, in time order (No. = frame):
     * the list first, the rest of the panes once loading is over. Nothing while a display filter or
     * a sorted column is set (the whole list is shown, filtered, at the end).
     */
    private void showWhileLoading(Task<?> load, Session loaded, int count) {
        int had = loaded.timeOrder().length;
        if (loading != load || count <= had) {
            return;
        }
        if (had == 0) {
            if (!packets.filter().matchesAll()) {
                return;
            }
            loaded.appendLive(TimeOrder.identity(count));
            session = loaded;
            details.show(loaded);
            packets.show(loaded);
            rowsShownMillis = (System.nanoTime() - openedAt) / 1_000_000;
        } else if (session == loaded) {
            int[] added = new int[count - had];
            Arrays.setAll(added, k -> had + k);
            loaded.appendLive(added);
            packets.appendLoaded(added);
        }
        updateStatus();
    }

    /**
     * Shows a loaded session in every pane; {@code rest}, when not null, are the packets to append
     * to the rows already shown while it loaded (null: the list shows the session afresh).
     */
    private void install(Session loaded, int[] rest) {
        session = loaded;
        for (ViewerTab t : tabList) {
            t.loaded(loaded);
        }
        if (rest == null) {
            details.show(loaded);
            packets.show(loaded);
        } else {
            packets.appendLoaded(rest);
            packets.refresh();
            displayedChanged();
        }
        updateStatus();
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private CompletableFuture<Void> analyse(Session s, List<Path> files, long expectedPackets,
                                            CompletableFuture<Boolean> loaded) {
        return analysis.analyse(s, files, expectedPackets, loaded, state -> {
            analysisState = state;
            details.analysisState(state);
            updateStatus();
        }, analysed -> {
            if (session != analysed) {
                return;
            }
            analysedMillis = (System.nanoTime() - openedAt) / 1_000_000;
            CorrelationReport r = analysed.correlation().report();
            for (ViewerTab t : tabList) {
                t.analysed(analysed);
            }
            analysisState = (r.journeys() == null ? 0 : r.journeys().size()) + " journeys, "
                    + (r.paths() == null ? 0 : r.paths().size()) + " paths, "
                    + (r.nat() == null ? 0 : r.nat().size()) + " NAT, "
                    + (r.tunnels() == null ? 0 : r.tunnels().size()) + " tunnels · findings: "
                    + findings.countsText();
            packets.refresh();
            details.showPacket(packets.selected());
            updateStatus();
        });
    }

    private void displayedChanged() {
        if (session != null) {
            for (ViewerTab t : tabList) {
                t.displayed(session, packets.displayed());
            }
        }
        updateStatus();
    }

    private void updateStatus() {
        if (session == null) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        if (!live.state().isEmpty()) {
            sb.append(live.state()).append(" · ");
        }
        PacketStore store = session.store();
        sb.append(store.size()).append(" packets, ").append(packets.displayedCount()).append(" displayed");
        if (!session.marked().isEmpty()) {
            sb.append(", ").append(session.marked().cardinality()).append(" marked");
        }
        if (!session.ignored().isEmpty()) {
            sb.append(", ").append(session.ignored().cardinality()).append(" ignored");
        }
        sb.append(" · ").append(store.points().size()).append(" capture points in ").append(store.files().size())
                .append(" files");
        if (!session.decodeAs().isEmpty()) {
            sb.append(" · decode as ").append(session.decodeAs());
        }
        if (!analysisState.isEmpty()) {
            sb.append(" · ").append(analysisState);
        }
        if (!session.loadErrors().isEmpty()) {
            sb.append(" · ").append(session.loadErrors().size()).append(" file(s) not fully read: ")
                    .append(session.loadErrors().get(0));
        }
        statusBar.show(sb.toString());
    }

    // ------------------------------------------------------------------ filter, evidence, journeys

    /** Applies a display filter (see {@link PacketListPane#applyFilter}). */
    CompletableFuture<Integer> applyFilter(String expression) {
        return packets.applyFilter(expression);
    }

    /**
     * Shows an evidence packet of a finding: the Packets tab, that file's frame selected (the
     * filter is cleared when it hides the packet).
     *
     * @return false when the packet is not loaded
     */
    boolean showEvidence(Evidence e) {
        int f = session == null ? -1 : session.store().fileIndex(e.file());
        int i = f < 0 ? -1 : session.store().indexOf(f, e.frame());
        if (i < 0) {
            statusBar.show("Evidence " + e.point() + " frame " + e.frame() + " (" + e.file()
                    + ") is not among the loaded packets.");
            return false;
        }
        showPacket(i);
        return true;
    }

    /** Selects the packet a journey hop stands for (clearing the filter when it hides it). */
    private void showHop(CorrelationReport.Hop hop) {
        int i = session == null || session.correlation() == null ? -1 : session.correlation().packetOf(hop);
        if (i < 0) {
            statusBar.show(hop.point() + " frame " + hop.frame() + " is not among the loaded packets.");
            return;
        }
        showPacket(i);
    }

    /** The Packets tab with packet {@code i} selected (the filter cleared if it hid it). */
    CompletableFuture<Boolean> showPacket(int i) {
        tabs.getSelectionModel().select(packetsTab);
        return packets.reveal(i);
    }

    /**
     * A packet worth showing first: the first tunnelled packet, seen at a single-interface point,
     * with the most address rewrites and then the longest journey.
     */
    int interestingPacket() {
        if (session == null) {
            return -1;
        }
        PacketStore store = session.store();
        int best = -1;
        int bestHops = 0;
        for (int i : session.timeOrder()) {
            if ((store.flags(i) & PacketStore.TUNNELLED) == 0 || store.point(i).name().contains(":")) {
                continue;
            }
            CorrelationReport.Journey j = session.correlation() == null ? null : session.correlation().journey(i);
            int hops = j == null ? 0 : j.hops().size() + 100 * rewrites(j);
            if (best < 0 || hops > bestHops) {
                best = i;
                bestHops = hops;
            }
        }
        return best >= 0 ? best : (session.timeOrder().length > 0 ? session.timeOrder()[0] : -1);
    }

    private static int rewrites(CorrelationReport.Journey j) {
        int n = 0;
        for (int h = 1; h < j.hops().size(); h++) {
            CorrelationReport.Hop a = j.hops().get(h - 1);
            CorrelationReport.Hop b = j.hops().get(h);
            if (!java.util.Objects.equals(a.src(), b.src()) || !java.util.Objects.equals(a.dst(), b.dst())) {
                n++;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ export, Wireshark, Decode As

    /** File → Export packets…: the dialog. */
    ExportDialog showExportDialog() {
        if (session == null) {
            statusBar.show("Nothing to export: open captures first.");
            return null;
        }
        ExportDialog dialog = new ExportDialog(this, packets.displayedCount(), packets.selectedPackets().length,
                session.marked().cardinality());
        dialog.show();
        return dialog;
    }

    /**
     * Writes the packets of a scope to a pcapng file in the background.
     *
     * @return completes with the number of packets written (-1 when it failed; the reason is in
     *         the status bar)
     */
    CompletableFuture<Long> exportPackets(PacketExporter.Scope scope, Path target) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        if (session == null) {
            done.complete(-1L);
            return done;
        }
        Session s = session;
        int[] chosen = PacketExporter.packets(s, scope, packets.displayed(), packets.selectedPackets());
        Task<Long> task = new Task<>() {
            @Override
            protected Long call() throws Exception {
                updateMessage("Exporting " + chosen.length + " packets to " + target + "…");
                return PacketExporter.export(s, chosen, target, scope.label().toLowerCase(java.util.Locale.ROOT),
                        this::isCancelled);
            }
        };
        task.setOnSucceeded(e -> {
            statusBar.finished(task);
            statusBar.show("Exported " + task.getValue() + " packets to " + target);
            done.complete(task.getValue());
        });
        task.setOnFailed(e -> {
            statusBar.finished(task);
            statusBar.show("Export failed: " + task.getException().getMessage());
            done.complete(-1L);
        });
        task.setOnCancelled(e -> {
            statusBar.finished(task);
            done.complete(-1L);
        });
        statusBar.run(task);
        return done;
    }

    /**
     * File → Open selected packets in Wireshark: writes them to a temporary pcapng (deleted on
     * exit) and starts Wireshark on it with the tunnels decoded as here.
     *
     * @return completes with the command started, or null when Wireshark is not installed or
     *         nothing is selected
     */
    CompletableFuture<List<String>> openInWireshark(int[] selection) {
        String wireshark = PacketExporter.wireshark();
        if (wireshark == null || session == null || selection.length == 0) {
            statusBar.show(wireshark == null ? "Wireshark is not installed (no wireshark on the PATH)."
                    : "Select the packets to open in Wireshark.");
            return CompletableFuture.completedFuture(null);
        }
        Session s = session;
        int[] chosen = PacketExporter.packets(s, PacketExporter.Scope.SELECTED, new int[0], selection);
        return CompletableFuture.supplyAsync(() -> {
            try {
                Path file = Files.createTempFile("tunnelscope-wireshark-", ".pcapng");
                file.toFile().deleteOnExit();
                PacketExporter.export(s, chosen, file, "selected, for Wireshark", () -> false);
                List<String> command = PacketExporter.wiresharkCommand(wireshark, s, file);
                new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                return command;
            } catch (IOException e) {
                Platform.runLater(() -> statusBar.show("Cannot open in Wireshark: " + e.getMessage()));
                return null;
            }
        });
    }

    /** Opens captures decoded with these decode-as overrides (the command line's {@code --decode-as}). */
    CompletableFuture<Void> decodeAsAndOpen(List<Path> paths, List<DecodeAs> overrides) {
        return open(paths, overrides);
    }

    /** Analyze → Decode As…: the dialog. */
    DecodeAsDialog showDecodeAsDialog() {
        DecodeAsDialog dialog = new DecodeAsDialog(this, decodeAs);
        dialog.show();
        return dialog;
    }

    /**
     * Sets the decode-as overrides and opens the captures again with them.
     *
     * @return completes when they are loaded and analysed
     */
    CompletableFuture<Void> decodeAs(List<DecodeAs> overrides) {
        if (inputs.isEmpty()) {
            decodeAs = List.copyOf(overrides);
            return CompletableFuture.completedFuture(null);
        }
        return open(inputs, overrides);
    }

    // ------------------------------------------------------------------ live capture (LiveCaptureController.Host)

    @Override
    public Stage stage() {
        return stage;
    }

    @Override
    public Scene scene() {
        return scene;
    }

    @Override
    public void liveStarted(Session capture, String title) {
        clear();
        inputs = List.of();
        session = capture;
        packets.show(capture);
        details.show(capture);
        for (ViewerTab t : tabList) {
            t.loaded(capture);
        }
        stage.setTitle(TITLE + " — " + title);
        updateStatus();
    }

    @Override
    public void liveAppended(int[] added) {
        packets.appendLive(added);
    }

    @Override
    public void liveState(String state) {
        updateStatus();
        if (session == null) {
            statusBar.show(state);
        }
    }

    @Override
    public CompletableFuture<Void> liveFinished(Session capture, String title, String problem) {
        stage.setTitle(TITLE + " — " + title);
        inputs = List.copyOf(capture.store().files());
        if (problem != null) {
            analysisState = problem;
            updateStatus();
            return CompletableFuture.completedFuture(null);
        }
        // Read again from its file as an opened capture is: reassembly, TCP analysis, conversations.
        return open(capture.store().files(), decodeAs);
    }
}
