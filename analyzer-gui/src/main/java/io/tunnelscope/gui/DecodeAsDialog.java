package io.tunnelscope.gui;

import io.tunnelscope.decode.DecodeAs;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.Protocols;
import io.tunnelscope.proto.vxlan.Vxlan;
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
import javafx.util.StringConverter;

/**
 * Analyze → Decode As…: the UDP ports whose payload is decoded as VXLAN, flannel UDP, Geneve or
 * nothing, on top of the defaults (the registry's UDP ports, see {@link #defaults()}):
 * the same overrides as the command line's {@code --decode-as udp.port=N:NAME}. OK reloads the
 * captures with them (the list, the filters and the analysis all decode with the same tables).
 */
final class DecodeAsDialog {
    private final Stage stage = new Stage();
    private final ListView<DecodeAs> overrides = new ListView<>();
    private final TextField port = new TextField();
    private final ComboBox<ProtocolDescriptor> dissector = new ComboBox<>();
    private final Button add = new Button("Add");
    private final Button remove = new Button("Remove");
    private final Button ok = new Button("OK");
    private final Label error = new Label();
    private final MainWindow window;

    DecodeAsDialog(MainWindow window, List<DecodeAs> current) {
        this.window = window;
        overrides.setId("decode-as-list");
        port.setId("decode-as-port");
        dissector.setId("decode-as-dissector");
        add.setId("decode-as-add");
        ok.setId("decode-as-ok");
        error.setId("decode-as-error");
        remove.setId("decode-as-remove");
        error.getStyleClass().add("capture-error");
        overrides.setItems(FXCollections.observableArrayList(current));
        overrides.setPrefHeight(160);
        port.setPromptText("UDP port");
        port.setPrefColumnCount(7);
        dissector.getItems().addAll(Protocols.decodeAsTargets());
        dissector.getItems().add(DecodeAs.NONE);
        dissector.setConverter(new StringConverter<>() {
            @Override
            public String toString(ProtocolDescriptor p) {
                return p == null ? "" : p == DecodeAs.NONE ? DecodeAs.NONE_NAME : p.name();
            }

            @Override
            public ProtocolDescriptor fromString(String name) {
                return DecodeAs.protocolNamed(name);
            }
        });
        dissector.setValue(Vxlan.DESCRIPTOR);
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
        cancel.setId("decode-as-cancel");
        cancel.setCancelButton(true);
        cancel.setOnAction(e -> stage.close());
        HBox entry = new HBox(6, new Label("udp.port ="), port, new Label("as"), dissector, add, remove);
        entry.setAlignment(Pos.CENTER_LEFT);
        HBox buttons = new HBox(8, ok, cancel);
        buttons.setAlignment(Pos.CENTER_RIGHT);
        VBox root = new VBox(8, new Label("Decode the payload of these UDP ports as (defaults: " + defaults() + "):"),
                overrides, entry, error, buttons);
        root.setPadding(new Insets(10));
        Scene scene = new Scene(root, 620, 330);
        scene.getStylesheets().addAll(window.scene().getStylesheets());
        stage.setScene(scene);
        stage.setTitle("Decode As");
        stage.initOwner(window.stage());
        stage.initModality(Modality.WINDOW_MODAL);
    }

    /** "vxlan on 4789 and 8472, geneve on 6081, flannel-udp on 8285": the registry's UDP ports. */
    static String defaults() {
        StringBuilder out = new StringBuilder();
        for (ProtocolDescriptor p : Protocols.decodeAsTargets()) {
            int[] ports = p.udpPorts();
            if (ports.length == 0) {
                continue;
            }
            out.append(out.length() > 0 ? ", " : "").append(p.name()).append(" on ");
            for (int k = 0; k < ports.length; k++) {
                out.append(k == 0 ? "" : k == ports.length - 1 ? " and " : ", ").append(ports[k]);
            }
        }
        return out.toString();
    }

    void show() {
        stage.show();
    }

    /** Adds the port and dissector entered (replacing an override of the same port). */
    void addOverride() {
        try {
            DecodeAs d = DecodeAs.parse("udp.port=" + port.getText().trim() + ":" + dissector.getConverter().toString(dissector.getValue()));
            overrides.getItems().removeIf(o -> o.port() == d.port());
            overrides.getItems().add(d);
            error.setText("");
            port.clear();
        } catch (IllegalArgumentException e) {
            error.setText(e.getMessage());
        }
    }
}
