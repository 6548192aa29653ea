package io.tunnelscope.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.detail.FieldNode;
import io.tunnelscope.report.CorrelationReport;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The list workflows a Wireshark user reaches for: one numbering across files, Go to packet
 * (Ctrl+G), Find (display filter, hex, string; checked against tshark), marking and ignoring,
 * the time formats, clickable journey hops and reassembled fragments.
 */
@ExtendWith(ApplicationExtension.class)
class WorkflowsTest {
    private MainWindow window;

    @Start
    void start(Stage stage) {
        window = new MainWindow(stage, 1280, 800);
        stage.show();
    }

    private static Path ens33() {
        return MainWindowTest.samples("vxlan-masq").resolve("host1-ens33.pcap");
    }

    private PacketListPane list() {
        return window.packets();
    }

    @Test
    void oneNumberingInTimeOrderAcrossFilesWithTheFrameBeside(FxRobot robot) throws Exception {
        MainWindowTest.open(window, MainWindowTest.samples("vxlan-masq"));
        Matcher files = Pattern.compile("capture points in (\\d+) files").matcher(window.statusText());
        assertTrue(files.find(), window.statusText());
        assertTrue(Integer.parseInt(files.group(1)) > 5);
        int packets = Ui.packetsLoaded(window);
        // The rows come in time order and read 1, 2, 3...: No. is the place in that order.
        TableView<Integer> table = Ui.packetList(robot);
        assertEquals(packets, table.getItems().size());
        robot.interact(() -> window.setTimeFormat(TimeFormat.UTC));
        List<String[]> rows = Ui.fx(() -> {
            List<String[]> out = new ArrayList<>();
            for (int r = 0; r < table.getItems().size(); r++) {
                out.add(Ui.row(table, r));
            }
            return out;
        });
        for (int r = 0; r < rows.size(); r++) {
            assertEquals(Integer.toString(r + 1), rows.get(r)[RowFormatter.NO]);
            if (r > 0) {
                assertTrue(rows.get(r - 1)[RowFormatter.TIME].compareTo(rows.get(r)[RowFormatter.TIME]) <= 0,
                        "time order at row " + r);
            }
        }
        robot.interact(() -> window.setTimeFormat(TimeFormat.SINCE_FIRST));

        // Go to packet with the keyboard: Ctrl+G, a number, Enter.
        robot.interact(() -> table.requestFocus());
        robot.push(KeyCode.CONTROL, KeyCode.G);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(Ui.node(robot, "go-to-bar", Node.class).isVisible(), "Ctrl+G shows the go-to bar");
        robot.write("12").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(12, Ui.selectedNumber(robot));
        // By point and frame: the Frame column is the frame in its own file, as tshark numbers it.
        Ui.goTo(robot, "host1-ens33:4");
        assertEquals("4", Ui.selected(robot, RowFormatter.FRAME));
        assertEquals("host1-ens33", Ui.selected(robot, RowFormatter.POINT));
        long number = Ui.selectedNumber(robot);
        // Hidden by the filter: the filter is cleared to go there.
        assertTrue(MainWindowTest.filter(window, "arp") < packets);
        Ui.goTo(robot, Long.toString(number));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> Ui.selectedNumber(robot) == number);
        assertEquals("4", Ui.selected(robot, RowFormatter.FRAME));
        assertEquals("host1-ens33", Ui.selected(robot, RowFormatter.POINT));
        assertEquals("", Ui.node(robot, "display-filter", TextField.class).getText());
        Label message = Ui.node(robot, "go-to-message", Label.class);
        Ui.goTo(robot, "99999999");
        assertEquals("No packet 99999999 (1 to " + packets + ")", message.getText());
        Ui.goTo(robot, "nowhere:3");
        assertEquals("Not a number nor point:frame: nowhere:3", message.getText());
    }

    @Test
    void findByFilterHexAndStringAsTsharkFindsThem(FxRobot robot) throws Exception {
        assumeTrue(Tshark.available(), "tshark not installed");
        MainWindowTest.open(window, ens33());
        // One file in time order: numbers are frames. Each search starts after the selection.
        Ui.goTo(robot, "5");
        List<Long> seq2 = Tshark.frames(ens33(), "icmp.seq == 2");
        long expected = seq2.stream().filter(f -> f > 5).findFirst().orElseThrow();
        robot.interact(() -> Ui.packetList(robot).requestFocus());
        robot.push(KeyCode.CONTROL, KeyCode.F);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(Ui.node(robot, "find-bar", Node.class).isVisible(), "Ctrl+F shows the find bar");
        Label message = Ui.node(robot, "find-message", Label.class);
        int found = WaitForAsyncUtils.asyncFx(() -> list().find(PacketListPane.FindMode.FILTER, "icmp.seq == 2", false))
                .get(10, TimeUnit.SECONDS).get(120, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(found, list().selected(), "the packet found is selected");
        assertEquals(expected, Ui.selectedNumber(robot));
        // The find bar names it as everywhere: its number, point and frame.
        assertEquals("No. " + expected + " (host1-ens33 frame " + expected + ")", message.getText());
        // Again: the next one; backwards from there: the previous one (wrapping at the ends).
        int again = WaitForAsyncUtils.asyncFx(() -> list().find(PacketListPane.FindMode.FILTER, "icmp.seq == 2", false))
                .get(10, TimeUnit.SECONDS).get(120, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(again, list().selected());
        assertEquals(seq2.get(seq2.indexOf(expected) + 1).longValue(), Ui.selectedNumber(robot));

        // Hex bytes: 10.102.19.2 (0a 66 13 02), as tshark's frame contains 0a:66:13:02.
        Ui.goTo(robot, "1");
        long hex = Tshark.frames(ens33(), "frame contains 0a:66:13:02").stream().filter(f -> f > 1).findFirst()
                .orElseThrow();
        int h = WaitForAsyncUtils.asyncFx(() -> list().find(PacketListPane.FindMode.HEX, "0a 66 13 02", false))
                .get(10, TimeUnit.SECONDS).get(60, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(h, list().selected());
        assertEquals(hex, Ui.selectedNumber(robot));
        // A string in the payload: iperf3's cookie exchange carries ASCII.
        Ui.goTo(robot, "1");
        List<Long> strings = Tshark.frames(ens33(), "frame contains \"ping\"");
        int str = WaitForAsyncUtils.asyncFx(() -> list().find(PacketListPane.FindMode.STRING, "ping", false))
                .get(10, TimeUnit.SECONDS).get(60, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(strings.isEmpty() ? -1 : strings.get(0), str < 0 ? -1 : Ui.selectedNumber(robot));
        assertEquals(str < 0 ? "Not found" : "No. " + strings.get(0) + " (host1-ens33 frame " + strings.get(0) + ")",
                message.getText());
        // Nothing, and bad input.
        int none = WaitForAsyncUtils.asyncFx(() -> list().find(PacketListPane.FindMode.HEX, "de ad be ef 99", false))
                .get(10, TimeUnit.SECONDS).get(60, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(-1, none);
        assertEquals("Not found", message.getText());
        robot.interact(() -> list().find(PacketListPane.FindMode.HEX, "xyz", false));
        assertEquals("'xyz' is not a sequence of hex bytes (e.g. 0a 66 14 02)", message.getText());
    }

    @Test
    void markIgnoreAndTimeFormats(FxRobot robot) throws Exception {
        MainWindowTest.open(window, ens33());
        TableView<Integer> table = Ui.packetList(robot);
        robot.interact(() -> {
            table.getSelectionModel().clearSelection();
            table.getSelectionModel().selectRange(2, 5);
            table.requestFocus();
        });
        robot.push(KeyCode.CONTROL, KeyCode.M);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(window.statusText().contains(", 3 marked"), "Ctrl+M marks the selected rows: " + window.statusText());
        for (int r = 2; r < 5; r++) {
            assertTrue(Ui.rowNode(robot, r).getStyleClass().contains("marked"), "marked rows stand out: row " + r);
        }
        assertFalse(Ui.rowNode(robot, 1).getStyleClass().contains("marked"));
        assertFalse(Ui.rowNode(robot, 5).getStyleClass().contains("marked"));
        // Next mark from the top.
        robot.interact(() -> table.getSelectionModel().clearAndSelect(0));
        robot.interact(() -> list().nextMark(false));
        assertEquals(3, Ui.selectedNumber(robot));
        // Marking them all again unmarks them.
        robot.interact(() -> {
            table.getSelectionModel().clearSelection();
            table.getSelectionModel().selectRange(2, 5);
            table.requestFocus();
        });
        robot.push(KeyCode.CONTROL, KeyCode.M);
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(window.statusText().contains(" marked"), window.statusText());
        assertTrue(robot.lookup("#packet-list .table-row-cell.marked").tryQuery().isEmpty(), "no row is marked");
        // Ignored: greyed, labelled, skipped by Find.
        robot.interact(() -> {
            table.getSelectionModel().clearAndSelect(3);
            table.requestFocus();
        });
        robot.push(KeyCode.CONTROL, KeyCode.D);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(window.statusText().contains(", 1 ignored"), window.statusText());
        assertTrue(Ui.cell(table, 3, RowFormatter.INFO).startsWith("<ignored> "));
        assertTrue(Ui.rowNode(robot, 3).getStyleClass().contains("ignored"));

        // Time formats: UTC as tshark's -t ud prints it; the delta from the previous displayed row.
        robot.interact(() -> window.setTimeFormat(TimeFormat.UTC));
        String utc = Ui.shownText(robot, 3, RowFormatter.TIME);
        if (Tshark.available()) {
            String tshark = Tshark.run(ens33(), "-t", "ud", "-Y", "frame.number == 4", "-T", "fields", "-e",
                    "_ws.col.Time").get(0);
            assertEquals(tshark, utc);
        }
        assertTrue(utc.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}"), utc);
        String utcBefore = Ui.shownText(robot, 2, RowFormatter.TIME);
        robot.interact(() -> window.setTimeFormat(TimeFormat.SINCE_PREVIOUS_DISPLAYED));
        long delta = nanos(utc) - nanos(utcBefore);
        assertEquals(String.format("%d.%06d", delta / 1_000_000_000L, delta % 1_000_000_000L / 1000),
                Ui.shownText(robot, 3, RowFormatter.TIME));
        robot.interact(() -> window.setTimeFormat(TimeFormat.SINCE_FIRST));
    }

    /** A UTC time as the Time column shows it, in nanoseconds since the epoch. */
    private static long nanos(String utc) {
        Instant t = LocalDateTime.parse(utc.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    @Test
    void clickingAJourneyHopSelectsItsPacket(FxRobot robot) throws Exception {
        MainWindowTest.open(window, MainWindowTest.samples("vxlan-masq"));
        Ui.goTo(robot, "host1-ens33", 4);
        JourneyView journey = Ui.node(robot, "journey", JourneyView.class);
        List<JourneyView.Step> steps = journey.steps();
        assertTrue(steps.size() >= 8, "steps " + steps.size());
        // Click the pod's box on host2: the list selects that sighting, at host2-pod.
        int target = -1;
        for (int k = 0; k < steps.size(); k++) {
            if (steps.get(k).hop().point().equals("host2-pod")) {
                target = k;
            }
        }
        assertTrue(target >= 0);
        CorrelationReport.Hop hop = steps.get(target).hop();
        double[] box = journey.line(target, 0);
        Canvas canvas = (Canvas) journey.getContent();
        robot.interact(() -> {
            double range = canvas.getHeight() - journey.getViewportBounds().getHeight();
            journey.setVvalue(range <= 0 ? 0 : Math.min(1, Math.max(0, (box[1] - 20) / range)));
        });
        WaitForAsyncUtils.waitForFxEvents();
        Point2D at = canvas.localToScreen(box[0] + 20, box[1] + box[3] / 2);
        robot.clickOn(at);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("host2-pod", Ui.selected(robot, RowFormatter.POINT));
        assertEquals(Long.toString(hop.frame()), Ui.selected(robot, RowFormatter.FRAME));
        // The journey stays the same packet's, now from the other end.
        assertEquals(steps.size(), journey.steps().size());
    }

    @Test
    void outerFragmentsAreReassembledAndMarked(FxRobot robot) throws Exception {
        Path file = MainWindowTest.samples("mtu-trouble").resolve("host1-ens33.pcap");
        MainWindowTest.open(window, file);
        TableView<Integer> table = Ui.packetList(robot);
        int first = Ui.rowOf(robot, null, 7);
        int last = Ui.rowOf(robot, null, 8);
        String[] frag = Ui.row(table, first);
        String[] whole = Ui.row(table, last);
        // tshark (ip.defragment on): frame 7 "Fragmented IP protocol", frame 8 the VXLAN packet whole.
        assertEquals("", frag[RowFormatter.ENCAP]);
        assertTrue(frag[RowFormatter.INFO].contains("fragment of udp"), frag[RowFormatter.INFO]);
        assertTrue(frag[RowFormatter.INFO].endsWith("[reassembled in No. " + whole[RowFormatter.NO] + "]"),
                frag[RowFormatter.INFO]);
        assertEquals("8", whole[RowFormatter.NO], "one file in time order: No. is the frame");
        assertEquals("VXLAN 1", whole[RowFormatter.ENCAP]);
        assertEquals("10.102.20.2", whole[RowFormatter.INNER_SRC]);
        assertTrue(whole[RowFormatter.INFO].contains("[reassembled from No. 7, 8]"), whole[RowFormatter.INFO]);
        // The filter sees the datagram in the frame that completed it, as tshark does.
        if (Tshark.available()) {
            assertEquals(Tshark.frames(file, "vxlan").size(), MainWindowTest.filter(window, "vxlan"));
            assertEquals(Tshark.frames(file, "ip.flags.mf == 1 || ip.frag_offset > 0").size(),
                    MainWindowTest.filter(window, "ip.flags.mf == 1 || ip.frag_offset > 0"));
            MainWindowTest.filter(window, "");
        }
        // Its details show the whole datagram: its layers down to the inner packet.
        Ui.goTo(robot, "host1-ens33", 8);
        TreeView<FieldNode> tree = Ui.node(robot, "packet-details", TreeView.class);
        assertNotNull(DetailsPane.find(tree.getRoot(), "vni"), "the tunnel in the details");
        HexView bytes = Ui.node(robot, "packet-bytes", HexView.class);
        assertTrue(bytes.data().length > capturedLength(file, 8), "the datagram's bytes");
        assertFalse(bytes.data().length == 0);
    }

    /** The captured length of a frame, as the file has it. */
    private static int capturedLength(Path file, long frame) throws Exception {
        try (CaptureReader reader = CaptureReaders.open(file)) {
            PacketRecord r = new PacketRecord();
            while (reader.next(r)) {
                if (r.frameNumber() == frame) {
                    return r.capturedLength();
                }
            }
        }
        throw new AssertionError("no frame " + frame + " in " + file);
    }
}
