package io.tunnelscope.gui;

import io.tunnelscope.report.CorrelationReport;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.scene.control.Tab;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableView;

/**
 * The correlation tabs: flows (tunnels with their inner flows), NAT, topology (hosts), paths
 * (with their hop latencies; a negative p50/p99 is clock uncertainty, shown as such).
 */
final class ReportTabs {
    /** A row of the flows tree: a tunnel or one inner flow of it. */
    record FlowRow(String kind, String encap, String src, String dst, String proto, String ports, long packets) {
    }

    private final TreeTableView<FlowRow> flows = new TreeTableView<>();
    private final TableView<CorrelationReport.Nat> nat = new TableView<>();
    private final TableView<CorrelationReport.Host> topology = new TableView<>();
    private final TableView<CorrelationReport.Path> paths = new TableView<>();
    private final Tab flowsTab = new Tab("Flows", flows);
    private final Tab natTab = new Tab("NAT", nat);
    private final Tab topologyTab = new Tab("Topology", topology);
    private final Tab pathsTab = new Tab("Paths", paths);

    ReportTabs() {
        flows.setId("flows-table");
        nat.setId("nat-table");
        topology.setId("topology-table");
        paths.setId("paths-table");
        flowsTab.setId("flows-tab");
        natTab.setId("nat-tab");
        topologyTab.setId("topology-tab");
        pathsTab.setId("paths-tab");
        for (Tab t : List.of(flowsTab, natTab, topologyTab, pathsTab)) {
            t.setClosable(false);
        }
        treeColumn("", 110, FlowRow::kind);
        treeColumn("Encap / VNI", 120, FlowRow::encap);
        treeColumn("Source", 200, FlowRow::src);
        treeColumn("Destination", 200, FlowRow::dst);
        treeColumn("Protocol", 80, FlowRow::proto);
        treeColumn("Outer ports", 110, FlowRow::ports);
        treeColumn("Packets", 80, r -> Long.toString(r.packets));
        flows.setShowRoot(false);
        flows.setPlaceholder(new javafx.scene.control.Label("No tunnels (correlation not run yet, or no tunnelled packets)"));

        column(nat, "Kind", 60, CorrelationReport.Nat::kind);
        column(nat, "Original", 160, CorrelationReport.Nat::original);
        column(nat, "Translated", 160, CorrelationReport.Nat::translated);
        column(nat, "Between", 280, n -> n.from() + " → " + n.to());
        column(nat, "Packets", 80, n -> Long.toString(n.packets()));
        column(nat, "Reply packets", 100, n -> Long.toString(n.replyPackets()));
        nat.setPlaceholder(new javafx.scene.control.Label("No address translation found between capture points"));

        column(topology, "Subnet", 150, CorrelationReport.Host::subnet);
        column(topology, "Overlay address", 130, CorrelationReport.Host::overlayAddress);
        column(topology, "Gateway", 120, CorrelationReport.Host::gateway);
        column(topology, "VTEP", 130, CorrelationReport.Host::vtep);
        column(topology, "VTEP MAC", 140, CorrelationReport.Host::vtepMac);
        column(topology, "Backend", 90, CorrelationReport.Host::backend);
        column(topology, "Seen", 300, h -> h.seen() == null ? "" : String.join(", ", h.seen()));

        column(paths, "Packets", 70, p -> Long.toString(p.packets()));
        column(paths, "Points", 560, p -> String.join(" → ", p.points()));
        column(paths, "Hop latency p50 / p99", 520, p -> p.hopLatencyNanos() == null ? "" : p.hopLatencyNanos().stream()
                .map(h -> h.p50() == null ? "clock uncertain"
                        : JourneyView.latency(h.p50()) + " / " + JourneyView.latency(h.p99()))
                .collect(Collectors.joining(",  ")));
    }

    private void treeColumn(String title, double width, Function<FlowRow, String> f) {
        TreeTableColumn<FlowRow, String> c = new TreeTableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(
                cd.getValue().getValue() == null ? "" : nz(f.apply(cd.getValue().getValue()))));
        flows.getColumns().add(c);
    }

    private static <T> void column(TableView<T> table, String title, double width, Function<T, String> f) {
        TableColumn<T, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(nz(f.apply(cd.getValue()))));
        table.getColumns().add(c);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    void clear() {
        flows.setRoot(null);
        nat.getItems().clear();
        topology.getItems().clear();
        paths.getItems().clear();
    }

    /** The four tabs, each told when the analysis is over. */
    List<ViewerTab> viewerTabs() {
        return List.of(tabOf(flowsTab), tabOf(natTab), tabOf(topologyTab), tabOf(pathsTab));
    }

    private ViewerTab tabOf(Tab t) {
        return new ViewerTab() {
            @Override
            public Tab tab() {
                return t;
            }

            @Override
            public void clear() {
                if (t == flowsTab) {
                    ReportTabs.this.clear();
                }
            }

            @Override
            public void analysed(Session session) {
                if (t == flowsTab && session.correlation() != null) {
                    show(session.correlation().report());
                }
            }
        };
    }

    void show(CorrelationReport report) {
        TreeItem<FlowRow> root = new TreeItem<>();
        if (report.tunnels() != null) {
            for (CorrelationReport.Tunnel t : report.tunnels()) {
                String encap = t.encap() + (t.vni() != null ? " " + t.vni() : "");
                String ports = t.outerPorts() == null ? "" : t.outerPorts().stream().map(String::valueOf)
                        .collect(Collectors.joining(", "));
                TreeItem<FlowRow> tunnel = new TreeItem<>(new FlowRow("tunnel", encap, t.outerSrc(), t.outerDst(),
                        "", ports, t.packets()));
                if (t.innerFlows() != null) {
                    for (CorrelationReport.InnerFlow f : t.innerFlows()) {
                        tunnel.getChildren().add(new TreeItem<>(new FlowRow("inner flow", "", f.src(), f.dst(),
                                f.proto(), "", f.packets())));
                    }
                }
                tunnel.setExpanded(true);
                root.getChildren().add(tunnel);
            }
        }
        flows.setRoot(root);
        nat.setItems(FXCollections.observableArrayList(report.nat() == null ? List.of() : report.nat()));
        topology.setItems(FXCollections.observableArrayList(
                report.topology() == null || report.topology().hosts() == null ? List.of() : report.topology().hosts()));
        paths.setItems(FXCollections.observableArrayList(report.paths() == null ? List.of() : report.paths()));
    }
}
