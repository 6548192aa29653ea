package io.tunnelscope.gui;

import io.tunnelscope.flow.Conversations;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/**
 * The Conversations tab (Wireshark's Statistics → Conversations and Endpoints): IP conversations
 * per capture point, outer and inner (each inner one inside its tunnel: encapsulation, VNI, the
 * tunnel's endpoints), with packets, bytes each way, start, duration and rate; the endpoints
 * below. A row is applied as a display filter with the button, its context menu or a
 * double-click.
 */
final class ConversationsTab implements ViewerTab {
    /** A conversation row with its point's name. */
    record Row(Conversations.Conversation conversation, String point) {
    }

    /** An endpoint row with its point's name. */
    record EndpointRow(Conversations.Endpoint endpoint, String point) {
    }

    static final String ALL_POINTS = "All capture points";

    private final Tab tab = new Tab("Conversations");
    private final TableView<Row> conversations = new TableView<>();
    private final TableView<EndpointRow> endpoints = new TableView<>();
    private final ComboBox<String> pointChoice = new ComboBox<>();
    private final Button applyAsFilter = new Button("Apply as filter");
    private Session session;
    private Consumer<String> onFilter = f -> { };
    /** Counts a session's conversations when the tab is first shown (the window runs it as a task). */
    private Function<Session, CompletableFuture<Conversations>> counter =
            s -> CompletableFuture.completedFuture(new Conversations());
    private static final String NONE = "No IP conversations";
    private final Label conversationsPlaceholder = new Label(NONE);

