package io.tunnelscope.gui;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.anomaly.Analyzer;
import io.tunnelscope.decode.LayerStatus;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.detail.FieldNode;
import io.tunnelscope.detail.PacketDetails;
import io.tunnelscope.filter.Filter;
import io.tunnelscope.state.AddressNames;
import io.tunnelscope.state.ClusterState;
import io.tunnelscope.state.KubernetesObjects;
import io.tunnelscope.filter.FilterSyntaxException;
import io.tunnelscope.filter.PacketFilter;
import io.tunnelscope.report.AnalysisReport;
import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.report.Evidence;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import java.util.prefs.Preferences;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.ToolBar;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.util.Duration;

/**
 * The main window: menus, filter bar, virtualised packet list, layer tree, hex dump, journey
 * diagram, findings, correlation tabs and charts; live capture (Capture menu). Loading and the
 * analysis (one {@link Analyzer} run: correlation with its journeys, and the findings) run as
 * {@link Task}s with a progress bar and a Cancel button; a live capture appends its packets to
 * the list in batches every {@link #LIVE_TICK_MILLIS} ms.
 */
final class MainWindow {
    static final String TITLE = "Tunnelscope";
    private static final int MAX_RECENT = 8;
    /** How often a live capture's packets are appended to the list. */
    static final int LIVE_TICK_MILLIS = 100;

    final Stage stage;
    final Scene scene;
    final TableView<Integer> table = new TableView<>();
    final IndexList rowsList = new IndexList();
    final TextField filterField = new TextField();
    final Label filterMessage = new Label();
    final Label status = new Label("Open capture files (File menu, drag and drop, or command line).");
    final ProgressBar progress = new ProgressBar();
    final Button cancel = new Button("Cancel");
    final TreeView<FieldNode> tree = new TreeView<>();
    final HexView hex = new HexView();
    final JourneyView journey = new JourneyView();
    final ReportTabs reports = new ReportTabs();
    final ChartsPane charts = new ChartsPane();
    final FindingsPane findings = new FindingsPane();
    final MenuItem startCaptureItem = new MenuItem("Start capture…");
    final MenuItem stopCaptureItem = new MenuItem("Stop capture");
    final Button startCaptureButton = new Button("Capture…");
    final Button stopCaptureButton = new Button("■ Stop");
    final Tab packetsTab;
    final TabPane tabs = new TabPane();
    final Menu recentMenu = new Menu("Open recent");

    PacketStore store;
    RowFormatter rows;
    CorrelationModel correlation;
    /** The last analysis (findings and the correlation parts), or null. */
    AnalysisReport analysis;
    /** The running live capture, or null. */
    LiveSession live;
    /** The dialog last opened by Capture → Start capture…, or null. */
    CaptureDialog captureDialog;
    private Timeline liveTimer;
    private PacketFilter liveFilter;
    private PacketFilter liveFilterSource;
    private String liveState = "";
    /** The temporary pcapng of the last live capture, deleted when something else is opened (and on exit). */
    private Path temporaryCapture;
    /** Every packet in time order (the unfiltered, unsorted view). */
    int[] timeOrder = new int[0];
    /** The packets the filter let through, in time order. */
    int[] filtered = new int[0];
    PacketFilter filter = Filter.compile("");
    private Task<?> running;
    private boolean sorting;
    private String correlationState = "";
    private List<String> loadErrors = List.of();

    MainWindow(Stage stage, double width, double height) {
        this.stage = stage;
        BorderPane root = new BorderPane();
        root.setTop(new VBox(menus(), toolBar(), filterBar()));
        root.setCenter(tabs);
        root.setBottom(statusBar());
        buildTable();
        buildDetails();

        SplitPane bottom = new SplitPane(titled("Layers", tree), titled("Bytes", hex), titled("Journey", journey));
        bottom.setDividerPositions(0.30, 0.64);
        SplitPane packets = new SplitPane(table, bottom);
        packets.setOrientation(Orientation.VERTICAL);
        packets.setDividerPositions(0.55);
        packetsTab = new Tab("Packets", packets);
        Tab chartsTab = new Tab("Charts", charts);
        for (Tab t : List.of(packetsTab, chartsTab)) {
            t.setClosable(false);
        }
        tabs.setId("tabs");
        tabs.getTabs().addAll(packetsTab, findings.tab, reports.flowsTab, reports.natTab, reports.topologyTab, reports.pathsTab,
                chartsTab);

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
        findings.setOnEvidence(this::showEvidence);
        stage.setOnHidden(e -> abandonCapture());
        stage.setTitle(TITLE);
        stage.setScene(scene);
        refreshRecentMenu();
    }

    private static TitledPane titled(String title, javafx.scene.Node content) {
        TitledPane p = new TitledPane(title, content);
        p.setCollapsible(false);
        p.setMaxHeight(Double.MAX_VALUE);
        return p;
    }

    // ------------------------------------------------------------------ layout

