package io.tunnelscope.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * File → Export packets (displayed, selected, marked) and Open in Wireshark: the pcapng written is
 * read again by tshark, which must count the same packets, see one interface per capture point
 * and the comment naming each packet.
 */
@ExtendWith(ApplicationExtension.class)
class ExportTest {
    private MainWindow window;

    @Start
    void start(Stage stage) {
        window = new MainWindow(stage, 1280, 800);
        stage.show();
    }

    private long export(PacketExporter.Scope scope, Path file) throws Exception {
        long n = WaitForAsyncUtils.asyncFx(() -> window.exportPackets(scope, file)).get(10, TimeUnit.SECONDS)
                .get(120, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        return n;
    }

    @Test
    void displayedSelectedAndMarkedPacketsReadBackByTshark(FxRobot robot, @TempDir Path tmp) throws Exception {
        assumeTrue(Tshark.available(), "tshark not installed");
        Path dir = MainWindowTest.samples("vxlan-masq");
        MainWindowTest.open(window, dir);
        TableView<Integer> list = Ui.packetList(robot);

        // Displayed: an ICMP echo filter over every capture point.
        int shown = MainWindowTest.filter(window, "icmp.type == 8 && icmp.seq == 1");
        assertTrue(shown > 5, "shown " + shown);
        Path displayed = tmp.resolve("displayed.pcapng");
        assertEquals(shown, export(PacketExporter.Scope.DISPLAYED, displayed));
        assertEquals(shown, Tshark.count(displayed));
        assertEquals(shown, Tshark.frames(displayed, "icmp.type == 8 && icmp.seq == 1").size(),
                "tshark decodes every exported packet as the filter did");
        // One interface per capture point, named as the point; each packet's comment names it.
        List<String> lines = Tshark.run(displayed, "-T", "fields", "-E", "separator=|", "-e", "frame.interface_name",
                "-e", "frame.comment");
        Map<String, Integer> perPoint = new TreeMap<>();
        assertEquals(shown, lines.size());
        for (int k = 0; k < lines.size(); k++) {
            String[] f = lines.get(k).split("\\|", -1);
            perPoint.merge(f[0], 1, Integer::sum);
            assertEquals(Ui.cell(list, k, RowFormatter.POINT), f[0]);
            assertEquals(named(list, k), f[1]);
        }
        assertTrue(perPoint.keySet().containsAll(List.of("host1-pod", "host1-ens33", "host2-pod")), perPoint.toString());
        // The section says what it holds and where it came from.
        try (CaptureReader reader = CaptureReaders.open(displayed)) {
            PacketRecord r = new PacketRecord();
            int n = 0;
            while (reader.next(r)) {
                n++;
            }
            assertEquals(shown, n);
            assertTrue(reader.comments().get(0).startsWith("Exported by Tunnelscope: " + shown
                    + " packets (all displayed packets) of "), reader.comments().get(0));
        }

        // Selected: three rows; marked: two rows and one ignored packet left out.
        robot.interact(() -> {
            list.getSelectionModel().clearSelection();
            list.getSelectionModel().selectIndices(0, 2, 4);
            list.requestFocus();
        });
        Path selected = tmp.resolve("selected.pcapng");
        assertEquals(3, export(PacketExporter.Scope.SELECTED, selected));
        assertEquals(3, Tshark.count(selected));
        robot.push(KeyCode.CONTROL, KeyCode.M); // Edit → Mark
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> list.getSelectionModel().clearAndSelect(2));
        robot.push(KeyCode.CONTROL, KeyCode.D); // Edit → Ignore
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(window.statusText().contains(", 3 marked, 1 ignored"), window.statusText());
        Path marked = tmp.resolve("marked.pcapng");
        assertEquals(2, export(PacketExporter.Scope.MARKED, marked));
        List<String> comments = Tshark.run(marked, "-T", "fields", "-e", "frame.comment");
        assertEquals(List.of(named(list, 0), named(list, 4)), comments);
        // An unwritable target is an error, not an exception.
        Path blocked = tmp.resolve("file");
        Files.writeString(blocked, "x");
        assertEquals(-1L, export(PacketExporter.Scope.DISPLAYED, blocked.resolve("out.pcapng")));
        assertTrue(window.statusText().startsWith("Export failed: "), window.statusText());
    }

    /** How an exported packet's comment names the packet of a row: "No. 12, host1-pod frame 4". */
    private static String named(TableView<Integer> list, int row) {
        return "No. " + Ui.cell(list, row, RowFormatter.NO) + ", " + Ui.cell(list, row, RowFormatter.POINT) + " frame "
                + Ui.cell(list, row, RowFormatter.FRAME);
    }

    @Test
    void exportDialogExportsTheChosenPackets(FxRobot robot, @TempDir Path tmp) throws Exception {
        assumeTrue(Tshark.available(), "tshark not installed");
        MainWindowTest.open(window, MainWindowTest.samples("vxlan-masq").resolve("host1-ens33.pcap"));
        MainWindowTest.filter(window, "arp");
        ExportDialog dialog = WaitForAsyncUtils.asyncFx(() -> window.showExportDialog()).get(10, TimeUnit.SECONDS);
        assertNotNull(dialog);
        Path out = tmp.resolve("arp.pcapng");
        assertEquals("All displayed packets (2)", Ui.node(robot, "export-displayed", RadioButton.class).getText());
        TextField file = Ui.node(robot, "export-file", TextField.class);
        robot.interact(file::clear);
        robot.clickOn(file).write(out.toString());
        robot.clickOn("#export-start");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> Files.exists(out) && window.statusText().startsWith("Exported"));
        assertEquals(Tshark.frames(MainWindowTest.samples("vxlan-masq").resolve("host1-ens33.pcap"), "arp").size(),
                Tshark.count(out));
    }

    @Test
    void openInWiresharkRunsItOnTheSelection(FxRobot robot, @TempDir Path tmp) throws Exception {
        assumeTrue(Tshark.available(), "tshark not installed");
        // A stand-in for wireshark that keeps the file it was given and its arguments.
        Path kept = tmp.resolve("given.pcapng");
        Path args = tmp.resolve("args.txt");
        Path script = tmp.resolve("wireshark");
        Files.writeString(script, "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + args + "'\nwhile [ \"$1\" != -r ]; do shift; done\n"
                + "cp \"$2\" '" + kept + "'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        System.setProperty("tunnelscope.gui.wireshark", script.toString());
        try {
            MainWindowTest.open(window, MainWindowTest.samples("vxlan-masq").resolve("host1-ens33.pcap"));
            TableView<Integer> list = Ui.packetList(robot);
            robot.interact(() -> {
                list.getSelectionModel().clearSelection();
                list.getSelectionModel().selectRange(3, 8);
            });
            List<String> command = WaitForAsyncUtils.asyncFx(() -> window.openInWireshark(window.packets().selectedPackets()))
                    .get(10, TimeUnit.SECONDS).get(60, TimeUnit.SECONDS);
            assertNotNull(command);
            WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> Files.exists(kept) && Files.size(kept) > 0);
            assertEquals(5, Tshark.count(kept));
            List<String> given = new ArrayList<>(Files.readAllLines(args, StandardCharsets.UTF_8));
            assertTrue(given.containsAll(List.of("-d", "udp.port==8472,vxlan")), given.toString());
            assertEquals(5, Tshark.frames(kept, "vxlan.vni == 1").size(), "Wireshark is told 8472 is VXLAN");
        } finally {
            System.clearProperty("tunnelscope.gui.wireshark");
        }
    }
}
