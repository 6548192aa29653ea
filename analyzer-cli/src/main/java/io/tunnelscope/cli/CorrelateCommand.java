package io.tunnelscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tunnelscope.correlate.Correlator;
import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.state.AddressNames;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * {@code tunnelscope correlate}: follows packets across the given captures (one capture point per
 * file, or per interface of an {@code any} or multi-interface capture) and prints the points and
 * their roles, the topology, the paths with hop latencies, the NAT table, tunnels, losses and
 * clock offsets; {@code --json} prints the same as one JSON document.
 */
final class CorrelateCommand {
    private final PrintStream out;
    private final PrintStream err;

    CorrelateCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    private static Options options() {
        Options options = new Options();
        options.addOption(Option.builder().longOpt("json").desc("one JSON document").build());
        options.addOption(Option.builder().longOpt("journeys").desc("include every packet's journey").build());
        CommonOptions.addWindow(options);
        CommonOptions.addDecodeAs(options);
        CommonOptions.addNames(options);
        options.addOption(Option.builder("h").longOpt("help").desc("this help").build());
        return options;
    }

    int run(String[] args) {
        CommandLine line;
        Correlator.Options options = new Correlator.Options();
        List<Path> files;
        List<String> inputProblems = new java.util.ArrayList<>();
        AddressNames names;
        try {
            line = new DefaultParser().parse(options(), args);
            if (line.hasOption("help")) {
                HelpFormatter help = new HelpFormatter();
                java.io.PrintWriter writer = new java.io.PrintWriter(out);
                help.printHelp(writer, 100, "tunnelscope correlate [options] FILE|DIR...",
                        "Follows each packet across capture points and hosts, through encapsulation and NAT.\n\n",
                        options(), 2, 2, "\nExit status: 0 all read, 2 bad usage or an input not fully read.");
                writer.flush();
                return Main.EXIT_OK;
            }
            if (line.getArgList().isEmpty()) {
                throw new IllegalArgumentException("name at least one capture file or directory");
            }
            options.tables = CommonOptions.tables(line);
            options.keepJourneys = line.hasOption("journeys");
            options.windowNanos = CommonOptions.windowNanos(line, options.windowNanos);
            files = CaptureInputs.expand(line.getArgList(), inputProblems);
            names = AddressNames.from(CommonOptions.state(line));
        } catch (ParseException | IllegalArgumentException | CaptureInputs.BadInputException e) {
            err.println("tunnelscope correlate: " + e.getMessage());
            return Main.EXIT_INPUT;
        }

        CorrelationReport report;
        try {
            report = Correlator.correlate(files, options);
        } catch (IOException e) {
            err.println("tunnelscope correlate: " + e.getMessage());
            return Main.EXIT_INPUT;
        }
        inputProblems.forEach(err::println);
        for (String error : report.errors()) {
            err.println(error);
        }
        for (String limit : report.limits()) {
            err.println("note: " + limit);
        }
        if (line.hasOption("json")) {
            try {
                ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                JsonNode tree = mapper.valueToTree(report);
                JsonNames.annotate(tree, names);
                mapper.writeValue(out, tree);
                out.println();
            } catch (IOException e) {
                err.println("tunnelscope correlate: cannot write JSON: " + e.getMessage());
                return Main.EXIT_INPUT;
            }
        } else {
            PrintStream text = AddressText.naming(out, names);
            new CorrelateCommand(text, err).printText(report);
            text.flush();
        }
        out.flush();
        boolean unread = !inputProblems.isEmpty() || !report.errors().isEmpty();
        return unread ? Main.EXIT_INPUT : Main.EXIT_OK;
    }

    void printText(CorrelationReport report) {
        out.println("Capture points");
        for (CorrelationReport.Point p : report.points()) {
            out.printf(Locale.ROOT, "  %-28s %-14s %-10s %8d packets  %s%n", p.name(), p.role(), p.linkType(),
                    p.packets(), p.file());
        }
        out.println();
        out.println("Topology");
        if (report.topology().hosts().isEmpty()) {
            out.println("  (no hosts recognised)");
        }
        for (CorrelationReport.Host h : report.topology().hosts()) {
            out.printf(Locale.ROOT, "  subnet %-16s overlay %-14s gateway %-14s vtep %-16s mac %-17s %s%n",
                    dash(h.subnet()), dash(h.overlayAddress()), dash(h.gateway()), dash(h.vtep()), dash(h.vtepMac()),
                    h.backend() == null ? "" : h.backend());
        }
        out.println();
        out.println("Paths");
        for (CorrelationReport.Path path : report.paths()) {
            out.printf(Locale.ROOT, "  %6d packets  %s%n", path.packets(), String.join(" -> ", path.points()));
            for (CorrelationReport.HopLatency hop : path.hopLatencyNanos()) {
                out.printf(Locale.ROOT, "                  %s -> %s  p50 %s  p99 %s%n", hop.from(), hop.to(),
                        duration(hop.p50()), duration(hop.p99()));
            }
        }
        out.println();
        out.println("NAT");
        if (report.nat().isEmpty()) {
            out.println("  none: every packet kept its addresses and ports");
        }
        for (CorrelationReport.Nat n : report.nat()) {
            out.printf(Locale.ROOT, "  %s %s -> %s between %s and %s: %d packets, %d replies translated back%n",
                    n.kind(), n.original(), n.translated(), n.from(), n.to(), n.packets(), n.replyPackets());
        }
        out.println();
        out.println("Tunnels");
        if (report.tunnels().isEmpty()) {
            out.println("  none");
        }
        for (CorrelationReport.Tunnel t : report.tunnels()) {
            out.printf(Locale.ROOT, "  %s%s %s -> %s port %s: %d packets%n", t.encap(),
                    t.vni() == null ? "" : " vni " + t.vni(), t.outerSrc(), t.outerDst(), t.outerPorts(), t.packets());
            for (CorrelationReport.InnerFlow f : t.innerFlows()) {
                out.printf(Locale.ROOT, "      %s %s > %s: %d%n", f.proto(), f.src(), f.dst(), f.packets());
            }
        }
        out.println();
        out.println("Underlay losses");
        if (report.losses().isEmpty()) {
            out.println("  no pair of underlay captures to compare");
        }
        for (CorrelationReport.Loss l : report.losses()) {
            out.printf(Locale.ROOT, "  %s -> %s: %d sent, %d missing%n", l.from(), l.to(), l.sent(), l.missing());
        }
        out.println();
        out.println("Clock offsets (relative to the first point)");
        for (CorrelationReport.ClockOffset c : report.clockOffsets()) {
            out.printf(Locale.ROOT, "  %-28s %s%n", c.point(), duration(c.offsetNanos()));
        }
    }

    private static String dash(String value) {
        return value == null ? "-" : value;
    }

    static String duration(long nanos) {
        long abs = Math.abs(nanos);
        if (abs < 10_000) {
            return nanos + " ns";
        }
        if (abs < 10_000_000) {
            return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
        }
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
}
