package io.tunnelscope.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.LiveCapture;
import io.tunnelscope.capture.PacketRecord;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.tunnelscope.detail.FieldNode;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The capture dialog driven headless: a capture on the loopback interface of the test's own
 * datagrams to 127.0.0.1 (nothing leaves the host), and a bad BPF filter reported in the dialog.
 */
@ExtendWith(ApplicationExtension.class)
class LiveCaptureTest {
    private static final int PORT = 47999;
    private static final int DATAGRAMS = 6;
    private MainWindow window;

    @Start
    void start(Stage stage) {
        window = new MainWindow(stage, 1200, 760);
        stage.show();
    }

    private static boolean isRoot() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return p.waitFor() == 0 && out.equals("0");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void assumeCanCapture() {
        Assumptions.assumeTrue(isRoot(), "live capture needs root (or cap_net_raw on java); not root: skipped");
        Assumptions.assumeTrue(LiveCapture.libpcapVersion() != null, "live capture needs libpcap (Debian: libpcap0.8)");
    }

    /** Opens the dialog and waits until libpcap's interfaces are listed. */
    private CaptureDialog openDialog(FxRobot robot) throws Exception {
        CaptureDialog dialog = WaitForAsyncUtils.asyncFx(() -> window.live().showDialog()).get(10, TimeUnit.SECONDS);
        assertNotNull(dialog);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS,
                () -> !Ui.node(robot, "capture-devices", TableView.class).getItems().isEmpty()
                        || !Ui.node(robot, "capture-error", Label.class).getText().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        return dialog;
    }

    @Test
    void capturesLoopbackDatagramsIntoTheListAndAFile(FxRobot robot, @TempDir Path tmp) throws Exception {
        assumeCanCapture();
        CaptureDialog dialog = openDialog(robot);
        Path file = tmp.resolve("lo.pcapng");
        Label error = Ui.node(robot, "capture-error", Label.class);
        Button start = Ui.node(robot, "capture-start", Button.class);
        robot.interact(() -> assertTrue(dialog.select("lo"), "lo is listed"));
        robot.clickOn("#capture-filter").write("udp port " + PORT);
        TextField writeTo = Ui.node(robot, "capture-write-to", TextField.class);
        robot.interact(() -> writeTo.setText(file.toString()));
        robot.clickOn(start);
        LiveCaptureController live = window.live();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> live.capturing() || !error.getText().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("", error.getText());
        assertFalse(start.getScene().getWindow().isShowing(), "the dialog closed");
        Button stop = Ui.node(robot, "stop-capture", Button.class);
        assertFalse(stop.isDisabled());
        assertTrue(Ui.node(robot, "start-capture", Button.class).isDisabled());
        assertTrue(Ui.menuItem(robot, "Capture", "Start capture…").isDisable());

        // A filter applied while capturing applies to the packets still to come.
        int none = WaitForAsyncUtils.asyncFx(() -> window.applyFilter("point == lo && dport == " + PORT))
                .get(10, TimeUnit.SECONDS).get(20, TimeUnit.SECONDS);
        assertEquals(0, none);

        // A handful of datagrams to the loopback address only.
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            for (int k = 0; k < DATAGRAMS; k++) {
                byte[] payload = ("tunnelscope gui live test " + k).getBytes(StandardCharsets.US_ASCII);
                socket.send(new DatagramPacket(payload, payload.length, loopback, PORT));
            }
        }
        // The rows appear while capturing (appended in batches on the FX thread).
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> Ui.rows(robot) >= DATAGRAMS);
        assertTrue(live.capturing(), "still capturing");

        CompletableFuture<Void> analysed = WaitForAsyncUtils.asyncFx(() -> live.stop()).get(10, TimeUnit.SECONDS);
        analysed.get(60, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(live.capturing());
        assertTrue(stop.isDisabled());
        assertFalse(Ui.menuItem(robot, "Capture", "Start capture…").isDisable());
        assertTrue(window.statusText().contains("findings: "), "the capture was analysed: " + window.statusText());
        assertTrue(window.statusText().contains("capture ended"), window.statusText());

        assertEquals(DATAGRAMS, Ui.packetsLoaded(window), "the BPF filter kept only the test's datagrams");
        assertEquals(DATAGRAMS, Ui.rows(robot), "every datagram passes the display filter");
        int hidden = WaitForAsyncUtils.asyncFx(() -> window.applyFilter("dport == 1")).get(10, TimeUnit.SECONDS)
                .get(20, TimeUnit.SECONDS);
        assertEquals(0, hidden);
        int all = WaitForAsyncUtils.asyncFx(() -> window.applyFilter("")).get(10, TimeUnit.SECONDS)
                .get(20, TimeUnit.SECONDS);
        assertEquals(DATAGRAMS, all);
        TableView<Integer> list = Ui.packetList(robot);
        for (int row = 0; row < DATAGRAMS; row++) {
            String[] cells = Ui.row(list, row);
            assertEquals("lo", cells[RowFormatter.POINT]);
            assertEquals("UDP", cells[RowFormatter.PROTOCOL]);
            assertEquals("127.0.0.1", cells[RowFormatter.OUTER_DST]);
            // Selecting a captured packet shows its layers: UDP to the test's port.
            Ui.selectRow(robot, row);
            TreeItem<FieldNode> root = Ui.node(robot, "packet-details", TreeView.class).getRoot();
            assertNotNull(root);
            List<FieldNode> udp = root.getValue().findAll(n -> n.value().equals("udp_datagram"));
            assertEquals(1, udp.size(), "UDP decoded");
            List<FieldNode> port = udp.get(0).findAll(n -> n.name().equals("dst_port"));
            assertEquals(List.of(Integer.toString(PORT)), port.stream().map(FieldNode::value).toList());
        }

        // The pcapng reopens with the interface name and every packet.
        assertEquals(List.of(file), window.files());
        try (CaptureReader reader = CaptureReaders.open(file)) {
            PacketRecord record = new PacketRecord();
            int n = 0;
            while (reader.next(record)) {
                n++;
            }
            assertEquals(DATAGRAMS, n);
            assertEquals("lo", reader.interfaces().get(0).name());
        }
    }

    @Test
    void aBadFilterIsReportedInTheDialog(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(LiveCapture.libpcapVersion() != null, "live capture needs libpcap (Debian: libpcap0.8)");
        CaptureDialog dialog = openDialog(robot);
        String bad = "udp port";
        Label error = Ui.node(robot, "capture-error", Label.class);
        Button start = Ui.node(robot, "capture-start", Button.class);
        robot.interact(() -> {
            if (!dialog.select("lo")) {
                fail("lo is not listed: " + error.getText());
            }
        });
        robot.clickOn("#capture-filter").write(bad);
        robot.clickOn(start);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !error.getText().isEmpty());
        // Exactly what opening the capture says (as root: the filter error; otherwise the permission hint).
        String expected;
        try {
            LiveCapture.open(new LiveCapture.Options().interfaces("lo").filter(bad)).close();
            expected = null;
        } catch (IOException e) {
            expected = e.getMessage();
        }
        assertEquals(expected, error.getText());
        if (isRoot()) {
            assertTrue(error.getText().startsWith("bad filter 'udp port' on lo: "), error.getText());
        }
        assertTrue(start.getScene().getWindow().isShowing(), "the dialog stays open");
        assertFalse(start.isDisabled(), "one can correct the filter and start again");
        assertFalse(window.live().capturing());
        robot.clickOn("#capture-cancel");
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(start.getScene().getWindow().isShowing(), "Cancel closes it");
    }
}
