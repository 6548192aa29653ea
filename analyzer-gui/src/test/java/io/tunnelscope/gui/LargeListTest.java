package io.tunnelscope.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketView;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Two million rows: the table makes cells for the visible rows only, filtering works on the index. */
@ExtendWith(ApplicationExtension.class)
class LargeListTest {
    private static final int N = 2_000_000;
    private MainWindow window;

    @Start
    void start(Stage stage) {
        window = new MainWindow(stage, 1200, 700);
        stage.show();
    }

    @Test
    void twoMillionRowsAreVirtualised(FxRobot robot) throws Exception {
        // One VXLAN packet and one ARP from the sample, repeated.
        PacketStore store = new PacketStore();
        store.files().add(MainWindowTest.samples("vxlan-masq").resolve("host1-ens33.pcap"));
        store.comments().add(java.util.List.of());
        store.fileStart(new int[] {0});
        byte[][] packets = new byte[2][];
        int[] flags = new int[2];
        int[] vni = new int[2];
        int[] proto = new int[2];
        int linkType;
        try (CaptureReader reader = CaptureReaders.open(store.files().get(0))) {
            PacketRecord r = new PacketRecord();
            PacketDecoder decoder = new PacketDecoder(DecodeTables.defaults());
            PacketView view = new PacketView();
            int k = 0;
            while (k < 2 && reader.next(r)) {
                if (r.frameNumber() == 2 || r.frameNumber() == 4) {
                    LayerStack s = decoder.decode(r);
                    view.wrap(s);
                    packets[k] = r.copyBytes();
                    flags[k] = Loader.flags(view, s);
                    vni[k] = (int) view.vni();
                    proto[k] = Loader.protoCode(s);
                    k++;
                }
            }
            linkType = r.linkType();
        }
        store.points().add(new PacketStore.Point("synthetic", 0, linkType, null));
        int[] order = new int[N];
        PacketStore.Entry e = new PacketStore.Entry();
        for (int i = 0; i < N; i++) {
            int k = i % 10 == 0 ? 0 : 1; // every tenth an ARP
            byte[] b = packets[k];
            e.timestamp = 1_000_000_000L + i * 1000L;
            e.frameNumber = i + 1;
            e.captured = b.length;
            e.wire = b.length;
            e.flags = flags[k];
            e.vni = vni[k];
            e.protoCode = proto[k];
            store.add(e, ByteBuffer.wrap(b), 0);
            order[i] = i;
        }
        assertEquals(N, store.size());
        Session session = new Session(store, java.util.List.of());
        session.order(order);
        PacketListPane list = window.packets();
        robot.interact(() -> list.show(session));
        TableView<Integer> table = Ui.packetList(robot);
        assertEquals(N, table.getItems().size());
        robot.interact(() -> table.scrollTo(N - 5));
        WaitForAsyncUtils.waitForFxEvents();
        long cells = robot.lookup("#packet-list .table-row-cell").queryAll().size();
        assertTrue(cells < 100, cells + " row cells for " + N + " rows");
        robot.interact(() -> table.getSelectionModel().clearAndSelect(N - 1));
        assertEquals(N - 1, list.selected());
        assertEquals("ICMP", Ui.shownText(robot, N - 1, RowFormatter.PROTOCOL));
        assertEquals(Integer.toString(N), Ui.shownText(robot, N - 1, RowFormatter.NO), "nine-digit numbers fit");
        int arps = WaitForAsyncUtils.asyncFx(() -> list.applyFilter("arp")).get(10, TimeUnit.SECONDS)
                .get(100, TimeUnit.SECONDS);
        assertEquals(N / 10, arps);
    }
}
