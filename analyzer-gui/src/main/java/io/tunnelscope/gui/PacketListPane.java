package io.tunnelscope.gui;

import io.tunnelscope.decode.LayerStatus;
import io.tunnelscope.filter.Filter;
import io.tunnelscope.filter.FilterSyntaxException;
import io.tunnelscope.filter.PacketFilter;
import io.tunnelscope.flow.TcpAnalysis;
import io.tunnelscope.state.AddressNames;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.concurrent.Task;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The packet list and what works on it: the display filter bar, the virtualised table (one
 * numbering: {@code No.} is the packet's place in time order, {@code Frame} its number in its
 * file), column sorting, the time format, Go to packet, Find (display filter, hex bytes or a
 * string), marking and ignoring. Filtering and finding run in the background
 * ({@link PacketPass}: the same decode, reassembly and TCP analysis as {@code decode}).
 */
final class PacketListPane extends VBox {
    /** What Find looks for. */
    enum FindMode {
        FILTER("Display filter"), HEX("Hex value"), STRING("String");

        private final String label;

        FindMode(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** The packet list's column ids, by {@link RowFormatter} column ({@code #column-no}...). */
    static final String[] COLUMN_IDS = {"column-no", "column-frame", "column-time", "column-point", "column-outer-src",
        "column-outer-dst", "column-encap", "column-inner-src", "column-inner-dst", "column-protocol", "column-length",
        "column-info"};

    private final StatusBar statusBar;
    private final TableView<Integer> table = new TableView<>();
    private final IndexList rowsList = new IndexList();
    private final TextField filterField = new TextField();
    private final Label filterMessage = new Label();
    private final HBox findBar = new HBox(6);
    private final ComboBox<FindMode> findMode = new ComboBox<>();
    private final TextField findField = new TextField();
    private final Label findMessage = new Label();
    private final HBox goToBar = new HBox(6);
    private final TextField goToField = new TextField();
    private final Label goToMessage = new Label();

    private Session session;
    private RowFormatter rows;
    private PacketFilter filter = Filter.compile("");
    /** The packets the filter lets through, in time order. */
    private int[] filtered = new int[0];
    private boolean sorting;
    private Task<?> filterTask;
    private Task<?> findTask;
    private IntConsumer onSelection = i -> { };
    private Runnable onDisplayedChanged = () -> { };
    private Runnable onMarksChanged = () -> { };

    PacketListPane(StatusBar statusBar) {
        this.statusBar = statusBar;
        setId("packet-list-pane");
        buildTable();
        buildFindBar();
        buildGoToBar();
        VBox.setVgrow(table, Priority.ALWAYS);
        getChildren().addAll(goToBar, findBar, table);
    }

    // ------------------------------------------------------------------ layout

    /** The display filter bar (placed above the tabs by the window). */
    HBox filterBar() {
        filterField.setId("display-filter");
        filterField.setPromptText("Display filter, e.g.  tcp.analysis.retransmission  or  inner.src == 10.102.20.2 && vxlan"
                + "   (Enter to apply)");
        filterField.setOnAction(e -> applyFilter(filterField.getText()));
        filterField.textProperty().addListener((o, a, b) -> checkSyntax(b));
        filterMessage.setId("display-filter-message");
        filterMessage.getStyleClass().add("filter-message");
        Button apply = new Button("Apply");
        apply.setId("apply-filter");
        apply.setOnAction(e -> applyFilter(filterField.getText()));
        Button clear = new Button("Clear");
        clear.setId("clear-filter");
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

    /** Live syntax check while typing; applying waits for Enter. */
    private void checkSyntax(String text) {
        try {
            Filter.compile(text, names());
            filterField.getStyleClass().removeAll("filter-bad", "filter-good");
            if (!text.isBlank()) {
                filterField.getStyleClass().add("filter-good");
            }
            filterMessage.setText("");
        } catch (FilterSyntaxException ex) {
            filterField.getStyleClass().removeAll("filter-bad", "filter-good");
            filterField.getStyleClass().add("filter-bad");
            filterMessage.setText(ex.getMessage());
        }
    }

    private void buildTable() {
        table.setId("packet-list");
        table.setItems(rowsList);
        table.setFixedCellSize(22);
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        table.setPlaceholder(new Label("No packets"));
        // No. and Frame fit 9 digits; Time fits a UTC date and time of day.
        double[] widths = {84, 72, 110, 150, 118, 118, 100, 110, 110, 72, 64, 460};
        for (int c = 0; c < RowFormatter.TITLES.length; c++) {
            int column = c;
            TableColumn<Integer, String> col = new TableColumn<>(RowFormatter.TITLES[c]);
            col.setId(COLUMN_IDS[c]);
            col.setPrefWidth(widths[c]);
            col.setMinWidth(c == RowFormatter.NO || c == RowFormatter.FRAME ? widths[c] : 40);
            col.setCellValueFactory(cd -> new ReadOnlyStringWrapper(
                    rows == null ? "" : rows.cell(cd.getValue(), column)));
            if (c == RowFormatter.TIME) {
                col.setCellFactory(tc -> new TimeCell());
            }
            col.setSortable(c == RowFormatter.NO || c == RowFormatter.FRAME || c == RowFormatter.TIME
                    || c == RowFormatter.POINT || c == RowFormatter.LENGTH || c == RowFormatter.PROTOCOL
                    || c == RowFormatter.ENCAP);
            table.getColumns().add(col);
        }
        table.setRowFactory(tv -> new PacketRow());
        table.setSortPolicy(tv -> {
            if (!sorting) {
                showRows(sortedView(filtered));
            }
            return true;
        });
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> onSelection.accept(b == null ? -1 : b));
    }

    /** A row coloured as Wireshark's colouring rules would: marked, ignored, bad, TCP problems, NAT, fragments... */
    private final class PacketRow extends TableRow<Integer> {
        @Override
        protected void updateItem(Integer item, boolean empty) {
            super.updateItem(item, empty);
            getStyleClass().removeAll("tunnelled", "nat", "fragment", "bad", "icmp-error", "tcp-problem", "marked",
                    "ignored");
            if (empty || item == null || session == null) {
                return;
            }
            String style = style(item);
            if (style != null) {
                getStyleClass().add(style);
            }
        }
    }

    /** The style class of packet {@code i}'s row, or null. */
    private String style(int i) {
        PacketStore store = session.store();
        int f = store.flags(i);
        if (session.marked().get(i)) {
            return "marked";
        }
        if (session.ignored().get(i)) {
            return "ignored";
        }
        if (((f >> PacketStore.STATUS_SHIFT) & 3) != LayerStatus.OK.ordinal()) {
            return "bad";
        }
        if ((store.tcpFlags(i) & TcpAnalysis.PROBLEMS) != 0) {
            return "tcp-problem";
        }
        if ((f & PacketStore.NAT) != 0) {
            return "nat";
        }
        if ((f & PacketStore.FRAGMENT) != 0) {
            return "fragment";
        }
        if ((f & PacketStore.ICMP_ERROR) != 0) {
            return "icmp-error";
        }
        if ((f & PacketStore.TUNNELLED) != 0) {
            return "tunnelled";
        }
        return null;
    }

    /** The Time cell: its format may count from the previous displayed row. */
    private final class TimeCell extends TableCell<Integer, String> {
        @Override
        protected void updateItem(String text, boolean empty) {
            super.updateItem(text, empty);
            int row = getIndex();
            if (empty || rows == null || row < 0 || row >= rowsList.size()) {
                setText(null);
                return;
            }
            int packet = rowsList.get(row);
            int previous = row > 0 ? rowsList.get(row - 1) : -1;
            setText(rows.time(packet, previous));
        }
    }

    private void buildFindBar() {
        findBar.setId("find-bar");
        findMode.setId("find-mode");
        findMode.getItems().addAll(FindMode.values());
        findMode.setValue(FindMode.FILTER);
        findField.setId("find-field");
        findField.setPromptText("what to find (Enter: next)");
        findField.setOnAction(e -> find(findMode.getValue(), findField.getText(), false));
        Button next = new Button("Find next");
        next.setId("find-next");
        next.setOnAction(e -> find(findMode.getValue(), findField.getText(), false));
        Button previous = new Button("Previous");
        previous.setId("find-previous");
        previous.setOnAction(e -> find(findMode.getValue(), findField.getText(), true));
        Button close = new Button("✕");
        close.setOnAction(e -> showFindBar(false));
        findMessage.setId("find-message");
        HBox.setHgrow(findField, Priority.ALWAYS);
        findBar.getChildren().addAll(new Label("Find:"), findMode, findField, next, previous, findMessage, close);
        findBar.setAlignment(Pos.CENTER_LEFT);
        findBar.setPadding(new Insets(3, 6, 3, 6));
        findBar.getStyleClass().add("tool-bar-row");
        showFindBar(false);
        findField.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ESCAPE) {
                showFindBar(false);
            }
        });
    }

    private void buildGoToBar() {
        goToBar.setId("go-to-bar");
        goToField.setId("go-to-field");
        goToField.setPromptText("No., or point:frame (host1-ens33:4)");
        goToField.setPrefColumnCount(24);
        goToField.setOnAction(e -> goTo(goToField.getText()));
        Button go = new Button("Go to packet");
        go.setId("go-to-packet");
        go.setOnAction(e -> goTo(goToField.getText()));
        Button close = new Button("✕");
        close.setOnAction(e -> showGoToBar(false));
        goToMessage.setId("go-to-message");
        goToBar.getChildren().addAll(new Label("Go to packet:"), goToField, go, goToMessage, close);
        goToBar.setAlignment(Pos.CENTER_LEFT);
        goToBar.setPadding(new Insets(3, 6, 3, 6));
        goToBar.getStyleClass().add("tool-bar-row");
        showGoToBar(false);
        goToField.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ESCAPE) {
                showGoToBar(false);
            }
        });
    }

    /** Edit → Find Packet (Ctrl+F): shows or hides the find bar. */
    void showFindBar(boolean show) {
        findBar.setVisible(show);
        findBar.setManaged(show);
        if (show) {
            findField.requestFocus();
        }
    }

    /** Go → Go to Packet (Ctrl+G): shows or hides the go-to bar. */
    void showGoToBar(boolean show) {
        goToBar.setVisible(show);
        goToBar.setManaged(show);
        if (show) {
            goToField.requestFocus();
            goToField.selectAll();
        }
    }

    // ------------------------------------------------------------------ session

    /** The names the filter may use ({@code pod}, {@code node}...): the session's, when it has state. */
    private AddressNames names() {
        return session == null ? AddressNames.NONE : session.store().names();
    }

    void setOnSelection(IntConsumer handler) {
        this.onSelection = handler;
    }

    /** Called when the displayed packets changed (a filter applied, packets appended). */
    void setOnDisplayedChanged(Runnable handler) {
        this.onDisplayedChanged = handler;
    }

    /** Called when packets were marked or unmarked. */
    void setOnMarksChanged(Runnable handler) {
        this.onMarksChanged = handler;
    }

    /** Shows a session's packets (with the current filter); {@code null} empties the list. */
    void show(Session newSession) {
        cancelTasks();
        this.session = newSession;
        TimeFormat format = rows == null ? TimeFormat.SINCE_FIRST : rows.timeFormat();
        rows = newSession == null ? null : new RowFormatter(newSession);
        if (rows != null) {
            rows.timeFormat(format);
        }
        filtered = newSession == null ? new int[0] : newSession.timeOrder();
        if (newSession != null && !filter.matchesAll()) {
            applyFilter(filter.expression());
        } else {
            showRows(sortedView(filtered));
            onDisplayedChanged.run();
        }
    }

    private void cancelTasks() {
        if (filterTask != null) {
            filterTask.cancel(true);
        }
        if (findTask != null) {
            findTask.cancel(true);
        }
    }

    Session session() {
        return session;
    }

    /** Redraws the rows (marks, NAT colours after the analysis, the numbering). */
    void refresh() {
        if (rows != null) {
            rows.invalidate();
        }
        table.refresh();
    }

    void setTimeFormat(TimeFormat format) {
        if (rows != null) {
            rows.timeFormat(format);
        }
        table.refresh();
    }

    TimeFormat timeFormat() {
        return rows == null ? TimeFormat.SINCE_FIRST : rows.timeFormat();
    }

    /** The current filter. */
    PacketFilter filter() {
        return filter;
    }

    /** The displayed packets, in display order. */
    int[] displayed() {
        return rowsList.indexes();
    }

    int displayedCount() {
        return rowsList.size();
    }

    /** The packet of the focused row, or -1. */
    int selected() {
        Integer s = table.getSelectionModel().getSelectedItem();
        return s == null ? -1 : s;
    }

    /** Every selected packet, in display order. */
    int[] selectedPackets() {
        int[] rowsSelected = table.getSelectionModel().getSelectedIndices().stream().mapToInt(Integer::intValue)
                .sorted().toArray();
        int[] out = new int[rowsSelected.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = rowsList.get(rowsSelected[k]);
        }
        return out;
    }

    // ------------------------------------------------------------------ filter

    /**
     * Applies a display filter: a syntax error is shown (red, with its position) and keeps the
     * current rows.
     *
     * @return completes with the number of rows shown (or -1 on a syntax error)
     */
    CompletableFuture<Integer> applyFilter(String expression) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        PacketFilter compiled;
        try {
            compiled = Filter.compile(expression, names());
        } catch (FilterSyntaxException e) {
            filterMessage.setText(e.getMessage());
            filterField.getStyleClass().removeAll("filter-bad", "filter-good");
            filterField.getStyleClass().add("filter-bad");
            filterField.requestFocus();
            filterField.positionCaret(Math.min(e.position(), filterField.getText().length()));
            done.complete(-1);
            return done;
        }
        if (!filterField.getText().equals(expression)) {
            filterField.setText(expression);
        }
        filter = compiled;
        filterMessage.setText("");
        if (filterTask != null) {
            filterTask.cancel(true);
        }
        if (session == null) {
            done.complete(0);
            return done;
        }
        if (compiled.matchesAll()) {
            filtered = session.timeOrder();
            showRows(sortedView(filtered));
            onDisplayedChanged.run();
            done.complete(rowsList.size());
            return done;
        }
        Session s = session;
        int count = s.store().size();
        int[] order = s.timeOrder();
        Task<BitSet> task = new Task<>() {
            @Override
            protected BitSet call() throws Exception {
                updateMessage("Filtering " + count + " packets…");
                return PacketPass.matches(s, compiled, count, (d, t) -> updateProgress(d, t), this::isCancelled);
            }
        };
        filterTask = task;
        task.setOnSucceeded(e -> {
            statusBar.finished(task);
            if (session == s && task.getValue() != null) {
                BitSet matches = task.getValue();
                filtered = select(order, matches);
                if (s.timeOrder().length > order.length) {
                    // A live capture appended packets while the filter ran: filter those here.
                    filtered = concat(filtered, filterNew(Arrays.copyOfRange(s.timeOrder(), order.length,
                            s.timeOrder().length)));
                }
                showRows(sortedView(filtered));
                onDisplayedChanged.run();
            }
            done.complete(rowsList.size());
        });
        task.setOnCancelled(e -> {
            statusBar.finished(task);
            done.complete(rowsList.size());
        });
        task.setOnFailed(e -> {
            statusBar.finished(task);
            statusBar.show("Filter failed: " + task.getException().getMessage());
            done.complete(rowsList.size());
        });
        statusBar.run(task);
        return done;
    }

    /** The packets of {@code order} whose bit is set, in that order. */
    private static int[] select(int[] order, BitSet bits) {
        int[] out = new int[order.length];
        int n = 0;
        for (int i : order) {
            if (bits.get(i)) {
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * Filters packets a live capture just appended, here on the FX thread: decoded from the arena,
     * without TCP analysis or reassembly (the capture's analysis brings them once it is stopped).
     */
    private int[] filterNew(int[] added) {
        if (filter.matchesAll()) {
            return added;
        }
        PacketFilter f = filter.copy();
        int[] out = new int[added.length];
        int n = 0;
        for (int i : added) {
            var view = rows.view(i);
            if (view != null && f.matches(view, session.store().frame(i), session.store().point(i).name())) {
                out[n++] = i;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Appends packets a live capture added (already in the session's time order). */
    void appendLive(int[] added) {
        int[] shown = filterNew(added);
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
        onDisplayedChanged.run();
    }

    /**
     * Appends packets of the file still loading (the next ones in time order) to the rows, unless
     * the rows no longer follow the loading ({@link #follows}): the list is then shown afresh once
     * loading is over. The other panes hear of the rows then, not at each batch.
     */
    void appendLoaded(int[] added) {
        if (follows(rowsList.size())) {
            filtered = concat(filtered, added);
            rowsList.append(added, added.length);
        }
    }

    /**
     * True when the rows are the session's first {@code count} packets in time order: no display
     * filter, no sorted column.
     */
    boolean follows(int count) {
        return session != null && filter.matchesAll() && table.getSortOrder().isEmpty() && rowsList.size() == count
                && filtered.length == count;
    }

    static int[] concat(int[] a, int[] b) {
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
        table.getSelectionModel().clearSelection();
        if (selected != null) {
            int r = rowsList.rowOf(selected);
            if (r >= 0) {
                table.getSelectionModel().select(r);
                table.scrollTo(Math.max(0, r - 3));
            }
        }
    }

    private int[] sortedView(int[] base) {
        if (session == null || table.getSortOrder().isEmpty()) {
            return base;
        }
        TableColumn<Integer, ?> col = table.getSortOrder().get(0);
        int c = table.getColumns().indexOf(col);
        boolean asc = col.getSortType() == TableColumn.SortType.ASCENDING;
        PacketStore s = session.store();
        Session ses = session;
        IntSort.IntComparator cmp = switch (c) {
            case RowFormatter.NO, RowFormatter.TIME -> (a, b) -> Integer.compare(ses.number(a), ses.number(b));
            case RowFormatter.FRAME -> (a, b) -> Integer.compare(s.frame(a), s.frame(b));
            case RowFormatter.POINT -> (a, b) -> s.point(a).name().compareTo(s.point(b).name());
            case RowFormatter.LENGTH -> (a, b) -> Integer.compare(s.wireLength(a), s.wireLength(b));
            case RowFormatter.PROTOCOL -> (a, b) -> Integer.compare(s.protoCode(a), s.protoCode(b));
            case RowFormatter.ENCAP -> (a, b) -> {
                int ea = s.flags(a) >>> PacketStore.ENCAP_SHIFT & PacketStore.ENCAP_MASK;
                int eb = s.flags(b) >>> PacketStore.ENCAP_SHIFT & PacketStore.ENCAP_MASK;
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

    // ------------------------------------------------------------------ selection, go to, find

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

    /**
     * Selects packet {@code i}, clearing the display filter first when it hides it.
     *
     * @return completes with true once it is selected
     */
    CompletableFuture<Boolean> reveal(int i) {
        if (selectPacket(i)) {
            table.requestFocus();
            return CompletableFuture.completedFuture(true);
        }
        return applyFilter("").thenApply(n -> {
            boolean ok = selectPacket(i);
            table.requestFocus();
            return ok;
        });
    }

    /**
     * Go to packet: {@code text} is a number ({@code 342}) or a point and its frame
     * ({@code host1-ens33:4}, {@code host2-multi:docker0:17}).
     *
     * @return the packet gone to, or -1 (the reason is shown beside the field)
     */
    int goTo(String text) {
        goToMessage.setText("");
        if (session == null) {
            return -1;
        }
        String t = text.trim();
        int packet = -1;
        try {
            if (t.matches("\\d+")) {
                packet = session.packetOfNumber(Long.parseLong(t));
                if (packet < 0) {
                    goToMessage.setText("No packet " + t + " (1 to " + session.timeOrder().length + ")");
                    return -1;
                }
            } else {
                int colon = t.lastIndexOf(':');
                int point = colon > 0 ? session.store().pointIndex(t.substring(0, colon)) : -1;
                if (point < 0) {
                    goToMessage.setText("Not a number nor point:frame: " + t);
                    return -1;
                }
                long frame = Long.parseLong(t.substring(colon + 1));
                packet = packetAt(point, frame);
                if (packet < 0) {
                    goToMessage.setText("No frame " + frame + " at " + t.substring(0, colon));
                    return -1;
                }
            }
        } catch (NumberFormatException e) {
            goToMessage.setText("Not a number: " + t);
            return -1;
        }
        if (!selectPacket(packet)) {
            goToMessage.setText("No. " + session.number(packet) + " was hidden by the filter: cleared");
            reveal(packet);
        }
        table.requestFocus();
        return packet;
    }

    /** The packet of a point's frame (frames count per file, so per point of a one-point file), or -1. */
    int packetAt(int point, long frame) {
        PacketStore store = session.store();
        int file = store.points().get(point).file();
        int i = store.indexOf(file, frame);
        return i >= 0 && store.pointIndex(i) == point ? i : -1;
    }

    /**
     * Finds the next (or previous) displayed packet after the selected one that matches: a
     * display filter, a hex byte sequence ({@code 0a 66 14 02}) or a string, in the frame's bytes.
     * The search wraps around; the packet found is selected.
     *
     * @return completes with the packet found, or -1
     */
    CompletableFuture<Integer> find(FindMode mode, String what, boolean backwards) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        findMessage.setText("");
        if (session == null || what == null || what.isBlank()) {
            done.complete(-1);
            return done;
        }
        PacketFilter compiled = null;
        byte[] pattern = null;
        try {
            switch (mode) {
                case FILTER -> compiled = Filter.compile(what);
                case HEX -> pattern = hex(what);
                default -> pattern = what.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (IllegalArgumentException e) {
            findMessage.setText(e.getMessage());
            done.complete(-1);
            return done;
        }
        if (findTask != null) {
            findTask.cancel(true);
        }
        Session s = session;
        int[] shown = rowsList.indexes();
        int selectedRow = table.getSelectionModel().getSelectedIndex();
        int startRow = selectedRow >= 0 ? selectedRow : backwards ? 0 : -1;
        PacketFilter filterToFind = compiled;
        byte[] bytesToFind = pattern;
        Task<Integer> task = new Task<>() {
            @Override
            protected Integer call() throws Exception {
                updateMessage("Finding " + what + "…");
                BitSet matches = null;
                if (filterToFind != null) {
                    matches = PacketPass.matches(s, filterToFind, s.store().size(), (d, t) -> updateProgress(d, 2 * t),
                            this::isCancelled);
                    if (matches == null) {
                        return -1;
                    }
                }
                PacketBytes bytes = new PacketBytes(s.store(), true);
                int n = shown.length;
                for (int k = 1; k <= n; k++) {
                    if ((k & 0xFFF) == 0) {
                        if (isCancelled()) {
                            return -1;
                        }
                        updateProgress(n + k, 2L * n);
                    }
                    int row = Math.floorMod(startRow + (backwards ? -k : k), n);
                    int i = shown[row];
                    if (s.ignored().get(i)) {
                        continue;
                    }
                    if (matches != null ? matches.get(i) : contains(bytes, s.store(), i, bytesToFind)) {
                        return i;
                    }
                }
                return -1;
            }
        };
        findTask = task;
        task.setOnSucceeded(e -> {
            statusBar.finished(task);
            int found = task.getValue() == null ? -1 : task.getValue();
            if (found >= 0 && session == s) {
                selectPacket(found);
                findMessage.setText(s.describe(found));
            } else {
                findMessage.setText("Not found");
            }
            done.complete(found);
        });
        task.setOnCancelled(e -> {
            statusBar.finished(task);
            done.complete(-1);
        });
        task.setOnFailed(e -> {
            statusBar.finished(task);
            findMessage.setText("Find failed: " + task.getException().getMessage());
            done.complete(-1);
        });
        statusBar.run(task);
        return done;
    }

    /** Whether packet {@code i}'s captured bytes contain {@code pattern}. */
    private static boolean contains(PacketBytes bytes, PacketStore store, int i, byte[] pattern)
            throws java.io.IOException {
        bytes.locate(i);
        java.nio.ByteBuffer b = bytes.buffer();
        int from = bytes.offset();
        int last = from + store.capturedLength(i) - pattern.length;
        outer:
        for (int at = from; at <= last; at++) {
            for (int k = 0; k < pattern.length; k++) {
                if (b.get(at + k) != pattern[k]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Hex digits, with or without spaces or colons between bytes, as bytes. */
    static byte[] hex(String text) {
        String digits = text.replaceAll("[\\s:.-]", "");
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            digits = digits.substring(2);
        }
        if (digits.isEmpty() || digits.length() % 2 != 0 || !digits.matches("[0-9a-fA-F]+")) {
            throw new IllegalArgumentException("'" + text + "' is not a sequence of hex bytes (e.g. 0a 66 14 02)");
        }
        byte[] out = new byte[digits.length() / 2];
        for (int k = 0; k < out.length; k++) {
            out[k] = (byte) Integer.parseInt(digits.substring(2 * k, 2 * k + 2), 16);
        }
        return out;
    }

    // ------------------------------------------------------------------ marks

    /** Marks (or unmarks, when all are marked) the selected packets. */
    void toggleMark() {
        toggle(session == null ? null : session.marked());
    }

    /** Ignores (or stops ignoring) the selected packets: greyed, skipped by Find, left out of exports and charts. */
    void toggleIgnore() {
        toggle(session == null ? null : session.ignored());
        onDisplayedChanged.run();
    }

    private void toggle(BitSet bits) {
        if (bits == null) {
            return;
        }
        int[] chosen = selectedPackets();
        boolean all = chosen.length > 0;
        for (int i : chosen) {
            all &= bits.get(i);
        }
        for (int i : chosen) {
            bits.set(i, !all);
        }
        refresh();
        onMarksChanged.run();
    }

    /** Unmarks every packet. */
    void unmarkAll() {
        if (session != null) {
            session.marked().clear();
            refresh();
            onMarksChanged.run();
        }
    }

    /** Selects the next (or previous) marked packet among the displayed ones; false when there is none. */
    boolean nextMark(boolean backwards) {
        if (session == null || rowsList.size() == 0) {
            return false;
        }
        int start = table.getSelectionModel().getSelectedIndex();
        int n = rowsList.size();
        for (int k = 1; k <= n; k++) {
            int row = Math.floorMod(start + (backwards ? -k : k), n);
            if (session.marked().get(rowsList.get(row))) {
                table.getSelectionModel().clearAndSelect(row);
                table.scrollTo(Math.max(0, row - 3));
                return true;
            }
        }
        return false;
    }
}