    ConversationsTab() {
        tab.setClosable(false);
        tab.setId("conversations-tab");
        conversations.setId("conversations-table");
        endpoints.setId("endpoints-table");
        conversations.getStyleClass().add("dense-table");
        endpoints.getStyleClass().add("dense-table");
        pointChoice.setId("conversation-point");
        applyAsFilter.setId("apply-conversation-filter");
        pointChoice.setOnAction(e -> fill());
        column(conversations, "Point", 140, r -> r.point());
        column(conversations, "Level", 50, r -> r.conversation().level() == Conversations.INNER ? "inner" : "outer");
        column(conversations, "Tunnel", 264, r -> tunnel(r.conversation()));
        column(conversations, "Address A", 112, r -> r.conversation().addressA());
        column(conversations, "Address B", 112, r -> r.conversation().addressB());
        number(conversations, "Packets", 62, r -> r.conversation().packets());
        number(conversations, "Bytes", 70, r -> r.conversation().bytes());
        number(conversations, "Pkts →", 62, r -> r.conversation().packetsAtoB());
        number(conversations, "Bytes →", 72, r -> r.conversation().bytesAtoB());
        number(conversations, "Pkts ←", 62, r -> r.conversation().packetsBtoA());
        number(conversations, "Bytes ←", 72, r -> r.conversation().bytesBtoA());
        column(conversations, "Start", 56, r -> seconds(r.conversation().firstNanos() - session.firstTimestamp()));
        column(conversations, "Duration", 68, r -> seconds(r.conversation().durationNanos()));
        column(conversations, "bit/s →", 84, r -> rate(r.conversation().bitsPerSecondAtoB()));
        column(conversations, "bit/s ←", 84, r -> rate(r.conversation().bitsPerSecondBtoA()));
        conversations.setPlaceholder(conversationsPlaceholder);
        // Counted when first shown, as Wireshark's Statistics → Conversations counts them.
        tab.selectedProperty().addListener((o, was, now) -> {
            if (now) {
                fill();
            }
        });
        conversations.setRowFactory(tv -> {
            TableRow<Row> row = new TableRow<>();
            MenuItem apply = new MenuItem("Apply as filter");
            apply.setOnAction(e -> applyRow(row.getItem()));
            row.contextMenuProperty().bind(javafx.beans.binding.Bindings.when(row.emptyProperty())
                    .then((ContextMenu) null).otherwise(new ContextMenu(apply)));
            row.setOnMouseClicked(e -> {
                if (e.getClickCount() == 2 && !row.isEmpty()) {
                    applyRow(row.getItem());
                }
            });
            return row;
        });
        applyAsFilter.disableProperty().bind(conversations.getSelectionModel().selectedItemProperty().isNull());
        applyAsFilter.setOnAction(e -> applyRow(conversations.getSelectionModel().getSelectedItem()));

        endpointColumn("Point", 150, r -> r.point());
        endpointColumn("Level", 50, r -> r.endpoint().level() == Conversations.INNER ? "inner" : "outer");
        endpointColumn("Address", 160, r -> r.endpoint().address());
        endpointNumber("Packets", 80, r -> r.endpoint().packets());
        endpointNumber("Bytes", 90, r -> r.endpoint().bytes());
        endpointNumber("Tx pkts", 70, r -> r.endpoint().packetsSent());
        endpointNumber("Tx bytes", 90, r -> r.endpoint().bytesSent());
        endpointNumber("Rx pkts", 70, r -> r.endpoint().packetsReceived());
        endpointNumber("Rx bytes", 90, r -> r.endpoint().bytesReceived());
        endpoints.setPlaceholder(new Label("No IP endpoints"));

        HBox bar = new HBox(8, new Label("Capture point:"), pointChoice, applyAsFilter,
                new Label("→ from A to B, ← from B to A; double-click a conversation to filter on it"));
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(6));
        Label endpointsTitle = new Label("Endpoints");
        endpointsTitle.setPadding(new Insets(4, 6, 2, 6));
        VBox lower = new VBox(endpointsTitle, endpoints);
        javafx.scene.layout.VBox.setVgrow(endpoints, javafx.scene.layout.Priority.ALWAYS);
        SplitPane split = new SplitPane(conversations, lower);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.62);
        tab.setContent(new BorderPane(split, bar, null, null, null));
    }

    private static <T> void column(TableView<T> table, String title, double width, Function<T, String> f) {
        TableColumn<T, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(f.apply(cd.getValue())));
        table.getColumns().add(c);
    }

    private static <T> void number(TableView<T> table, String title, double width, Function<T, Long> f) {
        TableColumn<T, Long> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(f.apply(cd.getValue())));
        c.setStyle("-fx-alignment: CENTER-RIGHT;");
        table.getColumns().add(c);
    }

    private void endpointColumn(String title, double width, Function<EndpointRow, String> f) {
        column(endpoints, title, width, f);
    }

    private void endpointNumber(String title, double width, Function<EndpointRow, Long> f) {
        number(endpoints, title, width, f);
    }

    /** "VXLAN 1 192.168.1.1 ↔ 192.168.1.2", or "" at the outer level. */
    static String tunnel(Conversations.Conversation c) {
        if (c.level() != Conversations.INNER) {
            return "";
        }
        String name = RowFormatter.encapName(c.encapsulation());
        return name + (c.vni() >= 0 ? " " + c.vni() : "") + " " + c.tunnelA() + " ↔ " + c.tunnelB();
    }

    /** Seconds with four decimals, as tshark's Duration column. */
    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.4f", nanos / 1e9);
    }

    /** A rate in bits per second with an SI prefix ({@code 1.25 Mbit/s}), or "N/A" for a conversation of one instant. */
    static String rate(double bitsPerSecond) {
        return bitsPerSecond < 0 ? "N/A" : SiFormat.si(bitsPerSecond) + "bit/s";
    }

    /** How a session's conversations are counted when the tab is first shown. */
    void setCounter(Function<Session, CompletableFuture<Conversations>> counter) {
        this.counter = counter;
    }

    /** Called with a filter expression to apply. */
    void setOnFilter(Consumer<String> handler) {
        this.onFilter = handler;
    }

    /** Applies a row as the display filter. */
    void applyRow(Row row) {
        if (row != null) {
            onFilter.accept(row.conversation().filter(row.point()));
        }
    }

    @Override
    public Tab tab() {
        return tab;
    }

    @Override
    public void clear() {
        session = null;
        conversations.getItems().clear();
        endpoints.getItems().clear();
        pointChoice.getItems().clear();
    }

    @Override
    public void loaded(Session loaded) {
        this.session = loaded;
        List<String> names = new ArrayList<>();
        names.add(ALL_POINTS);
        loaded.store().points().forEach(p -> names.add(p.name()));
        pointChoice.setItems(FXCollections.observableArrayList(names));
        pointChoice.getSelectionModel().select(0);
        fill();
    }

    private void fill() {
        if (session == null) {
            return;
        }
        Session shown = session;
        if (shown.conversations() == null) {
            if (!tab.isSelected()) {
                return;
            }
            conversationsPlaceholder.setText("Counting conversations…");
            counter.apply(shown).thenAccept(counted -> {
                if (session != shown) {
                    return;
                }
                if (counted != null) {
                    fill();
                } else {
                    conversationsPlaceholder.setText("Conversations not counted (the status bar says why)");
                }
            });
            return;
        }
        conversationsPlaceholder.setText(NONE);
        int chosen = pointChoice.getSelectionModel().getSelectedIndex() - 1;
        List<Row> rows = new ArrayList<>();
        for (Conversations.Conversation c : shown.conversations().conversations()) {
            if (chosen < 0 || c.point() == chosen) {
                rows.add(new Row(c, shown.store().points().get(c.point()).name()));
            }
        }
        List<EndpointRow> ends = new ArrayList<>();
        for (Conversations.Endpoint e : shown.conversations().endpoints()) {
            if (chosen < 0 || e.point() == chosen) {
                ends.add(new EndpointRow(e, shown.store().points().get(e.point()).name()));
            }
        }
        conversations.setItems(FXCollections.observableArrayList(rows));
        endpoints.setItems(FXCollections.observableArrayList(ends));
    }
}
