package io.tunnelscope.gui;

import io.tunnelscope.decode.DecodeAs;
import io.tunnelscope.decode.UdpDissector;
import java.util.ArrayList;
import java.util.List;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Stage;

/**
 * Analyze → Decode As…: the UDP ports whose payload is decoded as VXLAN, flannel UDP, Geneve or
 * nothing, on top of the defaults (VXLAN on 4789 and 8472, flannel UDP on 8285, Geneve on 6081):
 * the same overrides as the command line's {@code --decode-as udp.port=N:NAME}. OK reloads the
 * captures with them (the list, the filters and the analysis all decode with the same tables).
 */
final class DecodeAsDialog {
    final Stage stage = new Stage();
    final ListView<DecodeAs> overrides = new ListView<>();
    final TextField port = new TextField();
    final ComboBox<UdpDissector> dissector = new ComboBox<>();
    final Button add = new Button("Add");
    final Button remove = new Button("Remove");
    final Button ok = new Button("OK");
    final Label error = new Label();
    private final MainWindow window;

    DecodeAsDialog(MainWindow window, List<DecodeAs> current) {
        this.window = window;
        overrides.setId("decodeAsList");
        port.setId("decodeAsPort");
        dissector.setId("decodeAsDissector");
        add.setId("decodeAsAdd");
        ok.setId("decodeAsOk");
        error.setId("decodeAsError");
        error.getStyleClass().add("capture-error");
        overrides.setItems(FXCollections.observableArrayList(current));
        overrides.setPrefHeight(160);
        port.setPromptText("UDP port");
        port.setPrefColumnCount(7);
        dissector.getItems().addAll(UdpDissector.values());
        dissector.setValue(UdpDissector.VXLAN);
        add.setOnAction(e -> addOverride());
        port.setOnAction(e -> addOverride());
        remove.setOnAction(e -> overrides.getItems().removeAll(overrides.getSelectionModel().getSelectedItems()));
        remove.disableProperty().bind(overrides.getSelectionModel().selectedItemProperty().isNull());
        ok.setDefaultButton(true);
        ok.setOnAction(e -> {
            stage.close();
            window.decodeAs(new ArrayList<>(overrides.getItems()));
        });
        Button cancel = new Button("Cancel");
        cancel.setCancelButton(true);
        cancel.setOnAction(e -> stage.close());
        HBox entry = new HBox(6, new Label("udp.port ="), port, new Label("as"), dissector, add, remove);
        entry.setAlignment(Pos.CENTER_LEFT);
        HBox buttons = new HBox(8, ok, cancel);
        buttons.setAlignment(Pos.CENTER_RIGHT);
        VBox root = new VBox(8, new Label("Decode the payload of these UDP ports as (defaults: VXLAN on 4789 and 8472,"
                + " flannel UDP on 8285, Geneve on 6081):"), overrides, entry, error, buttons);
        root.setPadding(new Insets(10));
        Scene scene = new Scene(root, 620, 330);
        scene.getStylesheets().addAll(window.scene.getStylesheets());
        stage.setScene(scene);
        stage.setTitle("Decode As");
        stage.initOwner(window.stage);
        stage.initModality(Modality.WINDOW_MODAL);
    }

    void show() {
        stage.show();
    }

    /** Adds the port and dissector entered (replacing an override of the same port). */
    void addOverride() {
        try {
            DecodeAs d = DecodeAs.parse("udp.port=" + port.getText().trim() + ":" + dissector.getValue().cliName());
            overrides.getItems().removeIf(o -> o.port() == d.port());
            overrides.getItems().add(d);
            error.setText("");
            port.clear();
        } catch (IllegalArgumentException e) {
            error.setText(e.getMessage());
        }
    }
}
