package io.tunnelscope.cli;

import io.tunnelscope.anomaly.Rule;
import io.tunnelscope.escape.Escape;
import io.tunnelscope.report.AnalysisReport;
import io.tunnelscope.report.Evidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * JUnit XML for CI: one test suite, one test case per rule. A case fails when its rule found
 * something at or above the threshold (every finding of the rule is listed in the failure);
 * findings below it go to the case's system-out, so CI shows them without failing.
 */
final class JunitReport {
    private JunitReport() {
    }

    static String render(AnalysisReport report, List<Rule> rules, Severity failOn) {
        StringBuilder cases = new StringBuilder();
        int failures = 0;
        for (Rule rule : rules) {
            List<Finding> failing = new ArrayList<>();
            List<Finding> passing = new ArrayList<>();
            for (Finding finding : report.findings()) {
                if (finding.kind().equals(rule.kind())) {
                    (failOn != null && finding.severity().compareTo(failOn) >= 0 ? failing : passing).add(finding);
                }
            }
            cases.append("    <testcase classname=\"tunnelscope.rules\" name=\"").append(Escape.xml(rule.kind()))
                    .append(": ").append(Escape.xml(rule.description())).append("\">\n");
            if (!failing.isEmpty()) {
                failures++;
                cases.append("      <failure type=\"").append(Escape.xml(failing.get(0).severity().jsonName()))
                        .append("\" message=\"").append(Escape.xml(failing.get(0).summary())).append("\">")
                        .append(Escape.xml(describe(failing))).append("</failure>\n");
            }
            if (!passing.isEmpty()) {
                cases.append("      <system-out>").append(Escape.xml(describe(passing))).append("</system-out>\n");
            }
            cases.append("    </testcase>\n");
        }
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.append(String.format(Locale.ROOT, "<testsuites tests=\"%d\" failures=\"%d\">%n", rules.size(), failures));
        xml.append(String.format(Locale.ROOT, "  <testsuite name=\"tunnelscope\" tests=\"%d\" failures=\"%d\" "
                + "errors=\"%d\" skipped=\"0\">%n", rules.size(), failures, report.errors().isEmpty() ? 0 : 1));
        if (!report.errors().isEmpty()) {
            xml.append("    <system-err>").append(Escape.xml(String.join("\n", report.errors()))).append("</system-err>\n");
        }
        if (!report.limits().isEmpty()) {
            xml.append("    <system-out>").append(Escape.xml(String.join("\n", report.limits()))).append("</system-out>\n");
        }
        xml.append(cases);
        xml.append("  </testsuite>\n</testsuites>\n");
        return xml.toString();
    }

    private static String describe(List<Finding> findings) {
        StringBuilder text = new StringBuilder();
        for (Finding f : findings) {
            text.append(f.severity().jsonName().toUpperCase(Locale.ROOT)).append(' ').append(f.kind()).append(": ")
                    .append(f.summary()).append('\n');
            text.append("  basis: ").append(f.basis().jsonName()).append(", ").append(f.confidence().jsonName())
                    .append(" confidence\n");
            for (String item : f.checked()) {
                text.append("  checked: ").append(item).append('\n');
            }
            if (!f.evidence().isEmpty()) {
                List<String> evidence = new ArrayList<>();
                for (Evidence e : f.evidence()) {
                    evidence.add(e.file() + " frame " + e.frame());
                }
                text.append("  evidence: ").append(String.join(", ", evidence)).append('\n');
            }
            if (f.state() != null) {
                for (String quote : f.state().quotes()) {
                    text.append("  state: ").append(quote).append('\n');
                }
            }
            for (String item : f.strongerWith()) {
                text.append("  stronger with: ").append(item).append('\n');
            }
            text.append("  fix: ").append(f.recommendation()).append('\n');
        }
        return text.toString();
    }
}
