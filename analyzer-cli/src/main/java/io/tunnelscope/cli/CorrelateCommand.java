package io.tunnelscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tunnelscope.correlate.Correlator;
import io.tunnelscope.escape.Escape;
import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.state.AddressNames;
import java.io.IOException;
import java.io.PrintStream;
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
        CommonOptions.addPlacement(options);
        CommonOptions.addNames(options);
        options.addOption(Option.builder("h").longOpt("help").desc("this help").build());
        return options;
    }

    int run(String[] args) {
        CommandLine line;
        Correlator.Options options = new Correlator.Options();
        List<CaptureInputs.Input> inputs;
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
            CommonOptions.placement(line, options);
            inputs = CaptureInputs.expand(line.getArgList(), inputProblems);
            names = AddressNames.from(CommonOptions.state(line));
        } catch (ParseException | IllegalArgumentException | CaptureInputs.BadInputException e) {
            err.println("tunnelscope correlate: " + Escape.terminal(e.getMessage()));
            return Main.EXIT_INPUT;
        }

        CorrelationReport report;
        try (CaptureInputs.Spool spool = CaptureInputs.Spool.of(inputs, inputProblems)) {
            options.names = spool.names();
            report = Correlator.correlate(spool.files(), options);
        } catch (IOException e) {
            err.println("tunnelscope correlate: " + Escape.terminal(e.getMessage()));
            return Main.EXIT_INPUT;
        }
        inputProblems.forEach(problem -> err.println(Escape.terminal(problem)));
        for (String error : report.errors()) {
            err.println(Escape.terminal(error));
        }
        for (String limit : report.limits()) {
            err.println("note: " + Escape.terminal(limit));
        }
        if (line.hasOption("json")) {
            try {
                ObjectMapper mapper = Escape.jsonMapper().enable(SerializationFeature.INDENT_OUTPUT);
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
        out.println("Hosts (one clock each) and their devices (one hop each)");
        for (CorrelationReport.CaptureHost h : report.hosts()) {
            out.printf(Locale.ROOT, "  %s  (known by %s; clock %s, %s)%n", Escape.terminal(h.name()),
                    source(h.source()), signed(h.clockOffsetNanos()), h.clockBasis());
            for (CorrelationReport.CaptureDevice d : h.devices()) {
                out.printf(Locale.ROOT, "      %-14s %-14s %s%n", Escape.terminal(d.name()), d.role(),
                        Escape.terminal(String.join(", ", d.points())));
            }
        }
        out.println();
        out.println("Capture points");
        for (CorrelationReport.Point p : report.points()) {
            out.printf(Locale.ROOT, "  %-28s %-10s %-14s %-14s %-10s %8d packets  %s%n", Escape.terminal(p.name()),
                    Escape.terminal(p.host()), Escape.terminal(p.device()), p.role(), p.linkType(), p.packets(),
                    Escape.terminal(p.file()));
        }
        out.println();
        out.println("Topology");
        if (report.topology().hosts().isEmpty()) {
            out.println("  (no hosts recognised)");
        }
        for (CorrelationReport.Host h : report.topology().hosts()) {
            out.printf(Locale.ROOT, "  %-10s subnet %-16s overlay %-14s gateway %-14s vtep %-16s mac %-17s %s%n",
                    Escape.terminal(dash(h.host())), dash(h.subnet()), dash(h.overlayAddress()), dash(h.gateway()), dash(h.vtep()),
                    dash(h.vtepMac()), h.backend() == null ? "" : h.backend());
        }
        out.println();
        out.println("Paths (one hop per device, in the order packets crossed them)");
        for (CorrelationReport.Path path : report.paths()) {
            out.printf(Locale.ROOT, "  %6d packets  %s%n", path.packets(), Escape.terminal(route(path.hops())));
            for (int i = 0; i < path.hopLatencyNanos().size(); i++) {
                CorrelationReport.HopLatency hop = path.hopLatencyNanos().get(i);
                CorrelationReport.PathHop from = path.hops().get(i);
                CorrelationReport.PathHop to = path.hops().get(i + 1);
                String step = Escape.terminal(from.host() + " " + from.device() + " -> " + to.host() + " " + to.device());
                StringBuilder line = new StringBuilder();
                if (hop.p50() != null) {
                    line.append("p50 ").append(duration(hop.p50())).append("  p99 ").append(duration(hop.p99()));
                }
                if (hop.uncertainPackets() > 0) {
                    line.append(line.length() > 0 ? "  " : "").append("clock uncertain for ")
                            .append(hop.uncertainPackets()).append(" (times contradict the order by up to ")
                            .append(duration(hop.clockUncertaintyNanos())).append(')');
                }
                out.printf(Locale.ROOT, "                  %-44s %s%n", step, line);
            }
        }
        out.println();
        out.println("NAT");
        if (report.nat().isEmpty()) {
            out.println("  none: every packet kept its addresses and ports");
        }
        for (CorrelationReport.Nat n : report.nat()) {
            out.printf(Locale.ROOT, "  %s %s -> %s between %s and %s: %d packets, %d replies translated back%n",
                    n.kind(), n.original(), n.translated(), Escape.terminal(n.from()), Escape.terminal(n.to()),
                    n.packets(), n.replyPackets());
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
        out.println("Losses (where packets stopped: in the network, or only in a capture)");
        if (report.losses().isEmpty()) {
            out.println("  none: every packet was seen where its path went next");
        }
        for (CorrelationReport.Loss l : report.losses()) {
            String where = l.lastSeen().host().equals(l.firstMissing().host())
                    ? "in " + l.lastSeen().host() + " between " + l.lastSeen().device() + " and " + l.firstMissing().device()
                    : "between " + l.lastSeen() + " and " + l.firstMissing();
            out.printf(Locale.ROOT, "  %-8s %s: %d of %d missing%s%n", l.kind(), Escape.terminal(where), l.missing(),
                    l.sent(), l.reason() == null ? "" : " (" + Escape.terminal(l.reason()) + ")");
        }
        out.println();
        String reference = report.hosts().stream().filter(h -> h.clockBasis().equals("reference"))
                .map(CorrelationReport.CaptureHost::name).findFirst().orElse("the first host");
        out.println("Clock offsets (per host, relative to " + Escape.terminal(reference) + ")");
        for (CorrelationReport.CaptureHost h : report.hosts()) {
            out.printf(Locale.ROOT, "  %-28s %-12s %s%n", Escape.terminal(h.name()), signed(h.clockOffsetNanos()),
                    h.clockBasis());
        }
    }

    /** A path as its hosts and their devices: {@code host1: pod > docker0 | host2: eth0 > pod}. */
    static String route(List<CorrelationReport.PathHop> hops) {
        StringBuilder text = new StringBuilder();
        String host = null;
        for (CorrelationReport.PathHop hop : hops) {
            if (!hop.host().equals(host)) {
                text.append(host == null ? "" : " | ").append(hop.host()).append(": ");
                host = hop.host();
            } else {
                text.append(" > ");
            }
            text.append(hop.device());
        }
        return text.toString();
    }

    /** How a host was recognised, as a reader would say it. */
    static String source(String source) {
        switch (source) {
            case "given": return "--point";
            case "capture": return "the node named in its captures";
            case "directory": return "its directory";
            case "file name": return "the capture file names";
            default: return "its captures' addresses and timing (no name given)";
        }
    }

    private static String signed(long nanos) {
        return (nanos > 0 ? "+" : "") + duration(nanos);
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
