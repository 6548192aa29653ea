package io.tunnelscope.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.report.Evidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.TreeView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The Findings tab on the MTU-trouble scenario: findings by severity, evidence linked to the packet list. */
@ExtendWith(ApplicationExtension.class)
class FindingsTest {
    private MainWindow window;

    @Start
    void start(Stage stage) {
        window = new MainWindow(stage, 1280, 800);
        stage.show();
    }

    @Test
    void findingsListedBySeverityAndEvidenceSelectsThePacket(FxRobot robot) throws Exception {
        MainWindowTest.open(window, MainWindowTest.samples("mtu-trouble"));
        assertTrue(window.statusText().contains("findings: "), "the analysis ran after loading: " + window.statusText());
        assertNotNull(window.correlation(), "journeys for the journey view");
        assertFalse(window.correlation().report().journeys().isEmpty());

        Ui.selectTab(robot, "findings-tab");
        TableView<Finding> table = Ui.node(robot, "findings-table", TableView.class);
        List<Finding> findings = List.copyOf(table.getItems());
        List<String> kinds = findings.stream().map(Finding::kind).toList();
        Finding frag = findings.stream().filter(f -> f.kind().equals("FRAG_NEEDED")).findFirst()
                .orElseThrow(() -> new AssertionError("no FRAG_NEEDED in " + kinds));
        assertTrue(frag.summary().contains("next-hop MTU 1450"), frag.summary());
        assertTrue(kinds.contains("MTU_MISMATCH"), kinds.toString());
        for (int k = 1; k < findings.size(); k++) {
            assertTrue(findings.get(k - 1).severity().compareTo(findings.get(k).severity()) >= 0,
                    "most severe first: " + findings);
            assertEquals(findings.get(k).kind(), Ui.cell(table, k, "Kind"), "row " + k);
        }
        // Counts per severity in the tab title and the status bar.
        List<String> parts = new ArrayList<>();
        for (Severity severity : List.of(Severity.ERROR, Severity.WARNING, Severity.INFO)) {
            long n = findings.stream().filter(f -> f.severity() == severity).count();
            if (n > 0) {
                parts.add(n + " " + (severity == Severity.INFO || n == 1 ? severity.jsonName() : severity.jsonName() + "s"));
            }
        }
        assertTrue(findings.stream().anyMatch(f -> f.severity() == Severity.WARNING), "warnings among " + kinds);
        String counts = String.join(", ", parts);
        assertEquals("Findings (" + counts + ")", Ui.tab(robot, "findings-tab").getText());
        assertTrue(window.statusText().contains("findings: " + counts), window.statusText());
        // Rows are coloured per severity.
        assertTrue(robot.lookup("#findings-table .table-row-cell.severity-warning").tryQuery().isPresent());

        // A filter that hides the evidence packet: activating the evidence clears it.
        int shown = MainWindowTest.filter(window, "arp");
        assertTrue(shown < Ui.packetsLoaded(window));
        Ui.selectTab(robot, "findings-tab");
        robot.interact(() -> table.getSelectionModel().select(frag));
        assertEquals(frag.recommendation(), Ui.node(robot, "finding-recommendation", Label.class).getText());
        // The finding's reasoning: what it rests on, how sure it is, what was checked.
        String explanation = Ui.node(robot, "finding-explanation", Label.class).getText();
        assertTrue(explanation.startsWith("Basis: observed, high confidence\nChecked:\n"), explanation);
        assertTrue(explanation.contains(frag.checked().get(0)), explanation);
        assertFalse(frag.recommendation().isBlank());
        ListView<Evidence> evidenceList = Ui.node(robot, "evidence-list", ListView.class);
        assertEquals(frag.evidence(), evidenceList.getItems());
        Evidence evidence = frag.evidence().get(0);
        robot.interact(() -> evidenceList.getSelectionModel().select(0));
        Node cell = robot.lookup("#evidence-list .list-cell").match(n -> ((ListCell<?>) n).getIndex() == 0)
                .query();
        String named = ((ListCell<?>) cell).getText();
        robot.doubleClickOn(cell);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> Ui.selectedNumber(robot) >= 0);
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals("packets-tab", Ui.selectedTab(robot));
        assertEquals("", Ui.node(robot, "display-filter", TextField.class).getText(), "the filter hid the packet: cleared");
        assertEquals(Long.toString(evidence.frame()), Ui.selected(robot, RowFormatter.FRAME));
        assertEquals(evidence.point(), Ui.selected(robot, RowFormatter.POINT));
        // The evidence named the packet by the list's number.
        assertTrue(named.startsWith("No. " + Ui.selectedNumber(robot) + " "), named);
        assertNotNull(Ui.node(robot, "packet-details", TreeView.class).getRoot(), "its layers are shown");
    }
}
