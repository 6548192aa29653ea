package io.tunnelscope.gui;

import io.tunnelscope.report.Evidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The Findings tab: what the rules found, most severe first (rows coloured per severity), with
 * what each rests on (basis and confidence), and for the selected finding its reasoning (what was
 * checked, what would make it stronger: {@code report --explain}), the recommendation, what the
 * nodes' recorded state says, and the evidence packets; activating an evidence entry
 * (double-click, Enter or "Show packet") hands it to the packet list.
 */
final class FindingsPane implements ViewerTab {
    private final TableView<Finding> table = new TableView<>();
    private final ListView<Evidence> evidence = new ListView<>();
    private final Label summary = new Label();
    private final Label recommendation = new Label();
    /** What the nodes' recorded state says (its summary and quotes), when state was recorded. */
    private final Label state = new Label();
    /** The selected finding's basis, confidence, what was checked and what would make it stronger. */
    private final Label explanation = new Label();
    private final Button showPacket = new Button("Show packet");
    private final Tab tab = new Tab("Findings");
    private Consumer<Evidence> onEvidence = e -> { };
    /** How an evidence packet is named in the list (its packet number once the packets are loaded). */
    private Function<Evidence, String> describe = e -> e.point() + "  frame " + e.frame() + "   (" + e.file() + ")";
    private final Map<Severity, Integer> counts = new EnumMap<>(Severity.class);

