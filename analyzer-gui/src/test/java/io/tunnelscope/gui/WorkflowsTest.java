package io.tunnelscope.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tunnelscope.report.CorrelationReport;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.canvas.Canvas;
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

    /** The number the list shows for the selected packet. */
    private int selectedNumber() {
        return window.session().number(list().selected());
    }

    @Test
    void oneNumberingInTimeOrderAcrossFilesWithTheFrameBeside(FxRobot robot) throws Exception {
        MainWindowTest.open(window, MainWindowTest.samples("vxlan-masq"));
        Session s = window.session();
        PacketStore store = s.store;
        assertTrue(store.files.size() > 5);
        // The rows come in time order and read 1, 2, 3...: No. is the place in that order.
        int[] shown = list().displayed();
        assertEquals(store.size(), shown.length);
        for (int r = 0; r < shown.length; r++) {
            assertEquals(Integer.toString(r + 1), list().rows().cell(shown[r], RowFormatter.NO));
            if (r > 0) {
                assertTrue(store.timestamp(shown[r - 1]) <= store.timestamp(shown[r]), "time order at row " + r);
            }
        }
        // The Frame column is the frame in its own file, as tshark numbers it.
        int file = store.fileIndex(ens33().toString());
        int p = store.indexOf(file, 4);
        assertEquals("4", list().rows().cell(p, RowFormatter.FRAME));
        assertEquals("host1-ens33", list().rows().cell(p, RowFormatter.POINT));
        assertEquals("No. " + s.number(p) + " (host1-ens33 frame 4)", s.describe(p));

        // Go to packet with the keyboard: Ctrl+G, a number, Enter.
        robot.interact(() -> list().table.requestFocus());
        robot.push(KeyCode.CONTROL, KeyCode.G);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(list().goToBar.isVisible(), "Ctrl+G shows the go-to bar");
        robot.write("12").type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(12, selectedNumber());
        // By point and frame.
        robot.interact(() -> list().goTo("host1-ens33:4"));
        assertEquals(p, list().selected());
        // Hidden by the filter: the filter is cleared to go there.
        assertTrue(MainWindowTest.filter(window, "arp") < store.size());
        robot.interact(() -> list().goTo(Integer.toString(s.number(p))));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> list().selected() == p);
        assertEquals("", list().filterField.getText());
        robot.interact(() -> list().goTo("99999999"));
        assertEquals("No packet 99999999 (1 to " + store.size() + ")", list().goToMessage.getText());
        robot.interact(() -> list().goTo("nowhere:3"));
        assertEquals("Not a number nor point:frame: nowhere:3", list().goToMessage.getText());
    }

    @Test
    void findByFilterHexAndStringAsTsharkFindsThem(FxRobot robot) throws Exception {
        assumeTrue(Tshark.available(), "tshark not installed");
        MainWindowTest.open(window, ens33());
        // One file in time order: numbers are frames. Each search starts after the selection.
        robot.interact(() -> list().goTo("5"));
        List<Long> seq2 = Tshark.frames(ens33(), "icmp.seq == 2");
        long expected = seq2.stream().filter(f -> f > 5).findFirst().orElseThrow();
        robot.interact(() -> list().table.requestFocus());
        robot.push(KeyCode.CONTROL, KeyCode.F);
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(list().findBar.isVisible(), "Ctrl+F shows the find bar");
        int found = WaitForAsyncUtils.asyncFx(() -> list().find(PacketListPane.FindMode.FILTER, "icmp.seq == 2", false))
                .get(10, TimeUnit.SECONDS).get(120, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(expected, window.session().number(found));
        assertEquals(expected, selectedNumber());
        // Again: the next one; backwards from there: the previous one (wrapping at the ends).
        int again = WaitForAsyncUtils.asyncFx(() -> list().find(PacketListPane.FindMode.FILTER, "icmp.seq == 2", false))
                .get(10, TimeUnit.SECONDS).get(120, TimeUnit.SECONDS);
        assertEquals(seq2.get(seq2.indexOf(expected) + 1).longValue(), window.session().number(again));

        // Hex bytes: 10.102.19.2 (0a 66 13 02), as tshark's frame contains 0a:66:13:02.
        robot.interact(() -> list().goTo("1"));
        long hex = Tshark.frames(ens33(), "frame contains 0a:66:13:02").stream().filter(f -> f > 1).findFirst()
                .orElseThrow();
        int h = WaitForAsyncUtils.asyncFx(() -> list().find(PacketListPane.FindMode.HEX, "0a 66 13 02", false))
                .get(10, TimeUnit.SECONDS).get(60, TimeUnit.SECONDS);
        assertEquals(hex, window.session().number(h));
        // A string in the payload: iperf3's cookie exchange carries ASCII.
        robot.interact(() -> list().goTo("1"));
        List<Long> strings = Tshark.frames(ens33(), "frame contains \"ping\"");
        int str = WaitForAsyncUtils.asyncFx(() -> list().find(PacketListPane.FindMode.STRING, "ping", false))
                .get(10, TimeUnit.SECONDS).get(60, TimeUnit.SECONDS);
        assertEquals(strings.isEmpty() ? -1 : strings.get(0), str < 0 ? -1 : window.session().number(str));
        // Nothing, and bad input.
        int none = WaitForAsyncUtils.asyncFx(() -> list().find(PacketListPane.FindMode.HEX, "de ad be ef 99", false))
                .get(10, TimeUnit.SECONDS).get(60, TimeUnit.SECONDS);
        assertEquals(-1, none);
        assertEquals("Not found", list().findMessage.getText());
        robot.interact(() -> list().find(PacketListPane.FindMode.HEX, "xyz", false));
        assertEquals("'xyz' is not a sequence of hex bytes (e.g. 0a 66 14 02)", list().findMessage.getText());
    }

    @Test
    void markIgnoreAndTimeFormats(FxRobot robot) throws Exception {
        MainWindowTest.open(window, ens33());
        Session s = window.session();
        robot.interact(() -> {
            list().table.getSelectionModel().clearSelection();
            list().table.getSelectionModel().selectRange(2, 5);
            list().table.requestFocus();
        });
        robot.push(KeyCode.CONTROL, KeyCode.M);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(3, s.marked.cardinality(), "Ctrl+M marks the selected rows");
        assertTrue(robot.lookup("#packetTable .table-row-cell.marked").tryQuery().isPresent(), "marked rows stand out");
        assertTrue(window.statusText().contains("3 marked"), window.statusText());
        // Next mark from the top.
        robot.interact(() -> list().table.getSelectionModel().clearAndSelect(0));
        robot.interact(() -> list().nextMark(false));
        assertEquals(3, selectedNumber());
        // Marking them all again unmarks them.
        robot.interact(() -> {
            list().table.getSelectionModel().clearSelection();
            list().table.getSelectionModel().selectRange(2, 5);
            list().toggleMark();
        });
        assertEquals(0, s.marked.cardinality());
        // Ignored: greyed, labelled, skipped by Find.
        robot.interact(() -> {
            list().table.getSelectionModel().clearAndSelect(3);
            list().toggleIgnore();
        });
        int ignored = list().table.getItems().get(3);
        assertTrue(s.ignored.get(ignored));
        assertTrue(list().rows().cell(ignored, RowFormatter.INFO).startsWith("<ignored> "));
        assertEquals("ignored", list().style(ignored));

        // Time formats: UTC as tshark's -t ud prints it; the delta from the previous displayed row.
        robot.interact(() -> window.setTimeFormat(TimeFormat.UTC));
        int fourth = list().table.getItems().get(3);
        String utc = list().rows().time(fourth, -1);
        if (Tshark.available()) {
            String tshark = Tshark.run(ens33(), "-t", "ud", "-Y", "frame.number == 4", "-T", "fields", "-e",
                    "_ws.col.Time").get(0);
            assertEquals(tshark, utc);
        }
        assertTrue(utc.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}"), utc);
        robot.interact(() -> window.setTimeFormat(TimeFormat.SINCE_PREVIOUS_DISPLAYED));
        int third = list().table.getItems().get(2);
        long delta = s.store.timestamp(fourth) - s.store.timestamp(third);
        assertEquals(String.format("%d.%06d", delta / 1_000_000_000L, delta % 1_000_000_000L / 1000),
                list().rows().time(fourth, third));
        robot.interact(() -> window.setTimeFormat(TimeFormat.SINCE_FIRST));
    }

    @Test
    void clickingAJourneyHopSelectsItsPacket(FxRobot robot) throws Exception {
        MainWindowTest.open(window, MainWindowTest.samples("vxlan-masq"));
        Session s = window.session();
        int file = s.store.fileIndex(ens33().toString());
        int p = s.store.indexOf(file, 4);
        robot.interact(() -> list().selectPacket(p));
        JourneyView journey = window.details().journey;
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
        int selected = list().selected();
        assertEquals(s.correlation.packetOf(hop), selected);
        assertEquals("host2-pod", s.store.point(selected).name());
        assertEquals(hop.frame(), s.store.frame(selected));
        // The journey stays the same packet's, now from the other end.
        assertEquals(steps.size(), journey.steps().size());
    }

    @Test
    void outerFragmentsAreReassembledAndMarked(FxRobot robot) throws Exception {
        Path file = MainWindowTest.samples("mtu-trouble").resolve("host1-ens33.pcap");
        MainWindowTest.open(window, file);
        Session s = window.session();
        int first = s.store.indexOf(0, 7);
        int last = s.store.indexOf(0, 8);
        RowFormatter rows = list().rows();
        // tshark (ip.defragment on): frame 7 "Fragmented IP protocol", frame 8 the VXLAN packet whole.
        assertEquals("", rows.cell(first, RowFormatter.ENCAP));
        assertTrue(rows.cell(first, RowFormatter.INFO).contains("fragment of udp"), rows.cell(first, RowFormatter.INFO));
        assertTrue(rows.cell(first, RowFormatter.INFO).endsWith("[reassembled in No. 8]"),
                rows.cell(first, RowFormatter.INFO));
        assertEquals("VXLAN 1", rows.cell(last, RowFormatter.ENCAP));
        assertEquals("10.102.20.2", rows.cell(last, RowFormatter.INNER_SRC));
        assertTrue(rows.cell(last, RowFormatter.INFO).contains("[reassembled from No. 7, 8]"),
                rows.cell(last, RowFormatter.INFO));
        // The filter sees the datagram in the frame that completed it, as tshark does.
        if (Tshark.available()) {
            assertEquals(Tshark.frames(file, "vxlan").size(), MainWindowTest.filter(window, "vxlan"));
            assertEquals(Tshark.frames(file, "ip.flags.mf == 1 || ip.frag_offset > 0").size(),
                    MainWindowTest.filter(window, "ip.flags.mf == 1 || ip.frag_offset > 0"));
            MainWindowTest.filter(window, "");
        }
        // Its details show the whole datagram: its layers down to the inner packet.
        robot.interact(() -> list().selectPacket(last));
        assertNotNull(DetailsPane.find(window.details().tree.getRoot(), "vni"), "the tunnel in the details");
        assertTrue(window.details().hex.data().length > s.store.capturedLength(last), "the datagram's bytes");
        assertFalse(window.details().hex.data().length == 0);
        Node table = robot.lookup("#packetTable").query();
        assertNotNull(table);
    }
}
