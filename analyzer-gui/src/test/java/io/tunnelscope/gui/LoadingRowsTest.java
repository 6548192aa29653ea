package io.tunnelscope.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.collections.ListChangeListener;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * One file in time order shows its packets while it loads, as Wireshark does: the rows grow, each
 * growth keeps the rows before it, and the numbers are final (No. = frame). A file that turns out
 * out of order, and a display filter set before the open, show their rows once loading is over.
 */
@ExtendWith(ApplicationExtension.class)
class LoadingRowsTest {
    private static final int N = 20_000;
    private static final long BASE_MICROS = 1_700_000_000_000_000L;
    private MainWindow window;

    @Start
    void start(Stage stage) {
        window = new MainWindow(stage, 1200, 700);
        stage.show();
    }

    @Test
    void aFileInTimeOrderShowsItsRowsWhileItLoads(FxRobot robot, @TempDir Path dir) throws Exception {
        Path file = write(dir.resolve("in order.pcap"), -1);
        Growth growth = watch(robot);
        open(robot, file);
        assertTrue(growth.sizes.size() >= 2, "the rows grew while the file loaded: " + growth.sizes);
        int first = growth.sizes.get(0);
        assertTrue(first > 0 && first < N, "the first rows came before the last packet: " + growth.sizes);
        assertEquals(N, growth.sizes.get(growth.sizes.size() - 1));
        assertTrue(growth.onlyAppended, "every growth appended to the rows before it: " + growth.problem);
        assertTrue(growth.inOrder, "rows shown while loading are packets 0, 1, 2...: " + growth.problem);
        TableView<Integer> table = table(robot);
        assertEquals(Integer.toString(N), cell(table, N - 1, RowFormatter.NO));
        assertEquals(Integer.toString(N), cell(table, N - 1, RowFormatter.FRAME));
        assertTrue(window.rowsShownMillis() >= 0 && window.rowsShownMillis() <= window.allRowsMillis(),
                window.rowsShownMillis() + " ms, then " + window.allRowsMillis() + " ms");
    }

    @Test
    void aFileOutOfOrderIsShownInTimeOrderOnceLoaded(FxRobot robot, @TempDir Path dir) throws Exception {
        // Packet 15000 (frame 15001) is stamped between packets 9 and 10: the file is in order up to it.
        Path file = write(dir.resolve("late packet.pcap"), 15_000);
        Growth growth = watch(robot);
        open(robot, file);
        int last = growth.sizes.get(growth.sizes.size() - 1);
        assertEquals(N, last);
        for (int k = 0; k < growth.sizes.size() - 1; k++) {
            assertTrue(growth.sizes.get(k) <= 15_000, "no rows shown past the packet out of order: " + growth.sizes);
        }
        TableView<Integer> table = table(robot);
        assertEquals("11", cell(table, 10, RowFormatter.NO));
        assertEquals("15001", cell(table, 10, RowFormatter.FRAME), "the late packet is put in its place in time");
        assertEquals("12", cell(table, 11, RowFormatter.NO));
        assertEquals("11", cell(table, 11, RowFormatter.FRAME));
        assertEquals(Integer.toString(N), cell(table, N - 1, RowFormatter.NO));
        assertEquals(Integer.toString(N), cell(table, N - 1, RowFormatter.FRAME));
    }

    @Test
    void aDisplayFilterShowsItsRowsOnceLoaded(FxRobot robot, @TempDir Path dir) throws Exception {
        Path file = write(dir.resolve("filtered.pcap"), -1);
        assertEquals(0, WaitForAsyncUtils.asyncFx(() -> window.applyFilter("udp.dstport == 2001"))
                .get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS));
        Growth growth = watch(robot);
        open(robot, file);
        assertEquals(List.of(N / 10), growth.sizes, "one change: the filtered rows of the whole file");
        assertEquals("10", cell(table(robot), 0, RowFormatter.NO));
    }

    // ------------------------------------------------------------------ helpers

    /** What the rows went through: their sizes (empty lists left out) and whether they only grew in order. */
    private static final class Growth {
        final List<Integer> sizes = new ArrayList<>();
        boolean onlyAppended = true;
        boolean inOrder = true;
        String problem = "";
    }

    private Growth watch(FxRobot robot) {
        Growth g = new Growth();
        TableView<Integer> table = table(robot);
        robot.interact(() -> {
            window.loadUpdateNanos(0);
            table.getItems().addListener((ListChangeListener<Integer>) c -> {
                int size = c.getList().size();
                if (size == 0) {
                    return;
                }
                while (c.next()) {
                    if (c.wasRemoved() || c.getFrom() != (g.sizes.isEmpty() ? 0 : g.sizes.get(g.sizes.size() - 1))) {
                        g.onlyAppended = false;
                        g.problem = "change from " + c.getFrom() + " after " + g.sizes;
                    }
                    for (int r = c.getFrom(); r < c.getTo(); r++) {
                        if (c.getList().get(r) != r) {
                            g.inOrder = false;
                            g.problem = "row " + r + " is packet " + c.getList().get(r);
                        }
                    }
                }
                g.sizes.add(size);
            });
        });
        return g;
    }

    private void open(FxRobot robot, Path file) throws Exception {
        WaitForAsyncUtils.asyncFx(() -> window.open(List.of(file))).get(10, TimeUnit.SECONDS)
                .get(120, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertFalse(table(robot).getItems().isEmpty());
    }

    @SuppressWarnings("unchecked")
    private static TableView<Integer> table(FxRobot robot) {
        return robot.lookup("#packet-list").queryAs(TableView.class);
    }

    private static String cell(TableView<Integer> table, int row, int column) {
        return String.valueOf(table.getColumns().get(column).getCellData(row));
    }

    /**
     * A classic pcap of {@link #N} Ethernet/IPv4/UDP packets one millisecond apart, every tenth to
     * port 2001 (the others to 2000); packet {@code late}, when not -1, stamped 9.5 ms after the first.
     */
    private static Path write(Path file, int late) throws IOException {
        int frame = 14 + 20 + 8 + 4;
        ByteBuffer b = ByteBuffer.allocate(24 + N * (16 + frame)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        for (int i = 0; i < N; i++) {
            long micros = BASE_MICROS + (i == late ? 9_500 : i * 1_000L);
            b.putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000)).putInt(frame).putInt(frame);
            ByteBuffer p = b.slice(b.position(), frame).order(ByteOrder.BIG_ENDIAN);
            p.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
            p.put((byte) 0x45).put((byte) 0).putShort((short) (frame - 14)).putShort((short) i).putShort((short) 0)
                    .put((byte) 64).put((byte) 17).putShort((short) 0)
                    .put(new byte[] {10, 0, 0, 1}).put(new byte[] {10, 0, 0, 2});
            p.putShort((short) 40000).putShort((short) (i % 10 == 9 ? 2001 : 2000)).putShort((short) 12)
                    .putShort((short) 0).putInt(i);
            b.position(b.position() + frame);
        }
        Files.write(file, b.array());
        return file;
    }
}
