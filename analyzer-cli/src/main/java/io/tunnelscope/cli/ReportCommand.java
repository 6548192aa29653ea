package io.tunnelscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tunnelscope.anomaly.Analyzer;
import io.tunnelscope.anomaly.Rule;
import io.tunnelscope.anomaly.Rules;
import io.tunnelscope.escape.Escape;
import io.tunnelscope.report.AnalysisReport;
import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.report.Evidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.FlowSummary;
import io.tunnelscope.report.Severity;
import io.tunnelscope.state.AddressNames;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code tunnelscope report}: the findings a CI job acts on. Text on the terminal; {@code --json}
 * (a file or {@code -}), {@code --junit} (one test case per rule) and {@code --html} (one
 * self-contained page with charts) for CI. Exit status 0 when clean, 1 when a finding is at or
 * above {@code --fail-on} (default error), 2 on bad usage or an input that could not be fully
 * read.
 */
final class ReportCommand {
    private final PrintStream out;
    private final PrintStream err;

    ReportCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    private static Options options() {
        Options options = new Options();
        options.addOption(Option.builder().longOpt("json").hasArg().argName("FILE|-")
                .desc("write the report as JSON to FILE, or to standard output with -").build());
        options.addOption(Option.builder().longOpt("junit").hasArg().argName("FILE")
                .desc("write JUnit XML: one test case per rule, failing at or above --fail-on").build());
        options.addOption(Option.builder().longOpt("html").hasArg().argName("FILE")
                .desc("write one self-contained HTML page with charts").build());
        options.addOption(Option.builder().longOpt("explain").hasArg().argName("KIND")
                .desc("instead of the text report, explain the findings of one kind: what they rest on, what was "
                        + "checked, the packets, what would make them stronger").build());
        options.addOption(Option.builder().longOpt("fail-on").hasArg().argName("LEVEL")
                .desc("info|warning|error|never: exit 1 when a finding is at or above it (default error)").build());
        CommonOptions.addWindow(options);
        CommonOptions.addDecodeAs(options);
        CommonOptions.addPlacement(options);
        CommonOptions.addNames(options);
        options.addOption(Option.builder().longOpt("no-progress").desc("no progress bar on a terminal").build());
        options.addOption(Option.builder("h").longOpt("help").desc("this help").build());
        return options;
    }

