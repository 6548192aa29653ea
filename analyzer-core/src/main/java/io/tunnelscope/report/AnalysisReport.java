package io.tunnelscope.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * Everything {@code tunnelscope report} says: the hosts and their devices, the captures and their
 * roles, the topology, tunnels,
 * top flows, paths, NAT table, losses, clock offsets and the findings (most severe first), plus
 * the chart data the HTML page draws and, when the correlation kept them, the journeys (for the
 * desktop viewer; neither is part of the JSON).
 */
@JsonPropertyOrder({"hosts", "captures", "topology", "tunnels", "flows", "paths", "nat", "losses", "clockOffsets", "findings",
    "errors", "limits"})
public record AnalysisReport(
        List<CorrelationReport.CaptureHost> hosts,
        List<CorrelationReport.Point> captures,
        CorrelationReport.Topology topology,
        List<CorrelationReport.Tunnel> tunnels,
        List<FlowSummary> flows,
        List<CorrelationReport.Path> paths,
        List<CorrelationReport.Nat> nat,
        List<CorrelationReport.Loss> losses,
        List<CorrelationReport.ClockOffset> clockOffsets,
        List<Finding> findings,
        List<String> errors,
        List<String> limits,
        @JsonIgnore ChartData charts,
        @JsonIgnore List<CorrelationReport.Journey> journeys) {

    /** A report without journeys. */
    public AnalysisReport(List<CorrelationReport.CaptureHost> hosts, List<CorrelationReport.Point> captures,
                          CorrelationReport.Topology topology,
                          List<CorrelationReport.Tunnel> tunnels, List<FlowSummary> flows,
                          List<CorrelationReport.Path> paths, List<CorrelationReport.Nat> nat,
                          List<CorrelationReport.Loss> losses, List<CorrelationReport.ClockOffset> clockOffsets,
                          List<Finding> findings, List<String> errors, List<String> limits, ChartData charts) {
        this(hosts, captures, topology, tunnels, flows, paths, nat, losses, clockOffsets, findings, errors, limits,
                charts, null);
    }

    /** The correlation this report was made from (without its journeys unless it kept them). */
    public CorrelationReport correlation() {
        return new CorrelationReport(hosts, captures, topology, paths, nat, tunnels, losses, clockOffsets, errors,
                limits, journeys);
    }

    /** The most severe finding's severity, or null when there is none. */
    public Severity worst() {
        Severity worst = null;
        for (Finding finding : findings) {
            if (worst == null || finding.severity().compareTo(worst) > 0) {
                worst = finding.severity();
            }
        }
        return worst;
    }
}
