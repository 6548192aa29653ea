package io.tunnelscope.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.tunnelscope.testing.RecordedSamples;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Per-file listeners see every packet of their file, in file order, with the names the merged
 * listener sees; sorted by (release, file, order in the file) the packets of all files come in
 * exactly the order the merged listener saw them, whether the files are read ahead or inline.
 */
class FileListenerTest {
    /** One packet as a listener saw it. */
    private record Seen(String point, String file, long frame, long release, int fileIndex, long index) {
        String what() {
            return point + " " + file + " " + frame;
        }
    }



    @Test
    void releaseOrderIsTheMergedOrder() throws IOException {
        List<Path> scenarios = RecordedSamples.scenarios();
        assertFalse(scenarios.isEmpty());
        for (Path scenario : scenarios) {
            List<Path> files = RecordedSamples.captures(scenario);
            List<String> merged = new ArrayList<>();
            Correlator.Options options = new Correlator.Options();
            options.readAhead = false;
            options.listener = (point, file, record, stack, view) ->
                    merged.add(point + " " + file + " " + record.frameNumber());
            Correlator.correlate(files, options);
            for (boolean readAhead : new boolean[] {true, false}) {
                assertEquals(merged, perFile(files, readAhead), scenario + (readAhead ? " read ahead" : " inline"));
            }
        }
    }

    private static List<String> perFile(List<Path> files, boolean readAhead) throws IOException {
        List<List<Seen>> seen = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            seen.add(new ArrayList<>());
        }
        Correlator.Options options = new Correlator.Options();
        options.readAhead = readAhead;
        options.fileListeners = (index, path) -> {
            List<Seen> mine = seen.get(index);
            return (point, file, release, record, stack, view) ->
                    mine.add(new Seen(point, file, record.frameNumber(), release, index, mine.size()));
        };
        Correlator.correlate(files, options);
        List<Seen> all = new ArrayList<>();
        seen.forEach(all::addAll);
        all.sort(Comparator.comparingLong(Seen::release).thenComparingInt(Seen::fileIndex)
                .thenComparingLong(Seen::index));
        return all.stream().map(Seen::what).toList();
    }
}
