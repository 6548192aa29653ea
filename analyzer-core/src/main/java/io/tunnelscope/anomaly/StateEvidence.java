package io.tunnelscope.anomaly;

import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.StateCheck;
import io.tunnelscope.state.ClusterState;
import io.tunnelscope.state.NodeState;
import io.tunnelscope.state.RuleMatch;
import io.tunnelscope.state.StateChecks;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The post-pass that asks the recorded node state about each finding the rules made from packets,
 * once every rule has finished, and says the answer on the finding ({@link Finding#state()}):
 * {@code SNAT} quotes the NAT rule that masquerades the packet on the node that sent it (or says
 * that none does), MTU findings quote the configured MTUs of the devices on the nodes involved,
 * {@code UNKNOWN_VTEP} quotes the FDB, neighbour and route entries still pointing at the address,
 * {@code OFFLOAD_ARTIFACT} quotes {@code ethtool -k}. Findings the state cannot speak to say so.
 * Nothing happens without state.
 */
final class StateEvidence {
    private static final Set<String> MTU_KINDS = Set.of("MTU_MISMATCH", "FRAG_NEEDED", "INNER_FRAGMENTATION",
            "OUTER_FRAGMENTATION", "OVERSIZE_FOR_OVERLAY", "PMTU_BLACKHOLE", "MSS_MISMATCH");

    private StateEvidence() {
    }

    /** Replaces each finding without a state check by itself with one (findings of state rules keep theirs). */
    static void annotate(AnalysisContext context, List<Finding> findings) {
        StateChecks checks = context.state();
        if (checks == null) {
            return;
        }
        for (int i = 0; i < findings.size(); i++) {
            Finding f = findings.get(i);
            if (f.state() != null) {
                continue;
            }
            StateCheck check;
            if (f.kind().equals("SNAT")) {
                check = snat(context, checks, f);
            } else if (MTU_KINDS.contains(f.kind())) {
                check = mtu(checks, f);
            } else if (f.kind().equals("UNKNOWN_VTEP")) {
                check = vtep(context, checks, f);
            } else if (f.kind().equals("OFFLOAD_ARTIFACT")) {
                check = offload(checks, f);
            } else {
                check = new StateCheck(StateCheck.PACKETS, "Inferred from the packets; the recorded node state has "
                        + "nothing that bears on it.", List.of());
            }
            findings.set(i, f.withState(check));
        }
    }

    /** The SNAT translations of the correlation that the finding covers (same points, its addresses named). */
    private static List<CorrelationReport.Nat> natEntries(AnalysisContext context, Finding f, String kind) {
        List<CorrelationReport.Nat> out = new ArrayList<>();
        for (CorrelationReport.Nat nat : context.correlation().nat()) {
            if (nat.kind().equals(kind) && f.points().contains(nat.from()) && f.points().contains(nat.to())
                    && mentions(f.summary(), NatRule.bare(nat.original()))
                    && mentions(f.summary(), NatRule.bare(nat.translated()))) {
                out.add(nat);
            }
        }
        return out;
    }

    private static boolean mentions(String text, String address) {
        return Pattern.compile("(?<![0-9.:a-fA-F])" + Pattern.quote(address) + "(?![0-9a-fA-F]|\\.[0-9])")
                .matcher(text).find();
    }

    private static StateCheck snat(AnalysisContext context, StateChecks checks, Finding f) {
        List<String> quotes = new ArrayList<>();
        List<String> confirmed = new ArrayList<>();
        List<String> unconfirmed = new ArrayList<>();
        for (CorrelationReport.Nat nat : natEntries(context, f, "SNAT")) {
            String source = NatRule.bare(nat.original());
            String translated = NatRule.bare(nat.translated());
            for (String peer : nat.peers()) {
                // the node that sent the packet out rewrote it: the point before the rewrite is on it
                StateChecks.NatCheck check = checks.snat(checks.state().nodeOfPoint(nat.from()) != null ? nat.from()
                        : nat.to(), source, NatRule.bare(peer), translated);
                if (check == null) {
                    continue;
                }
                String node = check.node().name();
                RuleMatch rule = check.snatRule();
                String what = source + " -> " + NatRule.bare(peer) + " out " + check.packet().outDevice();
                if (rule != null) {
                    boolean addressFits = !rule.verdict().equals("MASQUERADE") || translated.equals(check.outAddress());
                    for (String jump : rule.path()) {
                        quote(quotes, node + " " + rule.file() + ": " + jump);
                    }
                    quote(quotes, node + " " + rule.file() + ": " + rule.rule());
                    if (addressFits) {
                        confirmed.add(what + " matches " + rule.verdict() + " on " + node
                                + (rule.verdict().equals("MASQUERADE") ? " (" + check.packet().outDevice() + "'s address "
                                + check.outAddress() + ")" : ""));
                    } else {
                        unconfirmed.add(what + " matches MASQUERADE on " + node + ", which would use "
                                + check.outAddress() + ", not " + translated);
                    }
                } else {
                    String ended = check.matches().isEmpty() ? "no NAT rules recorded"
                            : "ends in " + check.matches().get(0).verdict();
                    unconfirmed.add("no NAT rule on " + node + " source-NATs " + what + " (" + ended + ")");
                    for (RuleMatch m : check.matches()) {
                        for (String skipped : m.unevaluated()) {
                            quote(quotes, node + " " + m.file() + " (not evaluated): " + skipped);
                        }
                    }
                }
                for (io.tunnelscope.state.Conntrack.Entry e : check.conntrack()) {
                    quote(quotes, node + " conntrack: " + e.line());
                }
            }
        }
        if (!confirmed.isEmpty() && unconfirmed.isEmpty()) {
            return new StateCheck(StateCheck.PACKETS_AND_STATE, "Confirmed by the state: " + String.join("; ", confirmed)
                    + ".", quotes);
        }
        if (confirmed.isEmpty() && unconfirmed.isEmpty()) {
            return new StateCheck(StateCheck.PACKETS, "Inferred from the packets; the translation was not seen on a node "
                    + "whose state was recorded.", quotes);
        }
        List<String> all = new ArrayList<>(confirmed);
        all.addAll(unconfirmed);
        return new StateCheck(confirmed.isEmpty() ? StateCheck.PACKETS : StateCheck.PACKETS_AND_STATE,
                (confirmed.isEmpty() ? "Not confirmed by the state: " : "Partly confirmed by the state: ")
                        + String.join("; ", all) + ".", quotes);
    }

    private static StateCheck mtu(StateChecks checks, Finding f) {
        Set<String> nodes = nodes(checks.state(), f.points());
        List<String> quotes = new ArrayList<>();
        for (StateChecks.DeviceMtu d : checks.mtus()) {
            if (nodes.isEmpty() || nodes.contains(d.node())) {
                quotes.add(d.quote());
            }
        }
        for (NodeState node : checks.state().nodes()) {
            if ((nodes.isEmpty() || nodes.contains(node.name())) && node.subnetEnv().mtu() > 0) {
                quotes.add(node.name() + " subnet.env FLANNEL_MTU=" + node.subnetEnv().mtu());
            }
        }
        Set<String> problems = new LinkedHashSet<>();
        for (StateChecks.MtuProblem p : checks.mtuProblems(AnalysisContext::overhead)) {
            if (p.node() == null || nodes.isEmpty() || nodes.contains(p.node())) {
                problems.add(p.node() == null ? "between nodes" : p.node());
            }
        }
        if (quotes.isEmpty()) {
            return new StateCheck(StateCheck.PACKETS, "Inferred from the packets; no overlay device was recorded on the "
                    + "nodes involved.", quotes);
        }
        if (problems.isEmpty()) {
            return new StateCheck(StateCheck.PACKETS, "Not confirmed by the state: the configured MTUs fit together "
                    + "(the trouble is elsewhere on the path, or the configuration changed since).", quotes);
        }
        return new StateCheck(StateCheck.PACKETS_AND_STATE, "Confirmed by the configured MTUs quoted here, which do not "
                + "fit together on " + String.join(", ", problems) + " (MTU_CONFIG says how).", quotes);
    }

    private static StateCheck vtep(AnalysisContext context, StateChecks checks, Finding f) {
        List<String> quotes = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        List<String> owned = new ArrayList<>();
        Set<String> destinations = new LinkedHashSet<>();
        for (CorrelationReport.Tunnel t : context.correlation().tunnels()) {
            if (mentions(f.summary(), t.outerDst())) {
                destinations.add(t.outerDst());
            }
        }
        for (String address : destinations) {
            StateChecks.VtepCheck check = checks.vtep(address);
            quotes.addAll(check.entries());
            if (check.owner() != null) {
                owned.add(address + " is the VXLAN address of " + check.owner());
            } else if (!check.entries().isEmpty()) {
                stale.add("no recorded node has " + address + ", yet forwarding entries still send to it");
            }
        }
        if (!owned.isEmpty()) {
            return new StateCheck(StateCheck.PACKETS, "Contradicted by the state: " + String.join("; ", owned)
                    + " (its captures may have missed the replies, or it was down).", quotes);
        }
        if (!stale.isEmpty()) {
            return new StateCheck(StateCheck.PACKETS_AND_STATE, "Confirmed by the state: " + String.join("; ", stale)
                    + ".", quotes);
        }
        return new StateCheck(StateCheck.PACKETS, "Inferred from the packets; no recorded FDB, neighbour or route "
                + "entry names the address.", quotes);
    }

    private static StateCheck offload(StateChecks checks, Finding f) {
        List<String> quotes = new ArrayList<>();
        boolean on = false;
        for (String point : f.points()) {
            NodeState node = checks.state().nodeOfPoint(point);
            if (node == null) {
                continue;
            }
            for (String line : checks.offloads(node, ClusterState.deviceOfPoint(node, point))) {
                if (!quotes.contains(line)) {
                    quotes.add(line);
                    on |= line.endsWith(": on") || line.contains(": on ");
                }
            }
        }
        if (quotes.isEmpty()) {
            return new StateCheck(StateCheck.PACKETS, "Inferred from the packets; no offload settings were recorded "
                    + "for these devices.", quotes);
        }
        return on ? new StateCheck(StateCheck.PACKETS_AND_STATE, "Confirmed by ethtool -k: checksum or segmentation "
                + "offload is on for the devices that show the artefacts.", quotes)
                : new StateCheck(StateCheck.PACKETS, "Not confirmed by the state: ethtool -k shows these offloads off "
                + "(they may have been turned off after the capture).", quotes);
    }

    /** The nodes the points are on (points named {@code NODE-...}). */
    static Set<String> nodes(ClusterState state, List<String> points) {
        Set<String> nodes = new LinkedHashSet<>();
        for (String point : points) {
            NodeState node = state.nodeOfPoint(point);
            if (node != null) {
                nodes.add(node.name());
            }
        }
        return nodes;
    }

    /** The points of a node among those the correlation saw. */
    static List<String> pointsOf(AnalysisContext context, String node) {
        List<String> points = new ArrayList<>();
        for (CorrelationReport.Point p : context.correlation().points()) {
            NodeState n = context.state().state().nodeOfPoint(p.name());
            if (n != null && n.name().equals(node)) {
                points.add(p.name());
            }
        }
        return points;
    }

    private static void quote(List<String> quotes, String line) {
        if (!quotes.contains(line)) {
            quotes.add(line);
        }
    }
}
