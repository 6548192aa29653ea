package io.tunnelscope.cli;

import io.tunnelscope.anomaly.Rule;
import io.tunnelscope.capture.CaptureReader;
import io.tunnelscope.capture.CaptureReaders;
import io.tunnelscope.capture.PacketRecord;
import io.tunnelscope.decode.DecodeTables;
import io.tunnelscope.decode.PacketDecoder;
import io.tunnelscope.decode.PacketLineFormatter;
import io.tunnelscope.escape.Escape;
import io.tunnelscope.report.AnalysisReport;
import io.tunnelscope.report.Evidence;
import io.tunnelscope.report.Finding;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report --explain KIND}: for each finding of one kind, the reasoning behind it — what it
 * rests on and how sure it is, what was looked for and what the captures showed, the evidence
 * packets decoded again from their files (one line each, as {@code decode} prints them), what
 * would have made it stronger, and the fix.
 */
final class FindingExplanation {
    private static final Map<String, String> BASIS = Map.of(
            "observed", "the packets at a capture point show it directly",
            "inferred", "it follows from correlating capture points, or from what the captures did not show",
            "confirmed", "the state of the nodes matches it");
    private static final Map<String, String> CONFIDENCE = Map.of(
            "high", "the captures could have shown the opposite and did not",
            "medium", "part of what could show the opposite was not in the captures",
            "low", "these captures could not have shown the opposite");

    private FindingExplanation() {
    }

    /** The rule of {@code kind} (any case), or null. */
    static Rule rule(List<Rule> rules, String kind) {
        for (Rule rule : rules) {
            if (rule.kind().equalsIgnoreCase(kind)) {
                return rule;
            }
        }
        return null;
    }

    /** Prints the explanation of every finding of {@code rule}'s kind. */
    static void print(AnalysisReport report, Rule rule, DecodeTables tables, PrintStream out) {
        List<Finding> findings = new ArrayList<>();
        for (Finding f : report.findings()) {
            if (f.kind().equals(rule.kind())) {
                findings.add(f);
            }
        }
        out.println(rule.kind() + ": checks that " + rule.description() + ".");
        if (findings.isEmpty()) {
            out.println();
            out.println("No " + rule.kind() + " finding in these captures.");
            return;
        }
        Map<Evidence, String> lines = decode(findings, tables);
        for (Finding f : findings) {
            out.println();
            out.println(f.severity().jsonName().toUpperCase(Locale.ROOT) + ": " + Escape.terminal(f.summary()));
            out.println("Basis: " + f.basis().jsonName() + " (" + BASIS.get(f.basis().jsonName()) + ").");
            out.println("Confidence: " + f.confidence().jsonName() + " (" + CONFIDENCE.get(f.confidence().jsonName())
                    + ").");
            if (!f.checked().isEmpty()) {
                out.println("What was checked:");
                for (String item : f.checked()) {
                    out.println("  - " + Escape.terminal(item));
                }
            }
            out.println("The packets (" + f.count() + " in all; a sample):");
            if (f.evidence().isEmpty()) {
                out.println("  none kept");
            }
            for (Evidence e : f.evidence()) {
                out.println("  " + Escape.terminal(e.point()) + " frame " + e.frame() + ": "
                        + Escape.terminal(lines.getOrDefault(e, "not found in " + e.file())));
            }
            out.println("Stronger with:");
            if (f.strongerWith().isEmpty()) {
                out.println("  nothing these captures lack");
            }
            for (String item : f.strongerWith()) {
                out.println("  - " + Escape.terminal(item));
            }
            out.println("Fix: " + Escape.terminal(f.recommendation()));
        }
    }

    /** Each evidence packet decoded again from its file, as one line; files are read once each. */
    private static Map<Evidence, String> decode(List<Finding> findings, DecodeTables tables) {
        Map<String, Map<Long, List<Evidence>>> byFile = new LinkedHashMap<>();
        for (Finding f : findings) {
            for (Evidence e : f.evidence()) {
                byFile.computeIfAbsent(e.file(), k -> new HashMap<>()).computeIfAbsent(e.frame(), k -> new ArrayList<>())
                        .add(e);
            }
        }
        Map<Evidence, String> lines = new HashMap<>();
        PacketDecoder decoder = new PacketDecoder(tables);
        PacketLineFormatter formatter = new PacketLineFormatter(ZoneId.systemDefault(), false);
        PacketRecord record = new PacketRecord();
        StringBuilder line = new StringBuilder();
        for (Map.Entry<String, Map<Long, List<Evidence>>> file : byFile.entrySet()) {
            Map<Long, List<Evidence>> wanted = file.getValue();
            int left = wanted.size();
            try (CaptureReader reader = CaptureReaders.open(Path.of(file.getKey()))) {
                while (left > 0 && reader.next(record)) {
                    List<Evidence> those = wanted.get(record.frameNumber());
                    if (those == null) {
                        continue;
                    }
                    line.setLength(0);
                    formatter.format(record.timestampNanos(), decoder.decode(record), line);
                    for (Evidence e : those) {
                        lines.put(e, line.toString());
                    }
                    left--;
                }
            } catch (IOException e) {
                String problem = "not read again: " + e.getMessage();
                for (List<Evidence> those : wanted.values()) {
                    for (Evidence ev : those) {
                        lines.putIfAbsent(ev, problem);
                    }
                }
            }
        }
        return lines;
    }
}
