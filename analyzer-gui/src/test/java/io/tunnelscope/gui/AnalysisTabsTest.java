package io.tunnelscope.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tunnelscope.decode.DecodeAs;
import io.tunnelscope.flow.Conversations;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.tunnelscope.proto.ProtocolDescriptor;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * TCP analysis in the list (against tshark's {@code tcp.analysis.*}), the Conversations tab
 * (against {@code tshark -z conv,ip}) with Apply as filter, Decode As, and charts that follow the
 * display filter.
 */
@ExtendWith(ApplicationExtension.class)
class AnalysisTabsTest {
    private MainWindow window;

    @Start
    void start(Stage stage) {
        window = new MainWindow(stage, 1280, 800);
        stage.show();
    }

    @Test
    void tcpAnalysisFlagsAsTsharksInFiltersRowsAndInfo(FxRobot robot) throws Exception {
        assumeTrue(Tshark.available(), "tshark not installed");
        Path file = MainWindowTest.samples("mtu-trouble").resolve("host2-pod.pcap");
        MainWindowTest.open(window, file);
        TableView<Integer> table = Ui.packetList(robot);
        for (String field : List.of("tcp.analysis.retransmission", "tcp.analysis.duplicate_ack",
                "tcp.analysis.lost_segment", "tcp.analysis.ack_lost_segment", "tcp.analysis.window_update",
                "tcp.analysis.flags", "tcp.analysis.ack_rtt > 0.0001")) {
            List<Long> expected = Tshark.frames(file, field);
            assertEquals(expected.size(), MainWindowTest.filter(window, field), field);
            assertEquals(expected.size(), table.getItems().size(), field);
            for (int r = 0; r < table.getItems().size(); r++) {
                String frame = Ui.cell(table, r, RowFormatter.FRAME);
                assertTrue(expected.contains(Long.parseLong(frame)), field + " frame " + frame);
            }
        }
        // The retransmissions are flagged in the list as Wireshark labels them, and coloured.
        MainWindowTest.filter(window, "tcp.analysis.retransmission");
        String info = Ui.cell(table, 0, RowFormatter.INFO);
        assertTrue(info.startsWith("[TCP Retransmission] "), info);
        assertTrue(Ui.rowNode(robot, 0).getStyleClass().contains("tcp-problem"));
        assertTrue(robot.lookup("#packet-list .table-row-cell.tcp-problem").tryQuery().isPresent());
    }

    /** tshark's conv,ip rows: "A B" → {frames B→A, bytes B→A, frames A→B, bytes A→B} (bytes below 10 kB only). */
    private static Map<String, String[]> tsharkConversations(Path file) throws Exception {
        Pattern row = Pattern.compile("(\\S+)\\s+<->\\s+(\\S+)\\s+(\\d+) (\\d+ bytes|\\d+ kB)\\s+(\\d+) (\\d+ bytes|\\d+ kB).*");
        Map<String, String[]> out = new HashMap<>();
        for (String line : Tshark.run(file, "-q", "-z", "conv,ip")) {
            Matcher m = row.matcher(line.trim());
            if (m.matches()) {
                out.put(m.group(1) + " " + m.group(2), new String[] {m.group(3), m.group(4), m.group(5), m.group(6)});
            }
        }
        return out;
    }

    private static String bytes(long n) {
        return n < 10_000 ? n + " bytes" : n / 1000 + " kB";
    }

    /** Shows the Conversations tab and waits for its count (a pass over the files of its own). */
    private static void showConversations(FxRobot robot) throws Exception {
        Ui.selectTab(robot, "conversations-tab");
        TableView<?> table = Ui.node(robot, "conversations-table", TableView.class);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS,
                () -> "No IP conversations".equals(((Label) table.getPlaceholder()).getText()));
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void conversationsAsTsharkCountsThemAndApplyAsFilter(FxRobot robot) throws Exception {
        assumeTrue(Tshark.available(), "tshark not installed");
        Path file = MainWindowTest.samples("pmtu-blackhole").resolve("host1-pod.pcap");
        MainWindowTest.open(window, file);
        TableView<ConversationsTab.Row> table = Ui.node(robot, "conversations-table", TableView.class);
        assertTrue(table.getItems().isEmpty(), "conversations are counted when the tab is first shown, not on open");
        showConversations(robot);
        int rows = table.getItems().size();
        Map<String, String[]> expected = tsharkConversations(file);
        assertEquals(expected.size(), rows, "one conversation per address pair: " + expected.keySet());
        // What each row shows, against tshark's counts.
        for (int r = 0; r < rows; r++) {
            String a = Ui.cell(table, r, "Address A");
            String b = Ui.cell(table, r, "Address B");
            assertEquals("outer", Ui.cell(table, r, "Level"));
            String[] t = expected.get(a + " " + b);
            boolean swapped = t == null;
            if (swapped) {
                t = expected.get(b + " " + a);
            }
            assertNotNull(t, a + " <-> " + b);
            String aToB = Ui.cell(table, r, swapped ? "Pkts ←" : "Pkts →");
            String bToA = Ui.cell(table, r, swapped ? "Pkts →" : "Pkts ←");
            long aToBBytes = Long.parseLong(Ui.cell(table, r, swapped ? "Bytes ←" : "Bytes →"));
            long bToABytes = Long.parseLong(Ui.cell(table, r, swapped ? "Bytes →" : "Bytes ←"));
            assertEquals(t[2], aToB, "frames A→B");
            assertEquals(t[3], bytes(aToBBytes), "bytes A→B");
            assertEquals(t[0], bToA, "frames B→A");
            assertEquals(t[1], bytes(bToABytes), "bytes B→A");
        }
        assertFalse(Ui.node(robot, "endpoints-table", TableView.class).getItems().isEmpty());
        // Apply as filter: the list shows that conversation's packets.
        int busiest = 0;
        for (int r = 1; r < rows; r++) {
            if (Long.parseLong(Ui.cell(table, r, "Packets")) > Long.parseLong(Ui.cell(table, busiest, "Packets"))) {
                busiest = r;
            }
        }
        long packets = Long.parseLong(Ui.cell(table, busiest, "Packets"));
        String filter = table.getItems().get(busiest).conversation().filter(Ui.cell(table, busiest, "Point"));
        int chosen = busiest;
        robot.interact(() -> table.getSelectionModel().select(chosen));
        robot.clickOn("#apply-conversation-filter");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> Ui.rows(robot) == packets);
        assertEquals("host1-pod", Ui.cell(table, busiest, "Point"));
        assertEquals(filter, Ui.node(robot, "display-filter", TextField.class).getText());
        assertEquals("packets-tab", Ui.selectedTab(robot));
    }

    @Test
    void innerConversationsSitInTheirTunnel(FxRobot robot) throws Exception {
        MainWindowTest.open(window, MainWindowTest.samples("vxlan-masq").resolve("host1-ens33.pcap"));
        showConversations(robot);
        TableView<ConversationsTab.Row> table = Ui.node(robot, "conversations-table", TableView.class);
        int inner = -1;
        long outerPackets = 0;
        long innerPackets = 0;
        for (int r = 0; r < table.getItems().size(); r++) {
            long n = Long.parseLong(Ui.cell(table, r, "Packets"));
            if (Ui.cell(table, r, "Level").equals("inner")) {
                inner = inner < 0 ? r : inner;
                innerPackets += n;
            } else if (Ui.cell(table, r, "Address A").startsWith("172.16.112.13")) {
                assertEquals("", Ui.cell(table, r, "Tunnel"), "an outer conversation is in no tunnel");
                outerPackets += n;
            }
        }
        assertTrue(inner >= 0, "an inner conversation");
        assertEquals("VXLAN 1 172.16.112.133 ↔ 172.16.112.130", Ui.cell(table, inner, "Tunnel"));
        assertEquals(124, outerPackets, "every VXLAN packet in the underlay conversation");
        assertEquals(124, innerPackets, "and once inside its tunnel");
        Conversations.Conversation c = table.getItems().get(inner).conversation();
        assertEquals(Conversations.INNER, c.level());
        assertEquals(Long.parseLong(Ui.cell(table, inner, "Packets")),
                MainWindowTest.filter(window, c.filter(Ui.cell(table, inner, "Point"))));
    }

    @Test
    void decodeAsDecodesThePortAsChosen(FxRobot robot) throws Exception {
        MainWindowTest.open(window, MainWindowTest.samples("vxlan-masq").resolve("host1-ens33.pcap"));
        assertEquals(124, MainWindowTest.filter(window, "vxlan"));
        WaitForAsyncUtils.asyncFx(() -> window.showDecodeAsDialog()).get(10, TimeUnit.SECONDS);
        ComboBox<ProtocolDescriptor> dissector = Ui.node(robot, "decode-as-dissector", ComboBox.class);
        ListView<DecodeAs> overrides = Ui.node(robot, "decode-as-list", ListView.class);
        Label error = Ui.node(robot, "decode-as-error", Label.class);
        robot.clickOn("#decode-as-port").write("8472");
        robot.interact(() -> dissector.setValue(DecodeAs.NONE));
        robot.clickOn("#decode-as-add");
        assertEquals(List.of(new DecodeAs(8472, DecodeAs.NONE)), overrides.getItems());
        robot.clickOn("#decode-as-port").write("70000");
        robot.clickOn("#decode-as-add");
        assertTrue(error.getText().contains("out of range"), error.getText());
        // OK: the captures are opened again with the override, then analysed.
        robot.clickOn("#decode-as-ok");
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> window.statusText().contains("decode as [")
                && window.statusText().contains("findings: "));
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(window.statusText().contains("decode as [udp.port=8472:none] ·"), window.statusText());
        assertEquals(0, Ui.rows(robot), "the filter 'vxlan' stays and finds none now");
        assertEquals(127, MainWindowTest.filter(window, ""));
        assertEquals("", Ui.cell(Ui.packetList(robot), Ui.rowOf(robot, "host1-ens33", 4), RowFormatter.ENCAP));
        assertEquals(0, MainWindowTest.filter(window, "vxlan"));
        // Back to the defaults.
        WaitForAsyncUtils.asyncFx(() -> window.decodeAs(List.of())).get(10, TimeUnit.SECONDS).get(120, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(124, Ui.rows(robot));
    }

    @Test
    void chartsFollowTheFilterWithReadableAxesAndSayWhyTheyAreEmpty(FxRobot robot) throws Exception {
        MainWindowTest.open(window, MainWindowTest.samples("vxlan-masq").resolve("host1-ens33.pcap"));
        // Drawn when the tab is shown, not on every load or filter behind it.
        assertEquals("Throughput", Ui.node(robot, "throughput-chart", ChartViewer.class).getChart().getTitle().getText());
        Ui.selectTab(robot, "charts-tab");
        assertEquals("Throughput at host1-ens33",
                Ui.node(robot, "throughput-chart", ChartViewer.class).getChart().getTitle().getText());
        ChartViewer sizes = Ui.node(robot, "size-chart", ChartViewer.class);
        ChartViewer latency = Ui.node(robot, "latency-chart", ChartViewer.class);
        assertEquals(127, histogramTotal(sizes.getChart()));
        assertEquals(14, MainWindowTest.filter(window, "icmp"));
        assertEquals(14, histogramTotal(sizes.getChart()), "the size histogram counts what the filter shows");
        JFreeChart throughput = Ui.node(robot, "throughput-chart", ChartViewer.class).getChart();
        NumberAxis range = (NumberAxis) throughput.getXYPlot().getRangeAxis();
        assertTrue(range.getNumberFormatOverride() instanceof SiFormat);
        assertEquals("700 M", SiFormat.si(7e8).trim());
        assertEquals("1.25 k", SiFormat.si(1250).trim());
        // One capture point: no journey crosses two points, and the hop chart says so.
        assertEquals(0, latency.getChart().getCategoryPlot().getDataset().getRowCount());
        assertTrue(ChartsPane.noDataMessage(latency.getChart()).startsWith("No journey crossed two capture points"),
                ChartsPane.noDataMessage(latency.getChart()));
        assertEquals(0, MainWindowTest.filter(window, "icmp.type == 42"));
        assertEquals(0, sizes.getChart().getXYPlot().getDataset().getSeriesCount());
        assertEquals("No packet passes the display filter.", ChartsPane.noDataMessage(sizes.getChart()));
        // A negative hop latency reads as clock uncertainty.
        assertEquals("≈0 (clocks ±8.3 µs)", JourneyView.latency(-8_300));
        assertEquals("≈0 (clocks ±12 µs)", JourneyView.latency(-12_300));
        assertEquals("+312 µs", JourneyView.latency(312_000));
    }

    private static long histogramTotal(JFreeChart sizes) {
        XYDataset data = sizes.getXYPlot().getDataset();
        long total = 0;
        for (int s = 0; s < data.getSeriesCount(); s++) {
            for (int k = 0; k < data.getItemCount(s); k++) {
                total += data.getY(s, k).longValue();
            }
        }
        return total;
    }
}
