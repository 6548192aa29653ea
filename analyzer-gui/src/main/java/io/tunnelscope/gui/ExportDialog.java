package io.tunnelscope.gui;

import java.io.File;
import java.nio.file.Path;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Modality;
import javafx.stage.Stage;

/**
 * File → Export packets…: which packets (all displayed, selected, marked, with how many each) and
 * the pcapng file to write; Export hands them to the window, which writes them in the background.
 */
final class ExportDialog {
    private final Stage stage = new Stage();
    private final ToggleGroup scope = new ToggleGroup();
    private final RadioButton displayed = new RadioButton();
    private final RadioButton selected = new RadioButton();
    private final RadioButton marked = new RadioButton();
    private final TextField file = new TextField();
    private final Button export = new Button("Export");
    private final Label error = new Label();
    private final MainWindow window;

    ExportDialog(MainWindow window, int displayedCount, int selectedCount, int markedCount) {
        this.window = window;
        displayed.setId("export-displayed");
        selected.setId("export-selected");
        marked.setId("export-marked");
        file.setId("export-file");
        export.setId("export-start");
        error.setId("export-error");
        error.getStyleClass().add("capture-error");
        displayed.setText(PacketExporter.Scope.DISPLAYED.label() + " (" + displayedCount + ")");
        selected.setText(PacketExporter.Scope.SELECTED.label() + " (" + selectedCount + ")");
        marked.setText(PacketExporter.Scope.MARKED.label() + " (" + markedCount + ")");
        displayed.setUserData(PacketExporter.Scope.DISPLAYED);
        selected.setUserData(PacketExporter.Scope.SELECTED);
        marked.setUserData(PacketExporter.Scope.MARKED);
        for (RadioButton b : new RadioButton[] {displayed, selected, marked}) {
            b.setToggleGroup(scope);
        }
        selected.setDisable(selectedCount == 0);
        marked.setDisable(markedCount == 0);
        scope.selectToggle(selectedCount > 1 ? selected : displayed);
        file.setPromptText("the pcapng file to write");
        file.setText("exported.pcapng");
        Button browse = new Button("Browse…");
        browse.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("Export packets to");
            chooser.setInitialFileName("exported.pcapng");
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("pcapng", "*.pcapng"));
            File f = chooser.showSaveDialog(stage);
            if (f != null) {
                file.setText(f.getPath());
            }
        });
        export.setDefaultButton(true);
        export.setOnAction(e -> export());
        Button cancel = new Button("Cancel");
        cancel.setId("export-cancel");
        cancel.setCancelButton(true);
        cancel.setOnAction(e -> stage.close());
        HBox where = new HBox(6, file, browse);
        HBox.setHgrow(file, Priority.ALWAYS);
        HBox buttons = new HBox(8, export, cancel);
        buttons.setAlignment(Pos.CENTER_RIGHT);
        VBox root = new VBox(8, new Label("Packets (ignored packets are left out; one interface per capture point,"
                + " each packet commented with its number):"), displayed, selected, marked,
                new Label("pcapng file:"), where, error, buttons);
        root.setPadding(new Insets(10));
        Scene scene = new Scene(root, 560, 300);
        scene.getStylesheets().addAll(window.scene().getStylesheets());
        stage.setScene(scene);
        stage.setTitle("Export packets");
        stage.initOwner(window.stage());
        stage.initModality(Modality.WINDOW_MODAL);
    }

    void show() {
        stage.show();
    }

    /** Starts the export of the chosen packets; the dialog closes when it began. */
    void export() {
        if (file.getText().isBlank()) {
            error.setText("Name the file to write.");
            return;
        }
        PacketExporter.Scope chosen = (PacketExporter.Scope) scope.getSelectedToggle().getUserData();
        window.exportPackets(chosen, Path.of(file.getText().trim()));
        stage.close();
    }
}
