package io.tunnelscope.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.detail.FieldNode;
import io.tunnelscope.report.CorrelationReport;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javafx.scene.control.TreeItem;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The viewer driven headless (Monocle) through TestFX: open, list, select, filter, journey, snapshot. */
@ExtendWith(ApplicationExtension.class)
class MainWindowTest {
    /** Packets in host1-ens33.pcap (tshark counts 127; 124 VXLAN vni 1). */
    private static final int PACKETS = 127;

    private MainWindow window;

    static Path samples(String scenario) {
        return Path.of(System.getProperty("tunnelscope.root", ".."), "samples", "captures", scenario);
    }

    @Start
    void start(Stage stage) {
        window = new MainWindow(stage, 1280, 800);
        stage.show();
    }

    private void open(Path... paths) throws Exception {
        CompletableFuture<Void> done = WaitForAsyncUtils.asyncFx(() -> window.open(List.of(paths))).get(30, TimeUnit.SECONDS);
        done.get(90, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private int rows() {
        return window.table.getItems().size();
    }

    /** The packet index of a file's frame (files load in the order given, packets in file order). */
    private int packet(int file, int frame) {
        return window.store.indexOf(file, frame);
    }

    private static TreeItem<FieldNode> find(TreeItem<FieldNode> item, String name) {
        return TunnelscopeApp.SnapshotRun.find(item, name);
    }

    @Test
    void opensACaptureAndListsEveryPacket(FxRobot robot) throws Exception {
        open(samples("vxlan-masq").resolve("host1-ens33.pcap"));
        assertEquals(PACKETS, rows());
        assertEquals(PACKETS, window.store.size());
        // Rows are made on demand from the index: the visible cells show the decoded columns.
        String[] row = window.rows.row(packet(0, 4));
        assertEquals("host1-ens33", row[RowFormatter.POINT]);
        assertEquals("172.16.112.133", row[RowFormatter.OUTER_SRC]);
        assertEquals("VXLAN 1", row[RowFormatter.ENCAP]);
        assertEquals("10.102.20.0", row[RowFormatter.INNER_SRC]);
        assertEquals("10.102.19.2", row[RowFormatter.INNER_DST]);
        assertEquals("ICMP", row[RowFormatter.PROTOCOL]);
        assertEquals("148", row[RowFormatter.LENGTH]);
        assertTrue(row[RowFormatter.INFO].contains("ICMP echo request"), row[RowFormatter.INFO]);
        assertTrue(robot.lookup("#packetTable .table-row-cell.tunnelled").tryQuery().isPresent(),
                "tunnelled rows are coloured");
    }

    @Test
    void selectingAPacketShowsItsLayersAndHighlightsTheFieldBytes(FxRobot robot) throws Exception {
        open(samples("vxlan-masq").resolve("host1-ens33.pcap"));
        int p = packet(0, 4);
        // Click the row in the table (packets 1-3 come first in time order, so frame 4 is row 4).
        robot.interact(() -> window.table.scrollTo(0));
        robot.clickOn(robot.lookup("#packetTable .table-row-cell").nth(3).queryAs(javafx.scene.Node.class));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(p, window.table.getSelectionModel().getSelectedItem());
        TreeItem<FieldNode> root = window.tree.getRoot();
        assertNotNull(root);
        TreeItem<FieldNode> vni = find(root, "vni");
        assertNotNull(vni, "VXLAN header in the tree");
        assertEquals("1", vni.getValue().value());
        assertTrue(root.getValue().findAll(n -> n.value().equals("ipv4_packet")).size() == 2, "outer and inner IPv4");
        robot.interact(() -> window.tree.getSelectionModel().select(vni));
        // Ethernet 14 + IPv4 20 + UDP 8 + VXLAN flags/reserved 4: the VNI is bytes 46..48.
        assertEquals(46, window.hex.highlightStart());
        assertEquals(3, window.hex.highlightLength());
        assertEquals(148, window.hex.data().length);
        // Clicking a byte in the hex pane selects the field that holds it.
        robot.interact(() -> window.selectFieldAt(47));
        assertEquals("vni", window.tree.getSelectionModel().getSelectedItem().getValue().name());
    }

    @Test
    void filterBarFiltersRowsAndReportsSyntaxErrors(FxRobot robot) throws Exception {
        open(samples("vxlan-masq").resolve("host1-ens33.pcap"));
        robot.clickOn("#filterField").write("encap == vxlan && vni == 1 && inner.proto == icmp").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> rows() != PACKETS);
        assertEquals(14, rows());
        assertEquals("", window.filterMessage.getText());

        robot.interact(() -> window.filterField.clear());
        robot.clickOn("#filterField").write("outer.dport == ").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("expected a value after '==' at position 14", window.filterMessage.getText());
        assertTrue(window.filterField.getStyleClass().contains("filter-bad"));
        assertEquals(14, window.filterField.getCaretPosition());
        assertEquals(14, rows(), "a bad expression keeps the rows");

        int shown = WaitForAsyncUtils.asyncFx(() -> window.applyFilter("inner.dst in 10.102.19.0/24 || arp"))
                .get(10, TimeUnit.SECONDS).get(60, TimeUnit.SECONDS);
        // tshark: ip.dst in {10.102.19.0/24} || arp
        assertEquals(78, shown);
        assertEquals(78, rows());
        int all = WaitForAsyncUtils.asyncFx(() -> window.applyFilter("")).get(10, TimeUnit.SECONDS)
                .get(60, TimeUnit.SECONDS);
        assertEquals(PACKETS, all);
    }

    @Test
    void journeyOfAPacketAcrossTheCapturePoints(FxRobot robot) throws Exception {
        open(samples("vxlan-masq"));
        assertNotNull(window.correlation, "correlation ran after loading");
        int file = window.store.files.stream().map(f -> f.getFileName().toString()).toList().indexOf("host1-ens33.pcap");
        int p = packet(file, 4); // ICMP echo request seq 1, host1 → host2, inside VXLAN
        robot.interact(() -> window.selectPacket(p));
        List<JourneyView.Step> steps = window.journey.steps();
        CorrelationReport.Journey journey = window.correlation.journey(p);
        assertNotNull(journey);
        assertEquals(journey.hops().size(), steps.size());
        List<String> points = steps.stream().map(s -> s.hop().point()).toList();
        // The dedicated capture points, in path order (expected.json, ping-1to2 request).
        List<String> path = List.of("host1-pod", "host1-docker0", "host1-flannel.1", "host1-ens33",
                "host2-ens33", "host2-flannel.1", "host2-docker0", "host2-pod");
        List<String> dedicated = points.stream().filter(path::contains).toList();
        assertEquals(path, dedicated, "points " + points);
        Set<String> events = steps.stream().flatMap(s -> s.events().stream()).collect(Collectors.toSet());
        assertTrue(events.contains("encapsulated: VXLAN vni 1"), events.toString());
        assertTrue(events.contains("decapsulated: VXLAN vni 1"), events.toString());
        assertTrue(events.contains("SNAT 10.102.20.2 → 10.102.20.0"), events.toString());
        assertEquals("underlay", steps.get(points.indexOf("host1-ens33")).role());
        assertEquals(steps.get(steps.size() - 1).sinceFirstNanos(),
                steps.stream().mapToLong(JourneyView.Step::latencyNanos).sum(), "hop latencies add up");
        // The NATed sightings are coloured; the correlation tabs are filled.
        assertTrue((window.store.flags(p) & PacketStore.NAT) == 0, "already SNATed before host1-ens33");
        // One entry per translation (expected.json: host1's and host2's masquerade).
        assertEquals(2, window.reports.nat.getItems().size());
        assertFalse(window.reports.flows.getRoot().getChildren().isEmpty());
        assertTrue(window.reports.flows.getRoot().getChildren().get(0).getChildren().size() > 0, "inner flows");
        assertFalse(window.reports.topology.getItems().isEmpty());
        assertFalse(window.reports.paths.getItems().isEmpty());
        assertNotNull(window.charts.latencyChart);
        // A packet seen at one point only has no journey.
        int arp = packet(file, 2);
        robot.interact(() -> window.selectPacket(arp));
        assertTrue(window.journey.steps().isEmpty());
    }

    @Test
    void snapshotWritesANonBlankPng(FxRobot robot, @TempDir Path tmp) throws Exception {
        open(samples("vxlan-masq").resolve("host1-ens33.pcap"));
        robot.interact(() -> window.selectPacket(packet(0, 4)));
        Path png = tmp.resolve("shot.png");
        WaitForAsyncUtils.asyncFx(() -> Snapshot.write(window.scene, png)).get(60, TimeUnit.SECONDS);
        assertTrue(Files.size(png) > 10_000, "size " + Files.size(png));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1280, image.getWidth());
        assertEquals(800, image.getHeight());
        Set<Integer> colours = new HashSet<>();
        int nonWhite = 0;
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                if (rgb != 0xFFFFFF) {
                    nonWhite++;
                }
            }
        }
        assertTrue(colours.size() > 20, "colours " + colours.size());
        assertTrue(nonWhite > 5_000, "non-white samples " + nonWhite);
    }
}
