package io.tunnelscope.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.testing.RecordedSamples;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading every file on its own thread gives exactly what reading inline gives. */
class ReadAheadTest {


    @Test
    void parallelAndSequentialReadsGiveTheSameReport() throws IOException {
        List<Path> scenarios = RecordedSamples.scenarios();
        assertFalse(scenarios.isEmpty());
        for (Path scenario : scenarios) {
            List<Path> files = RecordedSamples.captures(scenario);
            CorrelationReport sequential = correlate(files, false);
            CorrelationReport parallel = correlate(files, true);
            assertEquals(sequential, parallel, scenario.toString());
        }
    }

    private static CorrelationReport correlate(List<Path> files, boolean readAhead) throws IOException {
        Correlator.Options options = new Correlator.Options();
        options.readAhead = readAhead;
        options.keepJourneys = true;
        return Correlator.correlate(files, options);
    }
}
