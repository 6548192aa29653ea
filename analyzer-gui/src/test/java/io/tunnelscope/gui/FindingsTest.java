package io.tunnelscope.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.report.Evidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
import javafx.scene.control.ListCell;
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
        Session session = window.session();
        FindingsPane pane = window.findings();
        assertNotNull(session.analysis, "the analysis ran after loading");
        assertNotNull(session.correlation, "journeys for the journey view");
        assertFalse(session.correlation.report.journeys().isEmpty());

        List<Finding> findings = List.copyOf(pane.table.getItems());
        List<String> kinds = findings.stream().map(Finding::kind).toList();
        Finding frag = findings.stream().filter(f -> f.kind().equals("FRAG_NEEDED")).findFirst()
                .orElseThrow(() -> new AssertionError("no FRAG_NEEDED in " + kinds));
        assertTrue(frag.summary().contains("next-hop MTU 1450"), frag.summary());
        assertTrue(kinds.contains("MTU_MISMATCH"), kinds.toString());
        for (int k = 1; k < findings.size(); k++) {
            assertTrue(findings.get(k - 1).severity().compareTo(findings.get(k).severity()) >= 0,
                    "most severe first: " + findings);
        }
        // Counts per severity in the tab title and the status bar.
        String counts = pane.countsText();
        assertEquals(findings.stream().filter(f -> f.severity() == Severity.WARNING).count(),
                pane.count(Severity.WARNING));
        assertEquals("Findings (" + counts + ")", pane.tab.getText());
        assertTrue(window.statusText().contains("findings: " + counts), window.statusText());
        // Rows are coloured per severity.
        robot.interact(() -> window.tabs().getSelectionModel().select(pane.tab));
        assertTrue(robot.lookup("#findingsTable .table-row-cell.severity-warning").tryQuery().isPresent());

        // A filter that hides the evidence packet: activating the evidence clears it.
        int shown = MainWindowTest.filter(window, "arp");
        assertTrue(shown < session.store.size());
        robot.interact(() -> {
            window.tabs().getSelectionModel().select(pane.tab);
            pane.table.getSelectionModel().select(frag);
        });
        assertEquals(frag.recommendation(), pane.recommendation.getText());
        // The finding's reasoning: what it rests on, how sure it is, what was checked.
        String explanation = pane.explanation.getText();
        assertTrue(explanation.startsWith("Basis: observed, high confidence\nChecked:\n"), explanation);
        assertTrue(explanation.contains(frag.checked().get(0)), explanation);
        assertFalse(frag.recommendation().isBlank());
        assertEquals(frag.evidence(), pane.evidence.getItems());
        Evidence evidence = frag.evidence().get(0);
        robot.interact(() -> pane.evidence.getSelectionModel().select(0));
        Node cell = robot.lookup("#evidenceList .list-cell").match(n -> ((ListCell<?>) n).getIndex() == 0)
                .query();
        // The evidence names the packet by the list's number.
        int expected = session.store.indexOf(session.store.fileIndex(evidence.file()), evidence.frame());
        assertTrue(((ListCell<?>) cell).getText().startsWith("No. " + session.number(expected) + " "),
                ((ListCell<?>) cell).getText());
        robot.doubleClickOn(cell);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> window.packets().selected() >= 0);
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals(window.packetsTab(), window.tabs().getSelectionModel().getSelectedItem());
        assertEquals("", window.packets().filterField.getText(), "the filter hid the packet: cleared");
        int selected = window.packets().selected();
        assertEquals(expected, selected);
        assertEquals(evidence.frame(), session.store.frame(selected));
        assertEquals(evidence.point(), session.store.point(selected).name());
        assertNotNull(window.details().tree.getRoot(), "its layers are shown");
    }
}
