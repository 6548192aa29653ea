package io.tunnelscope.gui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;

/**
 * The Tunnelscope desktop viewer.
 *
 * <pre>
 *   tunnelscope gui [FILE|DIR...]                     open captures (one capture point per file)
 *   tunnelscope gui --snapshot out.png [--size 1400x900] [--filter EXPR] [--tab Charts] FILE|DIR...
 *                                                     render the window to a PNG and exit
 * </pre>
 */
public final class TunnelscopeApp extends Application {
    /** Parsed command line. */
    record Arguments(List<Path> files, Path snapshot, double width, double height, String filter, String tab) {
        static Arguments parse(List<String> args) {
            List<Path> files = new ArrayList<>();
            Path snapshot = null;
            double w = 1400;
            double h = 900;
            String filter = null;
            String tab = null;
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (a.equals("--snapshot") && i + 1 < args.size()) {
                    snapshot = Path.of(args.get(++i));
                } else if (a.equals("--size") && i + 1 < args.size()) {
                    String[] wh = args.get(++i).split("x");
                    w = Double.parseDouble(wh[0]);
                    h = Double.parseDouble(wh[1]);
                } else if (a.equals("--tab") && i + 1 < args.size()) {
                    tab = args.get(++i);
                } else if (a.equals("--filter") && i + 1 < args.size()) {
                    filter = args.get(++i);
                } else {
                    files.add(Path.of(a));
                }
            }
            return new Arguments(files, snapshot, w, h, filter, tab);
        }
    }

    @Override
    public void start(Stage stage) {
        Arguments args = Arguments.parse(getParameters().getRaw());
        MainWindow window = new MainWindow(stage, args.width(), args.height());
        stage.show();
        if (args.snapshot() != null) {
            SnapshotRun.run(window, args);
            return;
        }
        if (args.filter() != null) {
            window.filterField.setText(args.filter());
            window.applyFilter(args.filter());
        }
        if (!args.files().isEmpty()) {
            window.open(args.files());
        }
    }

    /** The {@code --snapshot} mode: load, show a journey, write the PNG, exit. */
    static final class SnapshotRun {
        private SnapshotRun() {
        }

        static void run(MainWindow window, Arguments args) {
            if (args.filter() != null) {
                window.filterField.setText(args.filter());
                window.applyFilter(args.filter());
            }
            window.open(args.files()).whenComplete((v, e) -> Platform.runLater(() -> {
                int exit = 0;
                try {
                    int p = window.interestingPacket();
                    if (p >= 0) {
                        window.selectPacket(p);
                        window.selectField("vni");
                        window.scene.getRoot().applyCss();
                        window.scene.getRoot().layout();
                        window.journey.scrollToFirstEvent();
                    }
                    if (args.tab() != null) {
                        // "Findings" also names "Findings (2 errors, 1 warning)".
                        String wanted = args.tab().toLowerCase(java.util.Locale.ROOT);
                        window.tabs.getTabs().stream().filter(t -> t.getText().toLowerCase(java.util.Locale.ROOT)
                                        .equals(wanted) || t.getText().toLowerCase(java.util.Locale.ROOT)
                                        .startsWith(wanted + " ("))
                                .findFirst().ifPresent(t -> window.tabs.getSelectionModel().select(t));
                        window.scene.getRoot().applyCss();
                        window.scene.getRoot().layout();
                    }
                    window.scene.getRoot().applyCss();
                    window.scene.getRoot().layout();
                    Snapshot.write(window.scene, args.snapshot());
                    System.out.println("tunnelscope gui: wrote " + args.snapshot());
                } catch (Exception ex) {
                    System.err.println("tunnelscope gui: snapshot failed: " + ex);
                    exit = 2;
                }
                Platform.exit();
                System.exit(exit);
            }));
        }

        static javafx.scene.control.TreeItem<io.tunnelscope.detail.FieldNode> find(
                javafx.scene.control.TreeItem<io.tunnelscope.detail.FieldNode> item, String name) {
            if (item == null) {
                return null;
            }
            if (item.getValue() != null && item.getValue().name().equals(name)) {
                return item;
            }
            for (var c : item.getChildren()) {
                var f = find(c, name);
                if (f != null) {
                    return f;
                }
            }
            return null;
        }
    }
}
