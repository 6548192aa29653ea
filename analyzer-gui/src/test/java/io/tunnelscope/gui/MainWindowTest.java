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
import javafx.geometry.Point2D;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableView;
import javafx.scene.control.TreeView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.jfree.chart.fx.ChartViewer;
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

    /** Opens captures and waits for the rows and the analysis. */
    static void open(MainWindow window, Path... paths) throws Exception {
        CompletableFuture<Void> done = WaitForAsyncUtils.asyncFx(() -> window.open(List.of(paths))).get(30, TimeUnit.SECONDS);
        done.get(120, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Applies a display filter and waits for the rows. */
    static int filter(MainWindow window, String expression) throws Exception {
        int n = WaitForAsyncUtils.asyncFx(() -> window.applyFilter(expression)).get(10, TimeUnit.SECONDS)
                .get(120, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        return n;
    }

    @Test
    void opensACaptureAndListsEveryPacket(FxRobot robot) throws Exception {
        open(window, samples("vxlan-masq").resolve("host1-ens33.pcap"));
        assertEquals(PACKETS, Ui.rows(robot));
        assertEquals(PACKETS, Ui.packetsLoaded(window));
        // Rows are made on demand from the index: the visible cells show the decoded columns.
        int r = Ui.rowOf(robot, "host1-ens33", 4);
        assertTrue(r >= 0, "frame 4 is listed");
        String[] row = Ui.row(Ui.packetList(robot), r);
        assertEquals("4", row[RowFormatter.NO], "one file in time order: No. is the frame number");
        assertEquals("4", row[RowFormatter.FRAME]);
        assertEquals("host1-ens33", row[RowFormatter.POINT]);
        assertEquals("172.16.112.133", row[RowFormatter.OUTER_SRC]);
        assertEquals("VXLAN 1", row[RowFormatter.ENCAP]);
        assertEquals("10.102.20.0", row[RowFormatter.INNER_SRC]);
        assertEquals("10.102.19.2", row[RowFormatter.INNER_DST]);
        assertEquals("ICMP", row[RowFormatter.PROTOCOL]);
        assertEquals("148", row[RowFormatter.LENGTH]);
        assertTrue(row[RowFormatter.INFO].contains("ICMP echo request"), row[RowFormatter.INFO]);
        assertTrue(robot.lookup("#packet-list .table-row-cell.tunnelled").tryQuery().isPresent(),
                "tunnelled rows are coloured");
        // The packet bytes are read from the file where they are, not copied into the heap (so
        // frame 4's neither, and its 148 bytes are shown all the same).
        assertEquals(0, window.packetBytesInMemory());
        Ui.selectRow(robot, r);
        assertEquals(148, Ui.node(robot, "packet-bytes", HexView.class).data().length);
    }

    @Test
    void selectingAPacketShowsItsLayersAndHighlightsTheFieldBytes(FxRobot robot) throws Exception {
        open(window, samples("vxlan-masq").resolve("host1-ens33.pcap"));
        robot.interact(() -> Ui.packetList(robot).scrollTo(0));
        robot.clickOn(robot.lookup("#packet-list .table-row-cell").nth(3).queryAs(javafx.scene.Node.class));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("host1-ens33", Ui.selected(robot, RowFormatter.POINT));
        assertEquals("4", Ui.selected(robot, RowFormatter.FRAME), "the fourth row is frame 4");
        TreeView<FieldNode> tree = Ui.node(robot, "packet-details", TreeView.class);
        TreeItem<FieldNode> root = tree.getRoot();
        assertNotNull(root);
        TreeItem<FieldNode> vni = DetailsPane.find(root, "vni");
        assertNotNull(vni, "VXLAN header in the tree");
        assertEquals("1", vni.getValue().value());
        assertEquals(2, root.getValue().findAll(n -> n.value().equals("ipv4_packet")).size(), "outer and inner IPv4");
        robot.interact(() -> tree.getSelectionModel().select(vni));
        // Ethernet 14 + IPv4 20 + UDP 8 + VXLAN flags/reserved 4: the VNI is bytes 46..48.
        HexView hex = Ui.node(robot, "packet-bytes", HexView.class);
        assertEquals(46, hex.highlightStart());
        assertEquals(3, hex.highlightLength());
        assertEquals(148, hex.data().length);
        // A click on byte 47 in the hex dump selects the field it belongs to.
        robot.interact(() -> tree.getSelectionModel().clearSelection());
        WaitForAsyncUtils.waitForFxEvents();
        Point2D b47 = hex.byteCentre(47);
        robot.clickOn(hex.getContent().localToScreen(b47.getX(), b47.getY()));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("vni", tree.getSelectionModel().getSelectedItem().getValue().name());
    }

    @Test
    void filterBarFiltersRowsAndReportsSyntaxErrors(FxRobot robot) throws Exception {
        open(window, samples("vxlan-masq").resolve("host1-ens33.pcap"));
        robot.clickOn("#display-filter").write("encap == vxlan && vni == 1 && inner.proto == icmp").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> Ui.rows(robot) != PACKETS);
        assertEquals(14, Ui.rows(robot));
        Label message = Ui.node(robot, "display-filter-message", Label.class);
        assertEquals("", message.getText());

        TextField field = Ui.node(robot, "display-filter", TextField.class);
        robot.interact(field::clear);
        robot.clickOn("#display-filter").write("outer.dport == ").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("expected a value after '==' at position 14", message.getText());
        assertTrue(field.getStyleClass().contains("filter-bad"));
        assertEquals(14, field.getCaretPosition());
        assertEquals(14, Ui.rows(robot), "a bad expression keeps the rows");

        // tshark: ip.dst in {10.102.19.0/24} || arp
        assertEquals(78, filter(window, "inner.dst in 10.102.19.0/24 || arp"));
        assertEquals(78, Ui.rows(robot));
        // Wireshark's names: tshark -Y 'udp.dstport == 8472 && vxlan.vni == 1' → 124
        assertEquals(124, filter(window, "udp.dstport == 8472 && vxlan.vni == 1"));
        assertEquals(PACKETS, filter(window, ""));
    }

    @Test
    void journeyOfAPacketAcrossTheCapturePoints(FxRobot robot) throws Exception {
        open(window, samples("vxlan-masq"));
        CorrelationModel correlation = window.correlation();
        assertNotNull(correlation, "correlation ran after loading");
        Ui.goTo(robot, "host1-ens33", 4); // ICMP echo request seq 1, host1 → host2, inside VXLAN
        long number = Ui.selectedNumber(robot);
        JourneyView journey = Ui.node(robot, "journey", JourneyView.class);
        List<JourneyView.Step> steps = journey.steps();
        CorrelationReport.Journey j = correlation.journey(window.packets().selected());
        assertNotNull(j);
        // One box per device, each sighting of the journey in exactly one of them, in journey order.
        assertEquals(j.hops(), steps.stream().flatMap(s -> s.sightings().stream()).map(JourneyView.Sighting::hop)
                .toList());
        assertEquals(steps.size(), steps.stream().map(s -> s.host() + " " + s.device()).distinct().count(),
                "every device is one hop");
        List<String> points = steps.stream().flatMap(s -> s.sightings().stream()).map(k -> k.hop().point()).toList();
        List<String> path = List.of("host1-pod", "host1-docker0", "host1-flannel.1", "host1-ens33",
                "host2-ens33", "host2-flannel.1", "host2-docker0", "host2-pod");
        assertEquals(path, points.stream().filter(path::contains).toList(), "points " + points);
        Set<String> events = steps.stream().flatMap(s -> s.events().stream()).collect(Collectors.toSet());
        assertTrue(events.contains("encapsulated: VXLAN vni 1"), events.toString());
        assertTrue(events.contains("decapsulated: VXLAN vni 1"), events.toString());
        assertTrue(events.contains("SNAT 10.102.20.2 → 10.102.20.0"), events.toString());
        JourneyView.Step ens33 = steps.stream().filter(s -> s.device().equals("ens33") && s.host().equals("host1"))
                .findFirst().orElseThrow();
        assertEquals("underlay", ens33.role());
        for (int k = 1; k < steps.size(); k++) {
            List<JourneyView.Sighting> before = steps.get(k - 1).sightings();
            assertEquals(correlation.adjusted(steps.get(k).hop())
                    - correlation.adjusted(before.get(before.size() - 1).hop()), steps.get(k).latencyNanos(),
                    "the latency from the last sighting on one device to the first on the next");
        }
        // Each box names its host and device; each sighting its packet by its number.
        assertEquals("host1 ens33  (underlay)", ens33.title());
        assertTrue(ens33.sightings().get(0).text().startsWith("No. " + number + "  host1-ens33"),
                ens33.sightings().get(0).text());
        assertEquals(2, Ui.node(robot, "nat-table", TableView.class).getItems().size());
        assertFalse(Ui.node(robot, "flows-table", TreeTableView.class).getRoot().getChildren().isEmpty());
        assertFalse(Ui.node(robot, "topology-table", TableView.class).getItems().isEmpty());
        assertFalse(Ui.node(robot, "paths-table", TableView.class).getItems().isEmpty());
        Ui.selectTab(robot, "charts-tab");
        assertNotNull(Ui.node(robot, "latency-chart", ChartViewer.class).getChart());
        Ui.selectTab(robot, "packets-tab");
        Ui.goTo(robot, "host1-ens33", 2);
        assertTrue(journey.steps().isEmpty());
        assertTrue(journey.message().contains("one capture point only"), journey.message());
    }

    @Test
    void aDeviceSeenByTwoCapturesIsOneBoxWithBothSightings(FxRobot robot) throws Exception {
        // mtu-trouble: host1 has per-device captures and an any capture, host2 a two-interface pcapng.
        open(window, samples("mtu-trouble"));
        CorrelationModel correlation = window.correlation();
        JourneyView journey = Ui.node(robot, "journey", JourneyView.class);
        TableView<Integer> list = Ui.packetList(robot);
        JourneyView.Step shared = null;
        for (int frame = 1; frame <= 40 && shared == null; frame++) {
            int row = Ui.rowOf(robot, "host1-docker0", frame);
            if (row < 0 || correlation.journey(list.getItems().get(row)) == null) {
                continue;
            }
            Ui.selectRow(robot, row);
            for (JourneyView.Step step : journey.steps()) {
                if (step.sightings().size() >= 2) {
                    shared = step;
                }
            }
        }
        assertNotNull(shared, "a journey with a device two captures saw");
        assertEquals(shared.sightings().size(), shared.sightings().stream().map(k -> k.hop().point()).distinct().count(),
                "one sighting per capture point");
        assertTrue(shared.sightings().stream().allMatch(k -> k.hop().host().equals("host1")
                || k.hop().host().equals("host2")), shared.toString());
        assertTrue(journey.message().contains("devices across"), journey.message());
    }

    @Test
    void snapshotWritesANonBlankPng(FxRobot robot, @TempDir Path tmp) throws Exception {
        open(window, samples("vxlan-masq").resolve("host1-ens33.pcap"));
        Ui.goTo(robot, "host1-ens33", 4);
        Path png = tmp.resolve("shot.png");
        WaitForAsyncUtils.asyncFx(() -> Snapshot.write(window.scene(), png)).get(60, TimeUnit.SECONDS);
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
