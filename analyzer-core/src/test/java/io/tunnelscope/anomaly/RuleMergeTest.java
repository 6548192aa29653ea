package io.tunnelscope.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.correlate.Correlator;
import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.report.Finding;
import io.tunnelscope.testing.RecordedSamples;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule's state, gathered by one instance per capture file and merged, gives the findings
 * one instance that saw every packet in the merged order gives: on every recorded scenario, with
 * the instances merged first file first and last file first. The outer fragmentation rule is also
 * split by fragment (first fragments to one instance, later ones to another), so later fragments
 * meet their first fragment only when merged.
 */
class RuleMergeTest {
    static IntStream rules() {
        return IntStream.range(0, Rules.all().size());
    }



    @ParameterizedTest
    @MethodSource("rules")
    void perFileInstancesMergeIntoTheSingleInstance(int rule) throws IOException {
        int scenariosWithFindings = 0;
        for (Path scenario : RecordedSamples.scenarios()) {
            List<Path> files = RecordedSamples.captures(scenario);
            Split split = split(files, rule, null);
            List<Finding> single = split.findings(split.single);
            assertEquals(single, split.findings(split.merged(false)), scenario + " " + split.single.kind());
            Split again = split(files, rule, null);
            assertEquals(single, again.findings(again.merged(true)), scenario + " " + split.single.kind()
                    + ", last file merged first");
            scenariosWithFindings += single.isEmpty() ? 0 : 1;
        }
        String kind = Rules.all().get(rule).kind();
        // the state rules see no packet: the samples carry no node state, so they find nothing
        if (!kind.equals("DNAT") && !kind.equals("MSS_MISMATCH") && !(Rules.all().get(rule) instanceof StateRule)) {
            assertTrue(scenariosWithFindings > 0, kind + " found nothing to merge in any scenario");
        }
    }

    @ParameterizedTest
    @MethodSource("io.tunnelscope.testing.RecordedSamples#scenarios")
    void laterFragmentsMeetTheirFirstFragmentWhenMerged(Path scenario) throws IOException {
        int rule = Rules.all().stream().map(Rule::kind).toList().indexOf("OUTER_FRAGMENTATION");
        Split split = split(RecordedSamples.captures(scenario), rule, packet -> {
            var view = packet.view();
            int outer = view.outerIpLayer();
            return outer >= 0 && view.encapsulationCount() > 0 ? 0 : 1;
        });
        List<Finding> single = split.findings(split.single);
        assertEquals(single, split.findings(split.merged(false)), scenario.toString());
        if (scenario.getFileName().toString().equals("mtu-trouble")) {
            assertFalse(single.isEmpty());
        }
    }

    /** Sorts packets to instances: by file when {@code part} is null. */
    private interface Part {
        int of(PacketContext packet);
    }

    /** One instance of a rule that saw every packet, and the instances that saw a part each. */
    private record Split(Rule single, List<Rule> parts, SizeFacts sizes, CorrelationReport correlation) {
        /** Merges the parts (into one of them: call once). */
        Rule merged(boolean lastFirst) {
            List<Rule> order = new ArrayList<>(parts);
            if (lastFirst) {
                java.util.Collections.reverse(order);
            }
            Rule merged = null;
            for (Rule part : order) {
                if (merged == null) {
                    merged = part;
                } else {
                    merged.mergeFrom(part);
                }
            }
            return merged;
        }

        List<Finding> findings(Rule rule) {
            List<Finding> findings = new ArrayList<>();
            rule.finish(new AnalysisContext(correlation, sizes), findings);
            return findings;
        }
    }

    /**
     * Runs the correlation once; its listener shows each packet (in merged order) to the single
     * instance and to the instance of its part, with the order the part would have known.
     */
    private static Split split(List<Path> files, int rule, Part part) throws IOException {
        Rule single = Rules.all().get(rule);
        int count = part == null ? files.size() : 2;
        List<Rule> parts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            parts.add(Rules.all().get(rule));
        }
        SizeFacts sizes = new SizeFacts();
        Map<String, Integer> fileIndex = new HashMap<>();
        for (int i = 0; i < files.size(); i++) {
            fileIndex.put(files.get(i).toString(), i);
        }
        long[] perPart = new long[count];
        long[] seen = new long[1];
        PacketContext context = new PacketContext();
        Correlator.Options options = new Correlator.Options();
        options.readAhead = false;
        options.listener = (point, file, record, stack, view) -> {
            context.set(point, file, record, stack, view);
            context.release = seen[0]++;
            context.position = 0;
            sizes.packet(context);
            single.packet(context);
            int index = part == null ? fileIndex.get(file) : part.of(context);
            context.position = PacketOrder.position(index, perPart[index]++);
            parts.get(index).packet(context);
        };
        CorrelationReport correlation = Correlator.correlate(files, options);
        return new Split(single, parts, sizes, correlation);
    }
}