    private MenuBar menus() {
        MenuItem openFiles = new MenuItem("Open files…");
        openFiles.setAccelerator(new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN));
        openFiles.setOnAction(e -> {
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
        MenuItem openFolder = new MenuItem("Open folder…");
        openFolder.setOnAction(e -> {
            DirectoryChooser chooser = new DirectoryChooser();
            chooser.setTitle("Open a folder of captures (one capture point per file)");
            File dir = chooser.showDialog(stage);
            if (dir != null) {
                open(List.of(dir.toPath()));
            }
        });
        MenuItem snapshot = new MenuItem("Save window as PNG…");
        snapshot.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setInitialFileName("tunnelscope.png");
            File f = chooser.showSaveDialog(stage);
            if (f != null) {
                try {
                    Snapshot.write(scene, f.toPath());
                } catch (IOException ex) {
                    status.setText("Could not write " + f + ": " + ex.getMessage());
                }
            }
        });
        MenuItem quit = new MenuItem("Quit");
        quit.setAccelerator(new KeyCodeCombination(KeyCode.Q, KeyCombination.SHORTCUT_DOWN));
        quit.setOnAction(e -> Platform.exit());
        Menu file = new Menu("File", null, openFiles, openFolder, recentMenu, new SeparatorMenuItem(), snapshot,
                new SeparatorMenuItem(), quit);
        MenuItem syntax = new MenuItem("Filter syntax");
        syntax.setOnAction(e -> {
            Alert a = new Alert(Alert.AlertType.INFORMATION);
            a.setTitle("Filter syntax");
            a.setHeaderText("Filter expressions");
            a.setContentText("Fields: " + String.join(", ", Filter.fieldNames())
                    + "\n\nOperators: == != < <= > >=, in CIDR or {set}, contains, && || ! ( )\n\n"
                    + "Examples:\n  inner.src == 10.102.20.2\n  encap == vxlan && vni == 1\n"
                    + "  inner.dst in 10.244.0.0/16 || icmp\n  point == host1-ens33 && frame.len > 1400");
            a.initOwner(stage);
            a.show();
        });
        Menu help = new Menu("Help", null, syntax);
        startCaptureItem.setAccelerator(new KeyCodeCombination(KeyCode.K, KeyCombination.SHORTCUT_DOWN));
        startCaptureItem.setOnAction(e -> showCaptureDialog());
        stopCaptureItem.setAccelerator(new KeyCodeCombination(KeyCode.E, KeyCombination.SHORTCUT_DOWN));
        stopCaptureItem.setOnAction(e -> stopCapture());
        stopCaptureItem.setDisable(true);
        Menu capture = new Menu("Capture", null, startCaptureItem, stopCaptureItem);
        return new MenuBar(file, capture, help);
    }

    private ToolBar toolBar() {
        startCaptureButton.setId("startCapture");
        startCaptureButton.setOnAction(e -> showCaptureDialog());
        stopCaptureButton.setId("stopCapture");
        stopCaptureButton.setOnAction(e -> stopCapture());
        stopCaptureButton.setDisable(true);
        ToolBar bar = new ToolBar(startCaptureButton, stopCaptureButton);
        bar.setId("toolBar");
        return bar;
    }

    private HBox filterBar() {
        filterField.setId("filterField");
        filterField.setPromptText("Filter, e.g.  inner.src == 10.102.20.2 && encap == vxlan   (Enter to apply)");
        filterField.setOnAction(e -> applyFilter(filterField.getText()));
        filterField.textProperty().addListener((o, a, b) -> {
            // Live syntax check while typing; applying waits for Enter.
            try {
                Filter.compile(b, store == null ? AddressNames.NONE : store.names);
                filterField.getStyleClass().remove("filter-bad");
                if (!filterField.getStyleClass().contains("filter-good") && !b.isBlank()) {
                    filterField.getStyleClass().add("filter-good");
                }
                if (b.isBlank()) {
                    filterField.getStyleClass().remove("filter-good");
                }
                filterMessage.setText("");
            } catch (FilterSyntaxException ex) {
                filterField.getStyleClass().remove("filter-good");
                if (!filterField.getStyleClass().contains("filter-bad")) {
                    filterField.getStyleClass().add("filter-bad");
                }
                filterMessage.setText(ex.getMessage());
            }
        });
        filterMessage.setId("filterMessage");
        filterMessage.getStyleClass().add("filter-message");
        Button apply = new Button("Apply");
        apply.setId("applyFilter");
        apply.setOnAction(e -> applyFilter(filterField.getText()));
        Button clear = new Button("Clear");
        clear.setOnAction(e -> {
            filterField.setText("");
            applyFilter("");
        });
        HBox.setHgrow(filterField, Priority.ALWAYS);
        HBox bar = new HBox(6, new Label("Filter:"), filterField, apply, clear, filterMessage);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4, 6, 4, 6));
        return bar;
    }

    private HBox statusBar() {
        status.setId("status");
        progress.setId("progress");
        progress.setPrefWidth(180);
        progress.setVisible(false);
        cancel.setId("cancel");
        cancel.setVisible(false);
        cancel.setOnAction(e -> {
            if (running != null) {
                running.cancel(true);
            }
        });
        HBox.setHgrow(status, Priority.ALWAYS);
        status.setMaxWidth(Double.MAX_VALUE);
        HBox bar = new HBox(8, status, progress, cancel);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(3, 6, 3, 6));
        bar.getStyleClass().add("status-bar");
        return bar;
    }

    private void buildTable() {
        table.setId("packetTable");
        table.setItems(rowsList);
        table.setFixedCellSize(22);
        table.getSelectionModel().setSelectionMode(SelectionMode.SINGLE);
        table.setPlaceholder(new Label("No packets"));
        double[] widths = {64, 90, 130, 118, 118, 92, 110, 110, 72, 60, 420};
        for (int c = 0; c < RowFormatter.TITLES.length; c++) {
            int column = c;
            TableColumn<Integer, String> col = new TableColumn<>(RowFormatter.TITLES[c]);
            col.setId("col" + c);
            col.setPrefWidth(widths[c]);
            col.setCellValueFactory(cd -> new ReadOnlyStringWrapper(
                    rows == null ? "" : rows.cell(cd.getValue(), column)));
            col.setSortable(column == RowFormatter.NO || column == RowFormatter.TIME || column == RowFormatter.POINT
                    || column == RowFormatter.LENGTH || column == RowFormatter.PROTOCOL
                    || column == RowFormatter.ENCAP);
            table.getColumns().add(col);
        }
        table.setRowFactory(tv -> new TableRow<>() {
            @Override
            protected void updateItem(Integer item, boolean empty) {
                super.updateItem(item, empty);
                getStyleClass().removeAll("tunnelled", "nat", "fragment", "bad", "icmp-error");
                if (!empty && item != null && store != null) {
                    int f = store.flags(item);
                    int st = (f >> PacketStore.STATUS_SHIFT) & 3;
                    if (st != LayerStatus.OK.ordinal()) {
                        getStyleClass().add("bad");
                    } else if ((f & PacketStore.NAT) != 0) {
                        getStyleClass().add("nat");
                    } else if ((f & PacketStore.FRAGMENT) != 0) {
                        getStyleClass().add("fragment");
                    } else if ((f & PacketStore.ICMP_ERROR) != 0) {
                        getStyleClass().add("icmp-error");
                    } else if ((f & PacketStore.TUNNELLED) != 0) {
                        getStyleClass().add("tunnelled");
                    }
                }
            }
        });
        table.setSortPolicy(tv -> {
            if (!sorting) {
                showRows(sortedView(filtered));
            }
            return true;
        });
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> showPacket(b == null ? -1 : b));
    }

    private void buildDetails() {
        tree.setId("layerTree");
        tree.setShowRoot(true);
        tree.setCellFactory(tv -> new TreeCell<>() {
            @Override
            protected void updateItem(FieldNode n, boolean empty) {
                super.updateItem(n, empty);
                getStyleClass().remove("field-error");
                if (empty || n == null) {
                    setText(null);
                } else {
                    setText(label(n));
                    if (n.error()) {
                        getStyleClass().add("field-error");
                    }
                }
            }
        });
        tree.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (b != null && b.getValue() != null) {
                hex.highlight(b.getValue().offset(), b.getValue().length());
            } else {
                hex.highlight(-1, 0);
            }
        });
        hex.setOnByteClicked(this::selectFieldAt);
    }

    /** How a field shows in the tree: {@code vni: 1}, headers as {@code ipv4_packet  [14..34)}. */
    static String label(FieldNode n) {
        String range = "  [" + n.offset() + ".." + n.end() + ")";
        if (n.error()) {
            return "⚠ " + n.value() + range;
        }
        if (!n.children().isEmpty()) {
            return n.name() + (n.value().equals(n.name()) || n.value().isEmpty() ? "" : ": " + n.value()) + range;
        }
        return n.name() + ": " + n.value();
    }

    // ------------------------------------------------------------------ opening

    /**
     * Loads the captures (replacing what was open), then correlates them in the background.
     *
     * @return completes when loading and correlation are over (or failed, or were cancelled)
     */
    CompletableFuture<Void> open(List<Path> inputs) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (running != null) {
            running.cancel(true);
        }
        List<Path> files;
        try {
            files = Loader.expand(inputs);
        } catch (IOException e) {
            status.setText("Cannot open: " + e.getMessage());
            done.complete(null);
            return done;
        }
        if (files.isEmpty()) {
            status.setText("No capture files in " + inputs);
            done.complete(null);
            return done;
        }
        remember(inputs);
        abandonCapture();
        clearAll();
        PacketStore newStore = new PacketStore();
        newStore.state = ClusterState.load(inputs, KubernetesObjects.EMPTY);
        newStore.names = AddressNames.from(newStore.state);
        Task<int[]> load = new Task<>() {
            @Override
            protected int[] call() throws Exception {
                updateMessage("Loading " + files.size() + " file(s)…");
                loadErrors = Loader.load(files, newStore, (d, t, m) -> {
                    updateProgress(d, Math.max(1, t));
                    updateMessage("Loading " + m);
                }, this::isCancelled);
                if (isCancelled()) {
                    return null;
                }
                updateMessage("Sorting " + newStore.size() + " packets by time…");
                int[] all = new int[newStore.size()];
                for (int i = 0; i < all.length; i++) {
                    all[i] = i;
                }
                return IntSort.sorted(all, (a, b) -> Long.compare(newStore.timestamp(a), newStore.timestamp(b)));
            }
        };
        load.setOnSucceeded(e -> {
            finished();
            int[] order = load.getValue();
            if (order == null) {
                done.complete(null);
                return;
            }
            install(newStore, order);
            analyze(done);
        });
        load.setOnCancelled(e -> {
            finished();
            status.setText("Loading cancelled.");
            done.complete(null);
        });
        load.setOnFailed(e -> {
            finished();
            status.setText("Loading failed: " + load.getException());
            done.complete(null);
        });
        stage.setTitle(TITLE + " — " + (files.size() == 1 ? files.get(0).getFileName()
                : files.size() + " files in " + files.get(0).toAbsolutePath().getParent()));
        start(load);
        return done;
    }

    private void clearAll() {
        store = null;
        rows = null;
        correlation = null;
        timeOrder = new int[0];
        filtered = new int[0];
        showRows(new int[0]);
        tree.setRoot(null);
        hex.setData(null);
        journey.showMessage("Select a packet to see its journey.");
        reports.clear();
        findings.clear();
        charts.clear();
        analysis = null;
        correlationState = "";
        liveState = "";
        loadErrors = List.of();
        deleteTemporaryCapture();
    }

    void install(PacketStore newStore, int[] order) {
        store = newStore;
        timeOrder = order;
        rows = new RowFormatter(store, order.length == 0 ? 0 : store.timestamp(order[0]));
        filtered = order;
        if (!filter.matchesAll()) {
            applyFilter(filter.expression());
        } else {
            showRows(sortedView(order));
        }
        charts.showPackets(store);
        updateStatus();
    }

    /** What one analysis run gave: the report and the correlation tied to the loaded packets. */
    private record Analysis(AnalysisReport report, CorrelationModel model) {
    }

    /**
     * Runs the {@link Analyzer} over the loaded files in the background (one correlation pass
     * that keeps the journeys and feeds every rule), then fills the journey view, the findings
     * and the correlation tabs.
     */
    private void analyze(CompletableFuture<Void> done) {
        PacketStore forStore = store;
        List<Path> files = List.copyOf(store.files);
        long total = Math.max(1, store.size());
        Task<Analysis> task = new Task<>() {
            @Override
            protected Analysis call() throws Exception {
                updateMessage("Analysing " + files.size() + " file(s): correlation and findings…");
                updateProgress(-1, 1);
                Analyzer.Options options = new Analyzer.Options();
                options.correlation.keepJourneys = true;
                options.state = forStore.state;
                AtomicLong seen = new AtomicLong();
                options.progress = (point, file, record, stack, view) -> {
                    long n = seen.incrementAndGet();
                    if ((n & 0xFFF) == 0) {
                        if (isCancelled()) {
                            throw new CancellationException();
                        }
                        updateProgress(Math.min(n, total), total);
                    }
                };
                AnalysisReport report = Analyzer.analyze(files, options);
                if (isCancelled()) {
                    return null;
                }
                CorrelationReport correlated = report.correlation();
                return new Analysis(report, new CorrelationModel(correlated, forStore));
            }
        };
        correlationState = "analysing…";
        updateStatus();
        task.setOnSucceeded(e -> {
            finished();
            if (store != forStore || task.getValue() == null) {
                done.complete(null);
                return;
            }
            analysis = task.getValue().report();
            correlation = task.getValue().model();
            CorrelationReport r = correlation.report;
            findings.show(analysis.findings());
            correlationState = (r.journeys() == null ? 0 : r.journeys().size()) + " journeys, "
                    + (r.paths() == null ? 0 : r.paths().size()) + " paths, "
                    + (r.nat() == null ? 0 : r.nat().size()) + " NAT, "
                    + (r.tunnels() == null ? 0 : r.tunnels().size()) + " tunnels · findings: "
                    + findings.countsText();
            reports.show(r);
            charts.showLatencies(correlation.hopLatencies);
            table.refresh();
            Integer sel = table.getSelectionModel().getSelectedItem();
            showJourney(sel == null ? -1 : sel);
            updateStatus();
            done.complete(null);
        });
        task.setOnCancelled(e -> {
            finished();
            correlationState = "analysis cancelled";
            updateStatus();
            done.complete(null);
        });
        task.setOnFailed(e -> {
            finished();
            correlationState = "analysis failed: " + task.getException().getMessage();
            updateStatus();
            done.complete(null);
        });
        start(task);
    }

    private void start(Task<?> task) {
        running = task;
        progress.setVisible(true);
        cancel.setVisible(true);
        progress.progressProperty().bind(task.progressProperty());
        status.textProperty().bind(task.messageProperty());
        Thread t = new Thread(task, "tunnelscope-task");
        t.setDaemon(true);
        t.start();
    }

    private void finished() {
        running = null;
        progress.progressProperty().unbind();
        status.textProperty().unbind();
        progress.setVisible(false);
        cancel.setVisible(false);
    }

    private void updateStatus() {
        if (store == null || status.textProperty().isBound()) {
            return; // a task's message shows meanwhile (a live capture's ticks come back here)
        }
        StringBuilder sb = new StringBuilder();
        if (!liveState.isEmpty()) {
            sb.append(liveState).append(" · ");
        }
        sb.append(store.size()).append(" packets, ").append(rowsList.size()).append(" displayed · ")
                .append(store.points.size()).append(" capture points in ").append(store.files.size()).append(" files");
        if (!correlationState.isEmpty()) {
            sb.append(" · ").append(correlationState);
        }
        if (!loadErrors.isEmpty()) {
            sb.append(" · ").append(loadErrors.size()).append(" file(s) not fully read: ").append(loadErrors.get(0));
        }
        status.setText(sb.toString());
    }

    // ------------------------------------------------------------------ filter and sort

    /**
     * Applies a filter expression: a syntax error is shown (red, with its position) and keeps the
     * current rows.
     *
     * @return completes with the number of rows shown (or -1 on a syntax error)
     */
    CompletableFuture<Integer> applyFilter(String expression) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        PacketFilter compiled;
        try {
            compiled = Filter.compile(expression, store == null ? AddressNames.NONE : store.names);
        } catch (FilterSyntaxException e) {
            filterMessage.setText(e.getMessage());
            if (!filterField.getStyleClass().contains("filter-bad")) {
                filterField.getStyleClass().add("filter-bad");
            }
            filterField.requestFocus();
            filterField.positionCaret(Math.min(e.position(), filterField.getText().length()));
            done.complete(-1);
            return done;
        }
        filter = compiled;
        filterMessage.setText("");
        if (store == null) {
            done.complete(0);
            return done;
        }
        if (compiled.matchesAll()) {
            filtered = timeOrder;
            showRows(sortedView(filtered));
            updateStatus();
            done.complete(rowsList.size());
            return done;
        }
        PacketStore s = store;
        int[] order = timeOrder;
        Task<int[]> task = new Task<>() {
            @Override
            protected int[] call() {
                updateMessage("Filtering " + order.length + " packets…");
                RowFormatter decoder = new RowFormatter(s, 0);
                PacketFilter f = compiled.copy();
                int[] out = new int[order.length];
                int n = 0;
                for (int k = 0; k < order.length; k++) {
                    if ((k & 0xFFFF) == 0) {
                        if (isCancelled()) {
                            return null;
                        }
                        updateProgress(k, order.length);
                    }
                    int i = order[k];
                    PacketView v = decoder.view(i);
                    if (f.matches(v, s.frame(i), s.point(i).name())) {
                        out[n++] = i;
                    }
                }
                return Arrays.copyOf(out, n);
            }
        };
        task.setOnSucceeded(e -> {
            finished();
            if (store == s && task.getValue() != null) {
                filtered = task.getValue();
                if (timeOrder.length > order.length) {
                    // A live capture appended packets while the filter ran: filter those here.
                    filtered = concat(filtered, filterHere(compiled, timeOrder, order.length, timeOrder.length));
                }
                showRows(sortedView(filtered));
                updateStatus();
            }
            done.complete(rowsList.size());
        });
        task.setOnCancelled(e -> {
            finished();
            updateStatus();
            done.complete(rowsList.size());
        });
        task.setOnFailed(e -> {
            finished();
            status.setText("Filter failed: " + task.getException());
            done.complete(rowsList.size());
        });
        start(task);
        return done;
    }

    /** The packets of {@code order[from, to)} that {@code f} lets through, decoded on this thread. */
    private int[] filterHere(PacketFilter f, int[] order, int from, int to) {
        if (f.matchesAll()) {
            return Arrays.copyOfRange(order, from, to);
        }
        if (liveFilterSource != f) {
            liveFilter = f.copy();
            liveFilterSource = f;
        }
        int[] out = new int[to - from];
        int n = 0;
        for (int k = from; k < to; k++) {
            int i = order[k];
            if (liveFilter.matches(rows.view(i), store.frame(i), store.point(i).name())) {
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static int[] concat(int[] a, int[] b) {
        if (b.length == 0) {
            return a;
        }
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private void showRows(int[] indexes) {
        Integer selected = table.getSelectionModel().getSelectedItem();
        sorting = true;
        try {
            rowsList.set(indexes);
        } finally {
            sorting = false;
        }
        if (selected != null) {
            for (int r = 0; r < indexes.length; r++) {
                if (indexes[r] == selected) {
                    table.getSelectionModel().select(r);
                    table.scrollTo(Math.max(0, r - 3));
                    return;
                }
            }
        }
        table.getSelectionModel().clearSelection();
    }

    private int[] sortedView(int[] base) {
        if (store == null || table.getSortOrder().isEmpty()) {
            return base;
        }
        TableColumn<Integer, ?> col = table.getSortOrder().get(0);
        int c = table.getColumns().indexOf(col);
        boolean asc = col.getSortType() == TableColumn.SortType.ASCENDING;
        PacketStore s = store;
        IntSort.IntComparator cmp = switch (c) {
            case RowFormatter.NO -> Integer::compare;
            case RowFormatter.TIME -> (a, b) -> Long.compare(s.timestamp(a), s.timestamp(b));
            case RowFormatter.POINT -> (a, b) -> s.point(a).name().compareTo(s.point(b).name());
            case RowFormatter.LENGTH -> (a, b) -> Integer.compare(s.wireLength(a), s.wireLength(b));
            case RowFormatter.PROTOCOL -> (a, b) -> Integer.compare(s.protoCode(a), s.protoCode(b));
            case RowFormatter.ENCAP -> (a, b) -> {
                int ea = s.flags(a) & PacketStore.ENCAP_MASK;
                int eb = s.flags(b) & PacketStore.ENCAP_MASK;
                return ea != eb ? Integer.compare(ea, eb) : Integer.compare(s.vni(a), s.vni(b));
            };
            default -> null;
        };
        if (cmp == null) {
            return base;
        }
        IntSort.IntComparator directed = asc ? cmp : (a, b) -> cmp.compare(b, a);
        return IntSort.sorted(base, directed);
    }

    // ------------------------------------------------------------------ live capture

    /** Capture → Start capture…: the dialog (interfaces, BPF filter, promiscuous, pcapng file). */
    CaptureDialog showCaptureDialog() {
        if (live != null) {
            status.setText("A capture is running: stop it first.");
            return null;
        }
        captureDialog = new CaptureDialog(this);
        captureDialog.show();
        return captureDialog;
    }

    /**
     * Shows a live capture: an empty list (what was open is closed), one capture point per
     * interface, packets appended every {@link #LIVE_TICK_MILLIS} ms.
     */
    void startCapture(LiveSession session) {
        if (running != null) {
            running.cancel(true);
        }
        abandonCapture();
        clearAll();
        PacketStore s = new PacketStore();
        s.files.add(session.file);
        s.fileStart = new int[] {0};
        for (io.tunnelscope.capture.CaptureInterface iface : session.capture.interfaces()) {
            s.points.add(new PacketStore.Point(iface.name(), 0, iface.linkType()));
        }
        store = s;
        rows = null;
        timeOrder = new int[0];
        filtered = new int[0];
        live = session;
        if (session.temporary) {
            temporaryCapture = session.file;
        }
        String names = String.join(", ", session.capture.interfaces().stream()
                .map(io.tunnelscope.capture.CaptureInterface::name).toList());
        liveState = "● capturing on " + names + (session.temporary ? "" : ", writing " + session.file);
        session.capture.onInterfaceFailure((iface, message) -> Platform.runLater(() -> {
            if (live == session) {
                liveState = liveState + " · " + iface.name() + " failed: " + message;
                updateStatus();
            }
        }));
        session.ended.thenRun(() -> Platform.runLater(() -> {
            if (live == session) {
                stopCapture(); // every interface stopped by itself
            }
        }));
        liveTimer = new Timeline(new KeyFrame(Duration.millis(LIVE_TICK_MILLIS), e -> drainCapture()));
        liveTimer.setCycleCount(Timeline.INDEFINITE);
        setCapturing(true);
        stage.setTitle(TITLE + " — capturing on " + names);
        session.start();
        liveTimer.play();
        updateStatus();
    }

    private void setCapturing(boolean capturing) {
        startCaptureItem.setDisable(capturing);
        startCaptureButton.setDisable(capturing);
        stopCaptureItem.setDisable(!capturing);
        stopCaptureButton.setDisable(!capturing);
    }

    /** Appends what the capture delivered since the last tick (FX thread). */
    private void drainCapture() {
        LiveSession session = live;
        if (session == null || store == null) {
            return;
        }
        LiveSession.Batch b = session.take();
        if (b.size == 0) {
            return;
        }
        java.nio.ByteBuffer data = b.buffer();
        int[] added = new int[b.size];
        for (int k = 0; k < b.size; k++) {
            added[k] = store.add(b.ts[k], b.frame[k], b.iface[k], data, b.offset[k], b.captured[k], b.wire[k],
                    b.flags[k], b.vni[k], b.innerLength[k], b.proto[k]);
        }
        if (rows == null) {
            rows = new RowFormatter(store, store.timestamp(added[0]));
        }
        timeOrder = concat(timeOrder, added);
        int[] shown = filterHere(filter, added, 0, added.length);
        filtered = concat(filtered, shown);
        boolean follow = table.getSelectionModel().isEmpty();
        if (table.getSortOrder().isEmpty()) {
            rowsList.append(shown, shown.length);
        } else {
            showRows(sortedView(filtered));
        }
        if (follow && rowsList.size() > 0) {
            table.scrollTo(rowsList.size() - 1);
        }
        updateStatus();
    }

    /**
     * Stops the live capture (menu, toolbar): the capture ends, its pcapng is closed, then the
     * analysis runs on it.
     *
     * @return completes when the analysis of the capture is over
     */
    CompletableFuture<Void> stopCapture() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        LiveSession session = live;
        if (session == null || session.capture.isStopping()) {
            done.complete(null);
            return done;
        }
        stopCaptureItem.setDisable(true);
        stopCaptureButton.setDisable(true);
        liveState = "stopping the capture…";
        updateStatus();
        session.capture.stop();
        Thread t = new Thread(() -> {
            session.finish();
            Platform.runLater(() -> captureFinished(session, done));
        }, "tunnelscope-capture-stop");
        t.setDaemon(true);
        t.start();
        return done;
    }

    private void captureFinished(LiveSession session, CompletableFuture<Void> done) {
        if (live != session) {
            done.complete(null);
            return;
        }
        drainCapture();
        liveTimer.stop();
        liveTimer = null;
        live = null;
        setCapturing(false);
        StringBuilder counts = new StringBuilder("capture ended");
        for (io.tunnelscope.capture.LiveCapture.InterfaceStats st : session.capture.stats()) {
            counts.append(" · ").append(st.iface().name()).append(": ").append(st.packets()).append(" packets");
            if (st.dropped() > 0) {
                counts.append(", ").append(st.dropped()).append(" dropped");
            }
            if (st.error() != null) {
                counts.append(" (").append(st.error()).append(')');
            }
        }
        if (!session.temporary) {
            counts.append(" · written to ").append(session.file);
        }
        liveState = counts.toString();
        stage.setTitle(TITLE + " — " + (session.temporary ? "live capture" : session.file.getFileName()));
        charts.showPackets(store);
        if (session.writeError() != null) {
            correlationState = "not analysed: cannot write " + session.writeError();
            updateStatus();
            done.complete(null);
            return;
        }
        analyze(done);
    }

    /** Ends a running capture at once, without analysing it (something else is opened, or the window closes). */
    void abandonCapture() {
        LiveSession session = live;
        if (session == null) {
            return;
        }
        live = null;
        if (liveTimer != null) {
            liveTimer.stop();
            liveTimer = null;
        }
        setCapturing(false);
        session.finish();
    }

    private void deleteTemporaryCapture() {
        if (temporaryCapture != null) {
            try {
                Files.deleteIfExists(temporaryCapture);
            } catch (IOException e) {
                // deleted on exit then
            }
            temporaryCapture = null;
        }
    }

    // ------------------------------------------------------------------ selection

    /** The full captured bytes of packet {@code i} (re-read from its file when the arena kept only the headers). */
    byte[] packetBytes(int i) {
        if ((store.flags(i) & PacketStore.CLIPPED) == 0) {
            return store.copy(i);
        }
        Path file = store.files.get(store.point(i).file());
        try (CaptureReader reader = CaptureReaders.open(file)) {
            PacketRecord record = new PacketRecord();
            while (reader.next(record)) {
                if (record.frameNumber() == store.frame(i)) {
                    return record.copyBytes();
                }
            }
        } catch (IOException e) {
            status.setText(file + ": " + e.getMessage());
        }
        return store.copy(i);
    }

    private void showPacket(int i) {
        if (i < 0 || store == null) {
            tree.setRoot(null);
            hex.setData(null);
            showJourney(-1);
            return;
        }
        byte[] bytes = packetBytes(i);
        hex.setData(bytes);
        FieldNode root = PacketDetails.dissect(bytes, store.linkType(i));
        TreeItem<FieldNode> item = treeItem(root, 0);
        item.setExpanded(true);
        tree.setRoot(item);
        showJourney(i);
    }

    private static TreeItem<FieldNode> treeItem(FieldNode n, int depth) {
        TreeItem<FieldNode> item = new TreeItem<>(n);
        for (FieldNode c : n.children()) {
            item.getChildren().add(treeItem(c, depth + 1));
        }
        // Expand the header chain (frame → ethernet → ip → udp → vxlan → ...), not every field.
        item.setExpanded(!n.children().isEmpty() && depth < 40 && !n.name().endsWith("]"));
        return item;
    }

    private void showJourney(int i) {
        if (i < 0 || store == null) {
            journey.showMessage("Select a packet to see its journey.");
        } else if (correlation == null) {
            journey.showMessage(running != null ? "Correlation is running…" : "No correlation.");
        } else {
            CorrelationReport.Journey j = correlation.journey(i);
            if (j == null) {
                journey.showMessage("Packet " + (i + 1) + " was seen at one capture point only (no journey).");
            } else {
                journey.show(j, correlation);
            }
        }
    }

    /** Selects the deepest tree node whose bytes contain {@code offset}. */
    void selectFieldAt(int offset) {
        TreeItem<FieldNode> best = null;
        TreeItem<FieldNode> at = tree.getRoot();
        while (at != null) {
            best = at;
            TreeItem<FieldNode> next = null;
            for (TreeItem<FieldNode> c : at.getChildren()) {
                FieldNode n = c.getValue();
                if (offset >= n.offset() && offset < n.end()) {
                    next = c;
                    break;
                }
            }
            at = next;
        }
        if (best != null) {
            for (TreeItem<FieldNode> p = best.getParent(); p != null; p = p.getParent()) {
                p.setExpanded(true);
            }
            tree.getSelectionModel().select(best);
            int row = tree.getRow(best);
            if (row >= 0) {
                tree.scrollTo(Math.max(0, row - 3));
            }
        }
    }

    /** Selects the row showing packet {@code i}; false when it is filtered out. */
    boolean selectPacket(int i) {
        int r = rowsList.rowOf(i);
        if (r < 0) {
            return false;
        }
        table.getSelectionModel().clearAndSelect(r);
        table.scrollTo(Math.max(0, r - 3));
        return true;
    }

    /** The loaded file a report names (as given, or the same file by absolute path), or -1. */
    int fileIndex(String file) {
        if (store == null || file == null) {
            return -1;
        }
        for (int f = 0; f < store.files.size(); f++) {
            if (store.files.get(f).toString().equals(file)) {
                return f;
            }
        }
        Path wanted = Path.of(file).toAbsolutePath().normalize();
        for (int f = 0; f < store.files.size(); f++) {
            if (store.files.get(f).toAbsolutePath().normalize().equals(wanted)) {
                return f;
            }
        }
        return -1;
    }

    /**
     * Shows an evidence packet of a finding: the Packets tab, that file's frame selected (the
     * filter is cleared when it hides the packet).
     *
     * @return false when the packet is not loaded
     */
    boolean showEvidence(Evidence e) {
        int f = fileIndex(e.file());
        int i = f < 0 ? -1 : store.indexOf(f, e.frame());
        if (i < 0) {
            status.setText("Evidence " + e + " (" + e.file() + ") is not among the loaded packets.");
            return false;
        }
        tabs.getSelectionModel().select(packetsTab);
        if (!selectPacket(i)) {
            filterField.setText("");
            applyFilter(""); // an empty filter applies at once
            selectPacket(i);
        }
        table.requestFocus();
        return true;
    }

    /**
     * A packet worth showing first: the first tunnelled packet, seen at a single-interface point,
     * with the most address rewrites and then the longest journey.
     */
    int interestingPacket() {
        if (store == null) {
            return -1;
        }
        int best = -1;
        int bestHops = 0;
        for (int k = 0; k < timeOrder.length; k++) {
            int i = timeOrder[k];
            if ((store.flags(i) & PacketStore.TUNNELLED) == 0) {
                continue;
            }
            String point = store.point(i).name();
            if (point.contains(":")) {
                continue;
            }
            CorrelationReport.Journey j = correlation == null ? null : correlation.journey(i);
            int hops = j == null ? 0 : j.hops().size() + 100 * rewrites(j);
            if (best < 0 || hops > bestHops) {
                best = i;
                bestHops = hops;
            }
        }
        return best >= 0 ? best : (timeOrder.length > 0 ? timeOrder[0] : -1);
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

    /** Selects the first tree node of that field name and scrolls to it. */
    void selectField(String name) {
        TreeItem<FieldNode> item = TunnelscopeApp.SnapshotRun.find(tree.getRoot(), name);
        if (item != null) {
            tree.getSelectionModel().select(item);
            int row = tree.getRow(item);
            if (row >= 0) {
                tree.scrollTo(Math.max(0, row - 4));
            }
        }
    }

    // ------------------------------------------------------------------ recent files

    private static Preferences prefs() {
        return Boolean.getBoolean("tunnelscope.gui.noPrefs") ? null : Preferences.userNodeForPackage(MainWindow.class);
    }

    private void remember(List<Path> inputs) {
        Preferences p = prefs();
        if (p == null) {
            return;
        }
        String entry = String.join("\t", inputs.stream().map(x -> x.toAbsolutePath().toString()).toList());
        List<String> recent = new ArrayList<>(List.of(p.get("recent", "").split("\n")));
        recent.removeIf(s -> s.isBlank() || s.equals(entry));
        recent.add(0, entry);
        while (recent.size() > MAX_RECENT) {
            recent.remove(recent.size() - 1);
        }
        p.put("recent", String.join("\n", recent));
        refreshRecentMenu();
    }

    private void refreshRecentMenu() {
        recentMenu.getItems().clear();
        Preferences p = prefs();
        if (p != null) {
            for (String entry : p.get("recent", "").split("\n")) {
                if (entry.isBlank()) {
                    continue;
                }
                List<Path> paths = Arrays.stream(entry.split("\t")).map(Path::of).toList();
                MenuItem item = new MenuItem(paths.size() == 1 ? paths.get(0).toString()
                        : paths.get(0) + " (+" + (paths.size() - 1) + ")");
                item.setDisable(!paths.stream().allMatch(Files::exists));
                item.setOnAction(e -> open(paths));
                recentMenu.getItems().add(item);
            }
        }
        recentMenu.setDisable(recentMenu.getItems().isEmpty());
    }
}
