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
import javafx.stage.Stage;
import org.jfree.chart.axis.NumberAxis;
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
        Session s = window.session();
        for (String field : List.of("tcp.analysis.retransmission", "tcp.analysis.duplicate_ack",
                "tcp.analysis.lost_segment", "tcp.analysis.ack_lost_segment", "tcp.analysis.window_update",
                "tcp.analysis.flags", "tcp.analysis.ack_rtt > 0.0001")) {
            List<Long> expected = Tshark.frames(file, field);
            assertEquals(expected.size(), MainWindowTest.filter(window, field), field);
            for (int i : window.packets().displayed()) {
                assertTrue(expected.contains((long) s.store.frame(i)), field + " frame " + s.store.frame(i));
            }
        }
        // The retransmissions are flagged in the list as Wireshark labels them, and coloured.
        MainWindowTest.filter(window, "tcp.analysis.retransmission");
        int first = window.packets().displayed()[0];
        assertTrue(window.packets().rows().cell(first, RowFormatter.INFO).startsWith("[TCP Retransmission] "),
                window.packets().rows().cell(first, RowFormatter.INFO));
        assertEquals("tcp-problem", window.packets().style(first));
        assertTrue(robot.lookup("#packetTable .table-row-cell.tcp-problem").tryQuery().isPresent());
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

    @Test
    void conversationsAsTsharkCountsThemAndApplyAsFilter(FxRobot robot) throws Exception {
        assumeTrue(Tshark.available(), "tshark not installed");
        Path file = MainWindowTest.samples("pmtu-blackhole").resolve("host1-pod.pcap");
        MainWindowTest.open(window, file);
        ConversationsTab tab = window.conversations();
        robot.interact(() -> window.tabs().getSelectionModel().select(tab.tab));
        List<ConversationsTab.Row> rows = List.copyOf(tab.conversations.getItems());
        Map<String, String[]> expected = tsharkConversations(file);
        assertEquals(expected.size(), rows.size(), "one conversation per address pair: " + expected.keySet());
        for (ConversationsTab.Row r : rows) {
            Conversations.Conversation c = r.conversation();
            assertEquals(Conversations.OUTER, c.level());
            String[] t = expected.get(c.addressA() + " " + c.addressB());
            boolean swapped = t == null;
            if (swapped) {
                t = expected.get(c.addressB() + " " + c.addressA());
            }
            assertNotNull(t, c.addressA() + " <-> " + c.addressB());
            long aToB = swapped ? c.packetsBtoA() : c.packetsAtoB();
            long bToA = swapped ? c.packetsAtoB() : c.packetsBtoA();
            long aToBBytes = swapped ? c.bytesBtoA() : c.bytesAtoB();
            long bToABytes = swapped ? c.bytesAtoB() : c.bytesBtoA();
            assertEquals(t[2], Long.toString(aToB), "frames A→B");
            assertEquals(t[3], bytes(aToBBytes), "bytes A→B");
            assertEquals(t[0], Long.toString(bToA), "frames B→A");
            assertEquals(t[1], bytes(bToABytes), "bytes B→A");
        }
        assertFalse(tab.endpoints.getItems().isEmpty());
        // Apply as filter: the list shows that conversation's packets.
        ConversationsTab.Row busiest = rows.stream().max((a, b) -> Long.compare(a.conversation().packets(),
                b.conversation().packets())).orElseThrow();
        robot.interact(() -> tab.conversations.getSelectionModel().select(busiest));
        robot.clickOn("#applyConversationFilter");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS,
                () -> window.packets().displayedCount() == busiest.conversation().packets());
        assertEquals(busiest.conversation().filter("host1-pod"), window.packets().filterField.getText());
        assertEquals(window.packetsTab(), window.tabs().getSelectionModel().getSelectedItem());
    }

    @Test
    void innerConversationsSitInTheirTunnel() throws Exception {
        MainWindowTest.open(window, MainWindowTest.samples("vxlan-masq").resolve("host1-ens33.pcap"));
        List<ConversationsTab.Row> rows = List.copyOf(window.conversations().conversations.getItems());
        ConversationsTab.Row inner = rows.stream().filter(r -> r.conversation().level() == Conversations.INNER)
                .findFirst().orElseThrow();
        assertEquals("VXLAN 1 172.16.112.133 ↔ 172.16.112.130", ConversationsTab.tunnel(inner.conversation()));
        long outerPackets = rows.stream().filter(r -> r.conversation().level() == Conversations.OUTER
                && r.conversation().addressA().startsWith("172.16.112.13")).mapToLong(r -> r.conversation().packets())
                .sum();
        long innerPackets = rows.stream().filter(r -> r.conversation().level() == Conversations.INNER)
                .mapToLong(r -> r.conversation().packets()).sum();
        assertEquals(124, outerPackets, "every VXLAN packet in the underlay conversation");
        assertEquals(124, innerPackets, "and once inside its tunnel");
        assertEquals(inner.conversation().packets(), MainWindowTest.filter(window, inner.conversation().filter("host1-ens33")));
    }

    @Test
    void decodeAsDecodesThePortAsChosen(FxRobot robot) throws Exception {
        MainWindowTest.open(window, MainWindowTest.samples("vxlan-masq").resolve("host1-ens33.pcap"));
        assertEquals(124, MainWindowTest.filter(window, "vxlan"));
        DecodeAsDialog dialog = WaitForAsyncUtils.asyncFx(() -> window.showDecodeAsDialog()).get(10, TimeUnit.SECONDS);
        robot.interact(() -> {
            dialog.port.setText("8472");
            dialog.dissector.setValue(DecodeAs.NONE);
            dialog.addOverride();
        });
        assertEquals(List.of(new DecodeAs(8472, DecodeAs.NONE)), dialog.overrides.getItems());
        robot.interact(() -> {
            dialog.port.setText("70000");
            dialog.addOverride();
        });
        assertTrue(dialog.error.getText().contains("out of range"), dialog.error.getText());
        var reopened = WaitForAsyncUtils.asyncFx(() -> {
            dialog.stage.close();
            return window.decodeAs(List.copyOf(dialog.overrides.getItems()));
        }).get(10, TimeUnit.SECONDS);
        reopened.get(120, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        Session s = window.session();
        assertEquals(List.of(new DecodeAs(8472, DecodeAs.NONE)), s.decodeAs);
        assertEquals(0, window.packets().displayedCount(), "the filter 'vxlan' stays and finds none now");
        int p = s.store.indexOf(0, 4);
        assertEquals("", window.packets().rows().cell(p, RowFormatter.ENCAP));
        assertTrue(window.statusText().contains("decode as [udp.port=8472:none]"), window.statusText());
        // Back to the defaults.
        WaitForAsyncUtils.asyncFx(() -> window.decodeAs(List.of())).get(10, TimeUnit.SECONDS).get(120, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(124, window.packets().displayedCount());
    }

    @Test
    void chartsFollowTheFilterWithReadableAxesAndSayWhyTheyAreEmpty() throws Exception {
        MainWindowTest.open(window, MainWindowTest.samples("vxlan-masq").resolve("host1-ens33.pcap"));
        ChartsPane charts = window.charts();
        assertEquals(127, histogramTotal(charts));
        assertEquals(14, MainWindowTest.filter(window, "icmp"));
        assertEquals(14, histogramTotal(charts), "the size histogram counts what the filter shows");
        NumberAxis range = (NumberAxis) charts.throughputChart.getXYPlot().getRangeAxis();
        assertTrue(range.getNumberFormatOverride() instanceof SiFormat);
        assertEquals("700 M", SiFormat.si(7e8).trim());
        assertEquals("1.25 k", SiFormat.si(1250).trim());
        // One capture point: no journey crosses two points, and the hop chart says so.
        assertEquals(0, charts.latencyChart.getCategoryPlot().getDataset().getRowCount());
        assertTrue(ChartsPane.noDataMessage(charts.latencyChart).startsWith("No journey crossed two capture points"),
                ChartsPane.noDataMessage(charts.latencyChart));
        assertEquals(0, MainWindowTest.filter(window, "icmp.type == 42"));
        assertEquals(0, charts.sizeChart.getXYPlot().getDataset().getSeriesCount());
        assertEquals("No packet passes the display filter.", ChartsPane.noDataMessage(charts.sizeChart));
        // A negative hop latency reads as clock uncertainty.
        assertEquals("≈0 (clocks ±8.3 µs)", JourneyView.latency(-8_300));
        assertEquals("≈0 (clocks ±12 µs)", JourneyView.latency(-12_300));
        assertEquals("+312 µs", JourneyView.latency(312_000));
    }

    private static long histogramTotal(ChartsPane charts) {
        XYDataset data = charts.sizeChart.getXYPlot().getDataset();
        long total = 0;
        for (int s = 0; s < data.getSeriesCount(); s++) {
            for (int k = 0; k < data.getItemCount(s); k++) {
                total += data.getY(s, k).longValue();
            }
        }
        return total;
    }
}
