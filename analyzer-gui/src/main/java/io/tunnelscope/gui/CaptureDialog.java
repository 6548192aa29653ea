package io.tunnelscope.gui;

import io.tunnelscope.capture.LiveCapture;
import io.tunnelscope.capture.LiveCaptureException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javafx.application.Platform;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.cell.CheckBoxTableCell;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Modality;
import javafx.stage.Stage;

/**
 * Capture → Start capture…: the interfaces libpcap offers (name, addresses, link type) with a
 * checkbox each, a BPF filter, promiscuous mode and an optional pcapng file to write. Start opens
 * the capture off the FX thread; what goes wrong (permission, no such interface, bad filter, file
 * not writable) is shown in the dialog, with libpcap's message, and the dialog stays open.
 */
final class CaptureDialog {
    /** One interface in the list. */
    static final class DeviceRow {
        private final BooleanProperty selected = new SimpleBooleanProperty();
        private final String name;
        private final String addresses;
        private final boolean up;
        private final StringProperty linkType = new SimpleStringProperty("…");

        DeviceRow(LiveCapture.Device d) {
            this.name = d.name();
            this.addresses = String.join(", ", d.addresses());
            this.up = d.up();
        }
    }

    private final Stage stage = new Stage();
    private final TableView<DeviceRow> devices = new TableView<>();
    private final TextField filter = new TextField();
    private final CheckBox promiscuous = new CheckBox("Promiscuous mode");
    private final TextField writeTo = new TextField();
    private final Button browse = new Button("Browse…");
    private final Button start = new Button("Start");
    private final Button cancel = new Button("Cancel");
    private final Label error = new Label();
    private final java.util.function.Consumer<LiveSession> onStarted;