    FindingsPane() {
        table.setId("findings-table");
        evidence.setId("evidence-list");
        recommendation.setId("finding-recommendation");
        showPacket.setId("show-evidence");
        tab.setClosable(false);
        tab.setId("findings-tab");

        TableColumn<Finding, Severity> severity = new TableColumn<>("Severity");
        severity.setPrefWidth(80);
        severity.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(cd.getValue().severity()));
        // Most severe first, by default and when the column is sorted descending.
        severity.setComparator(Comparator.naturalOrder());
        severity.setSortType(TableColumn.SortType.DESCENDING);
        severity.setCellFactory(c -> new javafx.scene.control.TableCell<>() {
            @Override
            protected void updateItem(Severity s, boolean empty) {
                super.updateItem(s, empty);
                setText(empty || s == null ? null : s.jsonName());
            }
        });
        table.getColumns().add(severity);
        column("Kind", 200, Finding::kind);
        column("Basis", 130, f -> f.basis() == null ? "" : f.basis().jsonName() + ", " + f.confidence().jsonName());
        column("Summary", 610, Finding::summary);
        TableColumn<Finding, Long> count = new TableColumn<>("Count");
        count.setPrefWidth(70);
        count.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(cd.getValue().count()));
        table.getColumns().add(count);
        column("Points", 300, f -> f.points() == null ? "" : String.join(", ", f.points()));
        table.getSortOrder().add(severity);
        table.setRowFactory(tv -> new TableRow<>() {
            @Override
            protected void updateItem(Finding f, boolean empty) {
                super.updateItem(f, empty);
                getStyleClass().removeAll("severity-error", "severity-warning", "severity-info");
                if (!empty && f != null && f.severity() != null) {
                    getStyleClass().add("severity-" + f.severity().jsonName());
                }
                setTooltip(empty || f == null ? null : new javafx.scene.control.Tooltip(f.summary()));
            }
        });
        table.setPlaceholder(new Label("No findings (analysis not run yet, or nothing wrong)"));
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> showFinding(b));

        evidence.setPlaceholder(new Label("Select a finding to see its evidence packets"));
        evidence.setCellFactory(lv -> new javafx.scene.control.ListCell<>() {
            @Override
            protected void updateItem(Evidence e, boolean empty) {
                super.updateItem(e, empty);
                setText(empty || e == null ? null : describe.apply(e));
            }
        });
        evidence.setOnMouseClicked(e -> {
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2) {
                activateSelected();
            }
        });
        evidence.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER) {
                activateSelected();
            }
        });
        showPacket.setOnAction(e -> activateSelected());
        showPacket.disableProperty().bind(evidence.getSelectionModel().selectedItemProperty().isNull());

        summary.setId("finding-summary");
        explanation.setId("finding-explanation");
        state.setId("finding-state");
        for (Label l : List.of(summary, explanation, recommendation, state)) {
            l.setWrapText(true);
            l.setMaxWidth(Double.MAX_VALUE);
            l.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        }
        recommendation.getStyleClass().add("recommendation");
        Label evidenceTitle = new Label("Evidence (double-click a packet to show it in the packet list)");
        HBox evidenceBar = new HBox(8, evidenceTitle, showPacket);
        evidenceBar.setAlignment(Pos.CENTER_LEFT);
        VBox details = new VBox(6, summary, explanation, recommendation, state, evidenceBar, evidence);
        VBox.setVgrow(evidence, Priority.ALWAYS);
        details.setPadding(new Insets(6));
        SplitPane split = new SplitPane(table, details);
        split.setOrientation(Orientation.VERTICAL);
        split.setDividerPositions(0.55);
        tab.setContent(new BorderPane(split));
        updateTitle();
    }

    private void column(String title, double width, Function<Finding, String> f) {
        TableColumn<Finding, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(nz(f.apply(cd.getValue()))));
        table.getColumns().add(c);
    }

    /** Basis and confidence, then what was checked and what would make the finding stronger. */
    static String explain(Finding f) {
        StringBuilder text = new StringBuilder();
        if (f.basis() != null) {
            text.append("Basis: ").append(f.basis().jsonName()).append(", ").append(f.confidence().jsonName())
                    .append(" confidence");
        }
        if (f.checked() != null && !f.checked().isEmpty()) {
            text.append("\nChecked:");
            f.checked().forEach(item -> text.append("\n  \u2022 ").append(item));
        }
        if (f.strongerWith() != null && !f.strongerWith().isEmpty()) {
            text.append("\nStronger with:");
            f.strongerWith().forEach(item -> text.append("\n  \u2022 ").append(item));
        }
        return text.toString();
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** Called with the evidence entry the user activated. */
    void setOnEvidence(Consumer<Evidence> handler) {
        this.onEvidence = handler;
    }

    void activateSelected() {
        Evidence e = evidence.getSelectionModel().getSelectedItem();
        if (e != null) {
            onEvidence.accept(e);
        }
    }

    private void showFinding(Finding f) {
        if (f == null) {
            summary.setText("");
            explanation.setText("");
            recommendation.setText("");
            state.setText("");
            evidence.getItems().clear();
            return;
        }
        summary.setText(nz(f.summary()));
        explanation.setText(explain(f));
        recommendation.setText(nz(f.recommendation()));
        state.setText(f.state() == null ? "" : "Node state: " + f.state().summary()
                + (f.state().quotes().isEmpty() ? "" : "\n  " + String.join("\n  ", f.state().quotes())));
        evidence.setItems(FXCollections.observableArrayList(f.evidence() == null ? List.of() : f.evidence()));
    }

    @Override
    public Tab tab() {
        return tab;
    }

    @Override
    public void loaded(Session session) {
        describe = e -> {
            int f = session.store().fileIndex(e.file());
            int i = f < 0 ? -1 : session.store().indexOf(f, e.frame());
            String where = e.point() + " frame " + e.frame();
            return i < 0 ? where + "   (" + e.file() + ", not loaded)" : "No. " + session.number(i) + "   " + where;
        };
    }

    @Override
    public void analysed(Session session) {
        show(session.analysis() == null ? List.of() : session.analysis().findings());
    }

    @Override
    public void clear() {
        table.getItems().clear();
        showFinding(null);
        counts.clear();
        updateTitle();
    }

    void show(List<Finding> findings) {
        List<Finding> sorted = new ArrayList<>(findings == null ? List.of() : findings);
        sorted.sort(Comparator.comparing(Finding::severity, Comparator.nullsLast(Comparator.reverseOrder())));
        counts.clear();
        for (Finding f : sorted) {
            if (f.severity() != null) {
                counts.merge(f.severity(), 1, Integer::sum);
            }
        }
        table.setItems(FXCollections.observableArrayList(sorted));
        table.sort();
        showFinding(null);
        updateTitle();
    }

    /** "2 errors, 3 warnings, 1 info", or "no findings". */
    String countsText() {
        List<String> parts = new ArrayList<>();
        for (Severity s : List.of(Severity.ERROR, Severity.WARNING, Severity.INFO)) {
            int n = counts.getOrDefault(s, 0);
            if (n > 0) {
                String name = s.jsonName();
                parts.add(n + " " + (s == Severity.INFO || n == 1 ? name : name + "s"));
            }
        }
        return parts.isEmpty() ? "no findings" : String.join(", ", parts);
    }

    private void updateTitle() {
        tab.setText(counts.isEmpty() ? "Findings" : "Findings (" + countsText() + ")");
    }
}
