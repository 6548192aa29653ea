package io.tunnelscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.testing.RecordedSamples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AOT cache's training run finds the sample scenarios and says when a command could not read them. */
class AotTrainingRunTest {
    @Test
    void findsEveryScenarioUnderTheSamplesAndDirectoriesOfCaptures() throws IOException {
        List<Path> scenarios = RecordedSamples.scenarios();
        Path samples = scenarios.get(0).getParent();
        assertEquals(scenarios, AotTrainingRun.scenarios(List.of(samples)));
        assertEquals(List.of(scenarios.get(0)), AotTrainingRun.scenarios(List.of(scenarios.get(0))));
    }

    @Test
    void trainsOnAScenarioAndFailsOnABrokenOne(@TempDir Path dir) throws IOException {
        assertTrue(AotTrainingRun.train(List.of(RecordedSamples.scenarios().get(0)), 1));
        Files.writeString(dir.resolve("broken.pcap"), "not a capture");
        assertFalse(AotTrainingRun.train(List.of(dir), 1));
    }
}
