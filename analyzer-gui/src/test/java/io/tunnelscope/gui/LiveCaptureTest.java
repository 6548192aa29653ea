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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
                () -> !dialog.devices.getItems().isEmpty() || !dialog.error.getText().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        return dialog;
    }

    @Test
    void capturesLoopbackDatagramsIntoTheListAndAFile(FxRobot robot, @TempDir Path tmp) throws Exception {
        assumeCanCapture();
        CaptureDialog dialog = openDialog(robot);
        Path file = tmp.resolve("lo.pcapng");
        robot.interact(() -> {
            assertTrue(dialog.select("lo"), "lo is listed");
            dialog.filter.setText("udp port " + PORT);
            dialog.writeTo.setText(file.toString());
        });
        robot.interact(() -> dialog.start.fire());
        LiveCaptureController live = window.live();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> live.capturing() || !dialog.error.getText().isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("", dialog.error.getText());
        assertFalse(dialog.stage.isShowing(), "the dialog closed");
        assertFalse(live.stopButton.isDisabled());
        assertTrue(live.startItem.isDisable());

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
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> window.packets().table.getItems().size() >= DATAGRAMS);
        assertTrue(live.capturing(), "still capturing");

        CompletableFuture<Void> analysed = WaitForAsyncUtils.asyncFx(() -> live.stop()).get(10, TimeUnit.SECONDS);
        analysed.get(60, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(live.capturing());
        assertTrue(live.stopButton.isDisabled());
        assertFalse(live.startItem.isDisable());
        assertNotNull(window.session().analysis, "the capture was analysed");
        assertTrue(window.statusText().contains("capture ended"), window.statusText());

        assertEquals(DATAGRAMS, window.session().store.size(), "the BPF filter kept only the test's datagrams");
        assertEquals(DATAGRAMS, window.packets().table.getItems().size(), "every datagram passes the display filter");
        int hidden = WaitForAsyncUtils.asyncFx(() -> window.applyFilter("dport == 1")).get(10, TimeUnit.SECONDS)
                .get(20, TimeUnit.SECONDS);
        assertEquals(0, hidden);
        int all = WaitForAsyncUtils.asyncFx(() -> window.applyFilter("")).get(10, TimeUnit.SECONDS)
                .get(20, TimeUnit.SECONDS);
        assertEquals(DATAGRAMS, all);
        for (int row = 0; row < DATAGRAMS; row++) {
            int i = window.packets().table.getItems().get(row);
            String[] cells = window.packets().rows().row(i);
            assertEquals("lo", cells[RowFormatter.POINT]);
            assertEquals("UDP", cells[RowFormatter.PROTOCOL]);
            assertEquals("127.0.0.1", cells[RowFormatter.OUTER_DST]);
            var view = window.packets().rows().view(i);
            int udp = view.stack().indexOf(io.tunnelscope.decode.LayerType.UDP);
            assertTrue(udp >= 0, "UDP decoded");
            assertEquals(PORT, view.stack().buffer().getShort(view.stack().offset(udp) + 2) & 0xFFFF);
        }

        // The pcapng reopens with the interface name and every packet.
        assertEquals(file, window.session().store.files.get(0));
        try (CaptureReader reader = CaptureReaders.open(file)) {
            PacketRecord record = new PacketRecord();
            int n = 0;
            while (reader.next(record)) {
                n++;
            }
            assertEquals(DATAGRAMS, n);
            assertEquals("lo", reader.interfaces().get(0).name());
        }
        // Selecting a captured packet shows its layers.
        robot.interact(() -> window.packets().table.getSelectionModel().select(0));
        assertNotNull(window.details().tree.getRoot());
    }

    @Test
    void aBadFilterIsReportedInTheDialog(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(LiveCapture.libpcapVersion() != null, "live capture needs libpcap (Debian: libpcap0.8)");
        CaptureDialog dialog = openDialog(robot);
        String bad = "udp port";
        robot.interact(() -> {
            if (!dialog.select("lo")) {
                fail("lo is not listed: " + dialog.error.getText());
            }
            dialog.filter.setText(bad);
        });
        robot.interact(() -> dialog.start.fire());
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !dialog.error.getText().isEmpty());
        // Exactly what opening the capture says (as root: the filter error; otherwise the permission hint).
        String expected;
        try {
            LiveCapture.open(new LiveCapture.Options().interfaces("lo").filter(bad)).close();
            expected = null;
        } catch (IOException e) {
            expected = e.getMessage();
        }
        assertEquals(expected, dialog.error.getText());
        if (isRoot()) {
            assertTrue(dialog.error.getText().startsWith("bad filter 'udp port' on lo: "), dialog.error.getText());
        }
        assertTrue(dialog.stage.isShowing(), "the dialog stays open");
        assertFalse(dialog.start.isDisabled(), "one can correct the filter and start again");
        assertFalse(window.live().capturing());
        robot.interact(() -> dialog.stage.close());
    }
}
