package io.tunnelscope.gui;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * What the viewer tests see of the window, as a user does: nodes by their id ({@code #packet-list},
 * {@code #display-filter}, {@code #packet-details}...), the packet list's cells, the tabs, the menus
 * and the status bar.
 */
final class Ui {
    private static final Pattern COUNTS = Pattern.compile("(\\d+) packets, (\\d+) displayed");

    private Ui() {
    }

    static <T extends Node> T node(FxRobot robot, String id, Class<T> type) {
        return robot.lookup("#" + id).queryAs(type);
    }

    /** The packet list ({@code #packet-list}); its items are packets, its cells what is shown of them. */
    static TableView<Integer> packetList(FxRobot robot) {
        return robot.lookup("#packet-list").queryTableView();
    }

    /** How many rows the packet list shows. */
    static int rows(FxRobot robot) {
        return packetList(robot).getItems().size();
    }

    /** Runs {@code read} on the FX thread (the list's cells are made there) and returns what it gave. */
    static <T> T fx(Callable<T> read) {
        if (Platform.isFxApplicationThread()) {
            try {
                return read.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            return WaitForAsyncUtils.asyncFx(read).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The text of a table's cell: {@code column} by index (for the packet list a {@link RowFormatter} column). */
    static String cell(TableView<?> table, int row, int column) {
        return fx(() -> {
            Object value = table.getColumns().get(column).getCellData(row);
            return value == null ? "" : value.toString();
        });
    }

    /** The text of a table's cell in the column of that title. */
    static String cell(TableView<?> table, int row, String title) {
        for (TableColumn<?, ?> c : table.getColumns()) {
            if (c.getText().equals(title)) {
                return fx(() -> {
                    Object value = c.getCellData(row);
                    return value == null ? "" : value.toString();
                });
            }
        }
        throw new AssertionError("no column '" + title + "' in " + table.getId());
    }

    /** Every cell of a row. */
    static String[] row(TableView<?> table, int row) {
        String[] out = new String[table.getColumns().size()];
        for (int c = 0; c < out.length; c++) {
            out[c] = cell(table, row, c);
        }
        return out;
    }

    /** The packet list's cell of the focused row. */
    static String selected(FxRobot robot, int column) {
        TableView<Integer> list = packetList(robot);
        int row = list.getSelectionModel().getSelectedIndex();
        if (row < 0) {
            throw new AssertionError("no row selected");
        }
        return cell(list, row, column);
    }

    /** The number (No.) of the focused row, or -1 when none is selected. */
    static long selectedNumber(FxRobot robot) {
        TableView<Integer> list = packetList(robot);
        int row = list.getSelectionModel().getSelectedIndex();
        return row < 0 ? -1 : Long.parseLong(cell(list, row, RowFormatter.NO));
    }

    /** The row of the packet list showing {@code frame} of {@code point} (any point when null), or -1. */
    static int rowOf(FxRobot robot, String point, long frame) {
        TableView<Integer> list = packetList(robot);
        return fx(() -> {
            for (int r = 0; r < list.getItems().size(); r++) {
                if (cell(list, r, RowFormatter.FRAME).equals(Long.toString(frame))
                        && (point == null || cell(list, r, RowFormatter.POINT).equals(point))) {
                    return r;
                }
            }
            return -1;
        });
    }

    /** Selects a row of the packet list (as a click on it does). */
    static void selectRow(FxRobot robot, int row) {
        TableView<Integer> list = packetList(robot);
        robot.interact(() -> {
            list.getSelectionModel().clearAndSelect(row);
            list.scrollTo(Math.max(0, row - 3));
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** The row node of the packet list showing {@code row} (scrolled into view), with its style classes. */
    static TableRow<?> rowNode(FxRobot robot, int row) {
        robot.interact(() -> packetList(robot).scrollTo(row));
        WaitForAsyncUtils.waitForFxEvents();
        return (TableRow<?>) robot.lookup("#packet-list .table-row-cell")
                .match(n -> ((TableRow<?>) n).getIndex() == row).query();
    }

    /** The text a packet-list cell shows on screen (the Time column draws its own, relative to the row above). */
    static String shownText(FxRobot robot, int row, int column) {
        robot.interact(() -> packetList(robot).scrollTo(row));
        WaitForAsyncUtils.waitForFxEvents();
        TableCell<?, ?> cell = robot.lookup("#packet-list .table-cell").match(n -> n instanceof TableCell<?, ?> c
                && c.getIndex() == row && c.getTableColumn() != null
                && PacketListPane.COLUMN_IDS[column].equals(c.getTableColumn().getId())).query();
        return cell.getText();
    }

    /** Go → Go to packet with the keyboard: Ctrl+G, the number or point:frame, Enter. */
    static void goTo(FxRobot robot, String where) {
        robot.interact(() -> packetList(robot).requestFocus());
        robot.push(KeyCode.CONTROL, KeyCode.G);
        WaitForAsyncUtils.waitForFxEvents();
        robot.write(where).type(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Goes to {@code point:frame} and waits until that row is selected (the filter may have been cleared for it). */
    static void goTo(FxRobot robot, String point, long frame) throws Exception {
        goTo(robot, point + ":" + frame);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> packetList(robot).getSelectionModel().getSelectedIndex() >= 0
                && selected(robot, RowFormatter.POINT).equals(point)
                && selected(robot, RowFormatter.FRAME).equals(Long.toString(frame)));
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** The window's tab of that id ({@code packets-tab}, {@code findings-tab}, {@code conversations-tab}...). */
    static Tab tab(FxRobot robot, String id) {
        TabPane tabs = robot.lookup("#tabs").queryAs(TabPane.class);
        return tabs.getTabs().stream().filter(t -> id.equals(t.getId())).findFirst()
                .orElseThrow(() -> new AssertionError("no tab " + id));
    }

    /** Brings a tab to the front. */
    static void selectTab(FxRobot robot, String id) {
        TabPane tabs = robot.lookup("#tabs").queryAs(TabPane.class);
        Tab tab = tab(robot, id);
        robot.interact(() -> tabs.getSelectionModel().select(tab));
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** The id of the tab in front. */
    static String selectedTab(FxRobot robot) {
        return robot.lookup("#tabs").queryAs(TabPane.class).getSelectionModel().getSelectedItem().getId();
    }

    /** A menu's item by their texts ("Capture", "Start capture…"). */
    static MenuItem menuItem(FxRobot robot, String menu, String item) {
        MenuBar bar = robot.lookup(".menu-bar").queryAs(MenuBar.class);
        for (Menu m : bar.getMenus()) {
            if (m.getText().equals(menu)) {
                for (MenuItem i : m.getItems()) {
                    if (item.equals(i.getText())) {
                        return i;
                    }
                }
            }
        }
        throw new AssertionError("no menu item " + menu + " → " + item);
    }

    /** How many packets are loaded, as the status bar says ("127 packets, 14 displayed"). */
    static int packetsLoaded(MainWindow window) {
        Matcher m = COUNTS.matcher(window.statusText());
        if (!m.find()) {
            throw new AssertionError("no packet count in the status bar: " + window.statusText());
        }
        return Integer.parseInt(m.group(1));
    }
}