    /** A dialog over {@code owner} (styled as {@code scene}) that hands the capture it opened to {@code onStarted}. */
    CaptureDialog(Stage owner, Scene ownerScene, java.util.function.Consumer<LiveSession> onStarted) {
        this.onStarted = onStarted;
        devices.setId("capture-devices");
        filter.setId("capture-filter");
        promiscuous.setId("capture-promiscuous");
        writeTo.setId("capture-write-to");
        start.setId("capture-start");
        error.setId("capture-error");
        cancel.setId("capture-cancel");
        browse.setId("capture-browse");
        error.getStyleClass().add("capture-error");
        error.setWrapText(true);
        error.setMaxWidth(Double.MAX_VALUE);

        devices.setEditable(true);
        TableColumn<DeviceRow, Boolean> use = new TableColumn<>("");
        use.setPrefWidth(34);
        use.setEditable(true);
        use.setCellValueFactory(cd -> cd.getValue().selected);
        use.setCellFactory(CheckBoxTableCell.forTableColumn(use));
        TableColumn<DeviceRow, String> name = new TableColumn<>("Interface");
        name.setPrefWidth(140);
        name.setCellValueFactory(cd -> new ReadOnlyStringWrapper(cd.getValue().name));
        TableColumn<DeviceRow, String> addresses = new TableColumn<>("Addresses");
        addresses.setPrefWidth(300);
        addresses.setCellValueFactory(cd -> new ReadOnlyStringWrapper(cd.getValue().addresses));
        TableColumn<DeviceRow, String> link = new TableColumn<>("Link type");
        link.setPrefWidth(130);
        link.setCellValueFactory(cd -> cd.getValue().linkType);
        devices.getColumns().add(use);
        devices.getColumns().add(name);
        devices.getColumns().add(addresses);
        devices.getColumns().add(link);
        devices.setPlaceholder(new Label("Listing interfaces…"));
        devices.setPrefHeight(220);

        filter.setPromptText("BPF, e.g.  udp port 8472 or icmp   (empty: every packet)");
        writeTo.setPromptText("optional: also keep the capture in this pcapng file");
        browse.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Write the capture to");
            chooser.setInitialFileName("capture.pcapng");
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("pcapng", "*.pcapng"));
            File f = chooser.showSaveDialog(stage);
            if (f != null) {
                writeTo.setText(f.getPath());
            }
        });
        start.setDefaultButton(true);
        start.setOnAction(e -> start());
        cancel.setCancelButton(true);
        cancel.setOnAction(e -> stage.close());

        GridPane form = new GridPane();
        form.setHgap(8);
        form.setVgap(6);
        form.addRow(0, new Label("Capture filter:"), filter);
        HBox write = new HBox(6, writeTo, browse);
        HBox.setHgrow(writeTo, Priority.ALWAYS);
        form.addRow(1, new Label("Write to pcapng:"), write);
        form.add(promiscuous, 1, 2);
        GridPane.setHgrow(filter, Priority.ALWAYS);
        GridPane.setHgrow(write, Priority.ALWAYS);
        HBox buttons = new HBox(8, start, cancel);
        buttons.setAlignment(Pos.CENTER_RIGHT);
        VBox root = new VBox(8, new Label("Interfaces (capture on every checked one at once):"), devices, form, error,
                buttons);
        VBox.setVgrow(devices, Priority.ALWAYS);
        root.setPadding(new Insets(10));
        Scene scene = new Scene(root, 700, 460);
        scene.getStylesheets().addAll(ownerScene.getStylesheets());
        stage.setScene(scene);
        stage.setTitle("Start capture");
        stage.initOwner(owner);
        stage.initModality(Modality.WINDOW_MODAL);
        listDevices();
    }

    /** Lists the interfaces, then probes each one's link type, off the FX thread. */
    private void listDevices() {
        Thread t = new Thread(() -> {
            List<LiveCapture.Device> list;
            try {
                list = LiveCapture.devices();
            } catch (LiveCaptureException | RuntimeException | LinkageError e) {
                String message = e.getMessage();
                Platform.runLater(() -> {
                    devices.setPlaceholder(new Label("No interfaces"));
                    error.setText(message);
                });
                return;
            }
            List<DeviceRow> rows = list.stream().map(DeviceRow::new).toList();
            Platform.runLater(() -> {
                devices.setItems(FXCollections.observableArrayList(rows));
                devices.setPlaceholder(new Label("libpcap lists no interface"));
            });
            for (DeviceRow row : rows) {
                int linkType = LiveCapture.probeLinkType(row.name);
                String text;
                if (linkType < 0) {
                    text = row.up ? "? (cannot open)" : "? (down)";
                } else {
                    String pcapName = LiveCapture.dltName(linkType);
                    text = pcapName != null ? pcapName + " (" + linkType + ")" : Integer.toString(linkType);
                }
                Platform.runLater(() -> row.linkType.set(text));
            }
        }, "tunnelscope-capture-devices");
        t.setDaemon(true);
        t.start();
    }

    /** Checks the interface of that name (false when it is not listed). */
    boolean select(String name) {
        for (DeviceRow row : devices.getItems()) {
            if (row.name.equals(name)) {
                row.selected.set(true);
                return true;
            }
        }
        return false;
    }

    void show() {
        stage.show();
    }

    /** Opens the capture with the dialog's settings; on success the dialog closes and the capture starts. */
    void start() {
        List<String> names = devices.getItems().stream().filter(r -> r.selected.get()).map(r -> r.name).toList();
        if (names.isEmpty()) {
            error.setText("Check at least one interface.");
            return;
        }
        LiveCapture.Options options = new LiveCapture.Options();
        options.interfaces(names.toArray(String[]::new));
        String bpf = filter.getText().trim();
        options.filter = bpf.isEmpty() ? null : bpf;
        options.promiscuous = promiscuous.isSelected();
        Path file = writeTo.getText().isBlank() ? null : Path.of(writeTo.getText().trim());
        error.setText("");
        start.setDisable(true);
        Thread t = new Thread(() -> {
            LiveSession session;
            try {
                session = LiveSession.open(options, file);
            } catch (IOException | RuntimeException | LinkageError e) { // LiveCaptureException: its message is for the user
                String message = e.getMessage() == null ? e.toString() : e.getMessage();
                Platform.runLater(() -> {
                    error.setText(message);
                    start.setDisable(false);
                });
                return;
            }
            Platform.runLater(() -> {
                stage.close();
                onStarted.accept(session);
            });
        }, "tunnelscope-capture-open");
        t.setDaemon(true);
        t.start();
    }
}
