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

    private int rows() {
        return window.packets().table.getItems().size();
    }

    /** The packet index of a file's frame (files load in the order given, packets in file order). */
    private int packet(int file, int frame) {
        return window.session().store.indexOf(file, frame);
    }

    @Test
    void opensACaptureAndListsEveryPacket(FxRobot robot) throws Exception {
        open(window, samples("vxlan-masq").resolve("host1-ens33.pcap"));
        assertEquals(PACKETS, rows());
        assertEquals(PACKETS, window.session().store.size());
        // Rows are made on demand from the index: the visible cells show the decoded columns.
        String[] row = window.packets().rows().row(packet(0, 4));
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
        assertTrue(robot.lookup("#packetTable .table-row-cell.tunnelled").tryQuery().isPresent(),
                "tunnelled rows are coloured");
        // The packet bytes are read from the file where they are, not copied into the heap.
        assertEquals(0, window.session().store.arenaBytes());
        assertFalse(window.session().store.inArena(packet(0, 4)));
    }

    @Test
    void selectingAPacketShowsItsLayersAndHighlightsTheFieldBytes(FxRobot robot) throws Exception {
        open(window, samples("vxlan-masq").resolve("host1-ens33.pcap"));
        int p = packet(0, 4);
        robot.interact(() -> window.packets().table.scrollTo(0));
        robot.clickOn(robot.lookup("#packetTable .table-row-cell").nth(3).queryAs(javafx.scene.Node.class));
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(p, window.packets().selected());
        DetailsPane details = window.details();
        TreeItem<FieldNode> root = details.tree.getRoot();
        assertNotNull(root);
        TreeItem<FieldNode> vni = DetailsPane.find(root, "vni");
        assertNotNull(vni, "VXLAN header in the tree");
        assertEquals("1", vni.getValue().value());
        assertEquals(2, root.getValue().findAll(n -> n.value().equals("ipv4_packet")).size(), "outer and inner IPv4");
        robot.interact(() -> details.tree.getSelectionModel().select(vni));
        // Ethernet 14 + IPv4 20 + UDP 8 + VXLAN flags/reserved 4: the VNI is bytes 46..48.
        assertEquals(46, details.hex.highlightStart());
        assertEquals(3, details.hex.highlightLength());
        assertEquals(148, details.hex.data().length);
        robot.interact(() -> details.selectFieldAt(47));
        assertEquals("vni", details.tree.getSelectionModel().getSelectedItem().getValue().name());
    }

    @Test
    void filterBarFiltersRowsAndReportsSyntaxErrors(FxRobot robot) throws Exception {
        open(window, samples("vxlan-masq").resolve("host1-ens33.pcap"));
        PacketListPane list = window.packets();
        robot.clickOn("#filterField").write("encap == vxlan && vni == 1 && inner.proto == icmp").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> rows() != PACKETS);
        assertEquals(14, rows());
        assertEquals("", list.filterMessage.getText());

        robot.interact(() -> list.filterField.clear());
        robot.clickOn("#filterField").write("outer.dport == ").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("expected a value after '==' at position 14", list.filterMessage.getText());
        assertTrue(list.filterField.getStyleClass().contains("filter-bad"));
        assertEquals(14, list.filterField.getCaretPosition());
        assertEquals(14, rows(), "a bad expression keeps the rows");

        // tshark: ip.dst in {10.102.19.0/24} || arp
        assertEquals(78, filter(window, "inner.dst in 10.102.19.0/24 || arp"));
        assertEquals(78, rows());
        // Wireshark's names: tshark -Y 'udp.dstport == 8472 && vxlan.vni == 1' → 124
        assertEquals(124, filter(window, "udp.dstport == 8472 && vxlan.vni == 1"));
        assertEquals(PACKETS, filter(window, ""));
    }

    @Test
    void journeyOfAPacketAcrossTheCapturePoints(FxRobot robot) throws Exception {
        open(window, samples("vxlan-masq"));
        Session session = window.session();
        assertNotNull(session.correlation, "correlation ran after loading");
        int file = session.store.files.stream().map(f -> f.getFileName().toString()).toList().indexOf("host1-ens33.pcap");
        int p = packet(file, 4); // ICMP echo request seq 1, host1 → host2, inside VXLAN
        robot.interact(() -> window.packets().selectPacket(p));
        JourneyView journey = window.details().journey;
        List<JourneyView.Step> steps = journey.steps();
        CorrelationReport.Journey j = session.correlation.journey(p);
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
            assertEquals(session.correlation.adjusted(steps.get(k).hop())
                    - session.correlation.adjusted(before.get(before.size() - 1).hop()), steps.get(k).latencyNanos(),
                    "the latency from the last sighting on one device to the first on the next");
        }
        // Each box names its host and device; each sighting its packet by its number.
        assertEquals("host1 ens33  (underlay)", ens33.title());
        assertTrue(ens33.sightings().get(0).text().startsWith("No. " + session.number(p) + "  host1-ens33"),
                ens33.sightings().get(0).text());
        assertEquals(2, window.reports().nat.getItems().size());
        assertFalse(window.reports().flows.getRoot().getChildren().isEmpty());
        assertFalse(window.reports().topology.getItems().isEmpty());
        assertFalse(window.reports().paths.getItems().isEmpty());
        assertNotNull(window.charts().latencyChart);
        int arp = packet(file, 2);
        robot.interact(() -> window.packets().selectPacket(arp));
        assertTrue(journey.steps().isEmpty());
        assertTrue(journey.message().contains("one capture point only"), journey.message());
    }

    @Test
    void aDeviceSeenByTwoCapturesIsOneBoxWithBothSightings(FxRobot robot) throws Exception {
        // mtu-trouble: host1 has per-device captures and an any capture, host2 a two-interface pcapng.
        open(window, samples("mtu-trouble"));
        Session session = window.session();
        int file = session.store.files.stream().map(f -> f.getFileName().toString()).toList().indexOf("host1-docker0.pcap");
        JourneyView journey = window.details().journey;
        JourneyView.Step shared = null;
        for (int frame = 1; frame <= 40 && shared == null; frame++) {
            int p = packet(file, frame);
            if (p < 0 || session.correlation.journey(p) == null) {
                continue;
            }
            robot.interact(() -> window.packets().selectPacket(p));
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
        robot.interact(() -> window.packets().selectPacket(packet(0, 4)));
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