    int run(String[] args) {
        CommandLine line;
        Analyzer.Options options = new Analyzer.Options();
        Severity failOn;
        Rule explain = null;
        List<CaptureInputs.Input> inputs;
        List<String> inputProblems = new java.util.ArrayList<>();
        AddressNames names;
        try {
            line = new DefaultParser().parse(options(), args);
            if (line.hasOption("help")) {
                HelpFormatter help = new HelpFormatter();
                java.io.PrintWriter writer = new java.io.PrintWriter(out);
                help.printHelp(writer, 100, "tunnelscope report [options] FILE|DIR...",
                        "Finds what hurts the overlay (NAT of pod traffic, MTU trouble, offload artefacts, "
                                + "underlay loss...) and reports it for people and CI.\n\n",
                        options(), 2, 2, "\nExit status: 0 clean, 1 findings at or above --fail-on, 2 bad usage "
                                + "or an input not fully read.");
                writer.flush();
                return Main.EXIT_OK;
            }
            if (line.getArgList().isEmpty()) {
                throw new IllegalArgumentException("name at least one capture file or directory");
            }
            if (line.hasOption("explain")) {
                explain = FindingExplanation.rule(Rules.all(), line.getOptionValue("explain"));
                if (explain == null) {
                    List<String> kinds = new ArrayList<>();
                    Rules.all().forEach(r -> kinds.add(r.kind()));
                    throw new IllegalArgumentException("--explain: no finding kind '" + line.getOptionValue("explain")
                            + "'; the kinds are " + String.join(", ", kinds));
                }
            }
            String level = line.getOptionValue("fail-on", "error");
            failOn = level.equalsIgnoreCase("never") ? null : Severity.parse(level);
            options.correlation.tables = CommonOptions.tables(line);
            options.correlation.windowNanos = CommonOptions.windowNanos(line, options.correlation.windowNanos);
            CommonOptions.placement(line, options.correlation);
            inputs = CaptureInputs.expand(line.getArgList(), inputProblems);
            options.state = CommonOptions.state(line);
            names = AddressNames.from(options.state);
        } catch (ParseException | IllegalArgumentException | CaptureInputs.BadInputException e) {
            err.println("tunnelscope report: " + Escape.terminal(e.getMessage()));
            return Main.EXIT_INPUT;
        }

        AnalysisReport report;
        Progress progress = null;
        try (CaptureInputs.Spool spool = CaptureInputs.Spool.of(inputs, inputProblems)) {
            options.correlation.names = spool.names();
            progress = !line.hasOption("no-progress") && System.console() != null
                    ? Progress.forFiles(spool.files(), spool.names(), err) : null;
            options.progress = progress;
            report = Analyzer.analyze(spool.files(), options);
        } catch (IOException e) {
            err.println("tunnelscope report: " + Escape.terminal(e.getMessage()));
            return Main.EXIT_INPUT;
        } catch (RuntimeException e) {
            // A fault of the analysis outside the per-packet guards: no report, and the exit status
            // says the report is incomplete (2), never "findings" (1).
            err.println("tunnelscope report: analysis fault, no report: " + e);
            return Main.EXIT_INPUT;
        } finally {
            if (progress != null) {
                progress.done();
            }
        }
        inputProblems.forEach(problem -> err.println(Escape.terminal(problem)));
        for (String error : report.errors()) {
            err.println(Escape.terminal(error));
        }
        for (String limit : report.limits()) {
            err.println("note: " + Escape.terminal(limit));
        }
        for (String problem : options.state.problems()) {
            err.println("note: state not used: " + Escape.terminal(problem));
        }
        String json = line.getOptionValue("json");
        try {
            if (json != null) {
                writeJson(report, json, names);
            }
            if (line.hasOption("junit")) {
                Files.writeString(Path.of(line.getOptionValue("junit")), JunitReport.render(report, Rules.all(), failOn),
                        StandardCharsets.UTF_8);
            }
            if (line.hasOption("html")) {
                Files.writeString(Path.of(line.getOptionValue("html")), HtmlReport.render(report),
                        StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            err.println("tunnelscope report: cannot write: " + Escape.terminal(e.getMessage()));
            return Main.EXIT_INPUT;
        }
        if (explain != null) {
            PrintStream text = AddressText.naming("-".equals(json) ? err : out, names);
            FindingExplanation.print(report, explain, options.correlation.tables, text);
            text.flush();
        } else if (!"-".equals(json)) {
            PrintStream text = AddressText.naming(out, names);
            new ReportCommand(text, err).printText(report, failOn);
            text.flush();
        }
        out.flush();
        boolean unread = !inputProblems.isEmpty() || !report.errors().isEmpty();
        if (unread) {
            return Main.EXIT_INPUT;
        }
        Severity worst = report.worst();
        return failOn != null && worst != null && worst.compareTo(failOn) >= 0 ? Main.EXIT_FINDINGS : Main.EXIT_OK;
    }

    private void writeJson(AnalysisReport report, String target, AddressNames names) throws IOException {
        ObjectMapper mapper = Escape.jsonMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        JsonNode tree = mapper.valueToTree(report);
        JsonNames.annotate(tree, names);
        if (target.equals("-")) {
            mapper.writeValue((OutputStream) out, tree);
            out.println();
        } else {
            mapper.writeValue(Path.of(target).toFile(), tree);
        }
    }

    private void printText(AnalysisReport report, Severity failOn) {
        long errors = report.findings().stream().filter(f -> f.severity() == Severity.ERROR).count();
        long warnings = report.findings().stream().filter(f -> f.severity() == Severity.WARNING).count();
        long infos = report.findings().size() - errors - warnings;
        long packets = report.captures().stream().mapToLong(CorrelationReport.Point::packets).sum();
        long devices = report.hosts().stream().mapToLong(h -> h.devices().size()).sum();
        out.printf(Locale.ROOT, "Tunnelscope report: %d hosts, %d devices, %d capture points, %d packets; %d errors, "
                + "%d warnings, %d notes%n%n", report.hosts().size(), devices, report.captures().size(), packets, errors,
                warnings, infos);

        out.println("Hosts and devices");
        for (CorrelationReport.CaptureHost h : report.hosts()) {
            out.printf(Locale.ROOT, "  %s  (known by %s; clock %s, %s)%n", Escape.terminal(h.name()),
                    CorrelateCommand.source(h.source()), CorrelateCommand.duration(h.clockOffsetNanos()), h.clockBasis());
            for (CorrelationReport.CaptureDevice d : h.devices()) {
                out.printf(Locale.ROOT, "      %-14s %-14s %s%n", Escape.terminal(d.name()), d.role(),
                        Escape.terminal(String.join(", ", d.points())));
            }
        }
        out.println();
        out.println("Topology");
        if (report.topology().hosts().isEmpty()) {
            out.println("  (no hosts recognised)");
        }
        for (CorrelationReport.Host h : report.topology().hosts()) {
            out.printf(Locale.ROOT, "  %-10s subnet %-16s overlay %-14s gateway %-14s vtep %-16s mac %s%n",
                    Escape.terminal(dash(h.host())), dash(h.subnet()), dash(h.overlayAddress()), dash(h.gateway()),
                    dash(h.vtep()), dash(h.vtepMac()));
        }
        out.println();
        out.println("Tunnels");
        if (report.tunnels().isEmpty()) {
            out.println("  none");
        }
        for (CorrelationReport.Tunnel t : report.tunnels()) {
            out.printf(Locale.ROOT, "  %s%s %s -> %s: %d packets, %d inner flows%n", t.encap(),
                    t.vni() == null ? "" : " vni " + t.vni(), t.outerSrc(), t.outerDst(), t.packets(), t.innerFlows().size());
        }
        out.println();
        out.println("Top flows");
        for (FlowSummary f : report.flows()) {
            out.printf(Locale.ROOT, "  %-6s %-24s > %-24s %7d packets %10d bytes %s%n", f.protocol(), f.source(),
                    f.destination(), f.packets(), f.bytes(), f.tunnels().isEmpty() ? "" : "via " + f.tunnels().get(0));
        }
        out.println();
        out.println("Paths");
        for (CorrelationReport.Path path : report.paths()) {
            if (path.hops().size() < 2) {
                continue;
            }
            out.printf(Locale.ROOT, "  %6d packets  %s%n", path.packets(),
                    Escape.terminal(CorrelateCommand.route(path.hops())));
        }
        out.println();
        out.println("NAT");
        if (report.nat().isEmpty()) {
            out.println("  none");
        }
        for (CorrelationReport.Nat n : report.nat()) {
            out.printf(Locale.ROOT, "  %s %s -> %s between %s and %s: %d packets, %d replies%n", n.kind(), n.original(),
                    n.translated(), Escape.terminal(n.from()), Escape.terminal(n.to()), n.packets(),
                    n.replyPackets());
        }
        out.println();
        out.println("Findings" + (failOn == null ? "" : " (failing at " + failOn.jsonName() + ")"));
        if (report.findings().isEmpty()) {
            out.println("  none: nothing wrong found");
        }
        for (Finding f : report.findings()) {
            out.printf(Locale.ROOT, "  %-7s %s: %s%n", f.severity().jsonName().toUpperCase(Locale.ROOT), f.kind(),
                    Escape.terminal(f.summary()));
            out.println("          basis: " + f.basis().jsonName() + ", " + f.confidence().jsonName() + " confidence");
            for (String item : f.checked()) {
                out.println("          checked: " + Escape.terminal(item));
            }
            List<String> evidence = new ArrayList<>();
            for (Evidence e : f.evidence()) {
                int more = e.sightings() == null ? 0 : e.sightings().size() - 1;
                evidence.add(e + (more > 0 ? " (+" + more + " sighting" + (more == 1 ? "" : "s") + ")" : ""));
            }
            if (!evidence.isEmpty()) {
                out.println("          evidence: " + Escape.terminal(String.join(", ", evidence)));
            }
            if (f.state() != null) {
                for (String quote : f.state().quotes()) {
                    out.println("          state: " + Escape.terminal(quote));
                }
            }
            for (String item : f.strongerWith()) {
                out.println("          stronger with: " + Escape.terminal(item));
            }
            out.println("          fix: " + Escape.terminal(f.recommendation()));
        }
    }

    private static String dash(String value) {
        return value == null ? "-" : value;
    }

    /** The rules, for --junit. */
    static List<Rule> rules() {
        return Rules.all();
    }
}
