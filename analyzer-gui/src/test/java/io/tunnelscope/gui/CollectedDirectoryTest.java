package io.tunnelscope.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The viewer on a directory laid out as {@code tunnelscope collect} writes it ({@code DIR/NODE/} with
 * a {@code state/} holding the node's {@code kubectl get -o json} dump): its captures open node by
 * node, addresses carry pod and node names, and the filter takes {@code pod}.
 */
@ExtendWith(ApplicationExtension.class)
class CollectedDirectoryTest {
    private MainWindow window;

    @TempDir
    Path dir;

    @Start
    void start(Stage stage) {
        window = new MainWindow(stage, 1280, 800);
        stage.show();
    }

    @Test
    void namesOnAddressesAndThePodFilter(FxRobot robot) throws Exception {
        Path node = Files.createDirectories(dir.resolve("worker1").resolve("state"));
        Files.copy(MainWindowTest.samples("k8s-vxlan").resolve("worker1-eth0.pcap"), dir.resolve("worker1/eth0.pcap"));
        Files.copy(Path.of(System.getProperty("tunnelscope.root", ".."), "analyzer-core", "src", "test", "resources", "io",
                "tunnelscope", "state", "kubernetes", "k8s-vxlan.json"), node.resolve("kubernetes.json"));
        CompletableFuture<Void> done = WaitForAsyncUtils.asyncFx(() -> window.open(List.of(dir))).get(30, TimeUnit.SECONDS);
        done.get(90, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(66, Ui.packetsLoaded(window), "the node directory's capture");
        assertEquals(List.of(dir.resolve("worker1").resolve("eth0.pcap")), window.files());
        int frame3 = Ui.rowOf(robot, null, 3);
        assertTrue(frame3 >= 0, "frame 3 is listed");
        String[] row = Ui.row(Ui.packetList(robot), frame3);
        assertEquals("10.0.0.2 (node worker1)", row[RowFormatter.OUTER_SRC]);
        assertEquals("10.244.1.2 (pod default/web-1)", row[RowFormatter.INNER_SRC]);
        assertEquals("10.244.2.2 (pod default/web-2)", row[RowFormatter.INNER_DST]);

        int byAddress = WaitForAsyncUtils.asyncFx(() -> window.applyFilter("inner.addr == 10.244.2.2"))
                .get(10, TimeUnit.SECONDS).get(60, TimeUnit.SECONDS);
        int byPod = WaitForAsyncUtils.asyncFx(() -> window.applyFilter("pod == \"default/web-2\""))
                .get(10, TimeUnit.SECONDS).get(60, TimeUnit.SECONDS);
        assertTrue(byAddress > 0);
        assertEquals(byAddress, byPod);
    }
}
