package io.tunnelscope.gui;

import io.tunnelscope.detail.FieldNode;
import io.tunnelscope.detail.PacketDetails;
import io.tunnelscope.report.CorrelationReport;
import java.io.IOException;
import java.util.function.Consumer;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TitledPane;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;

/**
 * The selected packet's details: its layer tree (the Kaitai detail view), the hex dump with the
 * selected field's bytes highlighted (a click on a byte selects its field), and its journey across
 * the capture points, whose hops are clickable. A packet that completed a reassembled datagram
 * shows the whole datagram.
 */
final class DetailsPane extends SplitPane {
    private final TreeView<FieldNode> tree = new TreeView<>();
    private final HexView hex = new HexView();
    private final JourneyView journey = new JourneyView();
    private final TitledPane bytesPane = titled("Bytes", hex);
    private Session session;
    private PacketViews views;
    private String analysisState = "";

    DetailsPane() {
        setId("details-pane");
        tree.setId("packet-details");
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
        getItems().addAll(titled("Layers", tree), bytesPane, titled("Journey", journey));
        setDividerPositions(0.30, 0.62);
    }

    private static TitledPane titled(String title, javafx.scene.Node content) {
        TitledPane p = new TitledPane(title, content);
        p.setCollapsible(false);
        p.setMaxHeight(Double.MAX_VALUE);
        return p;
    }

    /** Scrolls the journey to its first event (an address rewrite, an encapsulation), for snapshots. */
    void scrollJourneyToFirstEvent() {
        journey.scrollToFirstEvent();
    }

    /** Called with the packet a journey hop stands for when the user clicks it. */
    void setOnHop(Consumer<CorrelationReport.Hop> handler) {
        journey.setOnHop(handler);
    }

    void show(Session newSession) {
        this.session = newSession;
        this.views = newSession == null ? null : new PacketViews(newSession.store(), newSession.tables());
        showPacket(-1);
    }

    /** What the journey pane says while there is no correlation ("analysing…"). */
    void analysisState(String state) {
        this.analysisState = state;
    }

    /** Shows packet {@code i} (-1: nothing). */
    void showPacket(int i) {
        if (i < 0 || session == null) {
            tree.setRoot(null);
            hex.setData(null);
            bytesPane.setText("Bytes");
            showJourney(-1);
            return;
        }
        byte[] bytes;
        try {
            bytes = views.shownBytes(i);
        } catch (IOException e) {
            tree.setRoot(null);
            hex.setData(null);
            bytesPane.setText("Bytes: cannot read " + e.getMessage());
            showJourney(i);
            return;
        }
        int[] fragments = session.store().fragmentsOf(i);
        bytesPane.setText(fragments == null ? "Bytes" : "Bytes of the datagram reassembled from "
                + fragments.length + " fragments");
        hex.setData(bytes);
        FieldNode root = PacketDetails.dissect(bytes, session.store().linkType(i), session.tables());
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

    private void showJourney(int i) {
        if (i < 0 || session == null) {
            journey.showMessage("Select a packet to see its journey.");
        } else if (session.correlation() == null) {
            journey.showMessage(analysisState.isEmpty() ? "No correlation." : "Correlation: " + analysisState);
        } else {
            CorrelationReport.Journey j = session.correlation().journey(i);
            if (j == null) {
                journey.showMessage("No. " + session.number(i) + " was seen at one capture point only (no journey).");
            } else {
                journey.show(j, session.correlation(), session);
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

    /** Selects the first tree node of that field name and scrolls to it; false when there is none. */
    boolean selectField(String name) {
        TreeItem<FieldNode> item = find(tree.getRoot(), name);
        if (item == null) {
            return false;
        }
        tree.getSelectionModel().select(item);
        int row = tree.getRow(item);
        if (row >= 0) {
            tree.scrollTo(Math.max(0, row - 4));
        }
        return true;
    }

    /** The first tree item of a field name, depth first, or null. */
    static TreeItem<FieldNode> find(TreeItem<FieldNode> item, String name) {
        if (item == null) {
            return null;
        }
        if (item.getValue() != null && item.getValue().name().equals(name)) {
            return item;
        }
        for (TreeItem<FieldNode> c : item.getChildren()) {
            TreeItem<FieldNode> f = find(c, name);
            if (f != null) {
                return f;
            }
        }
        return null;
    }
}
