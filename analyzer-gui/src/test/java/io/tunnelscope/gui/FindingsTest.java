package io.tunnelscope.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.report.Evidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
        CompletableFuture<Void> done = WaitForAsyncUtils.asyncFx(
                () -> window.open(List.of(MainWindowTest.samples("mtu-trouble")))).get(30, TimeUnit.SECONDS);
        done.get(90, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertNotNull(window.analysis, "the analysis ran after loading");
        assertNotNull(window.correlation, "journeys for the journey view");
        assertFalse(window.correlation.report.journeys().isEmpty());

        List<Finding> findings = List.copyOf(window.findings.table.getItems());
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
        String counts = window.findings.countsText();
        assertEquals(findings.stream().filter(f -> f.severity() == Severity.WARNING).count(),
                window.findings.count(Severity.WARNING));
        assertEquals("Findings (" + counts + ")", window.findings.tab.getText());
        assertTrue(window.status.getText().contains("findings: " + counts), window.status.getText());
        // Rows are coloured per severity.
        robot.interact(() -> window.tabs.getSelectionModel().select(window.findings.tab));
        assertTrue(robot.lookup("#findingsTable .table-row-cell.severity-warning").tryQuery().isPresent());

        // A filter that hides the evidence packet: activating the evidence clears it.
        int shown = WaitForAsyncUtils.asyncFx(() -> window.applyFilter("arp")).get(10, TimeUnit.SECONDS)
                .get(60, TimeUnit.SECONDS);
        assertTrue(shown < window.store.size());
        robot.interact(() -> {
            window.tabs.getSelectionModel().select(window.findings.tab);
            window.findings.table.getSelectionModel().select(frag);
        });
        assertEquals(frag.recommendation(), window.findings.recommendation.getText());
        // The finding's reasoning: what it rests on, how sure it is, what was checked.
        String explanation = window.findings.explanation.getText();
        assertTrue(explanation.startsWith("Basis: observed, high confidence\nChecked:\n"), explanation);
        assertTrue(explanation.contains(frag.checked().get(0)), explanation);
        assertFalse(frag.recommendation().isBlank());
        assertEquals(frag.evidence(), window.findings.evidence.getItems());
        Evidence evidence = frag.evidence().get(0);
        robot.interact(() -> window.findings.evidence.getSelectionModel().select(0));
        Node cell = robot.lookup("#evidenceList .list-cell").match(n -> ((ListCell<?>) n).getIndex() == 0)
                .query();
        robot.doubleClickOn(cell);
        WaitForAsyncUtils.waitForFxEvents();

        assertEquals(window.packetsTab, window.tabs.getSelectionModel().getSelectedItem());
        assertEquals("", window.filterField.getText(), "the filter hid the packet: cleared");
        Integer selected = window.table.getSelectionModel().getSelectedItem();
        assertNotNull(selected, "a packet is selected");
        assertEquals(evidence.frame(), window.store.frame(selected));
        assertEquals(evidence.file(), window.store.files.get(window.store.point(selected).file()).toString());
        assertEquals(window.fileIndex(evidence.file()), window.store.point(selected).file());
        assertEquals(evidence.point(), window.store.point(selected).name());
        assertNotNull(window.tree.getRoot(), "its layers are shown");
    }
}
