package io.tunnelscope.anomaly;

import io.tunnelscope.report.Basis;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import io.tunnelscope.report.StateCheck;
import io.tunnelscope.state.StateChecks;
import java.util.List;

/**
 * A rule about the nodes' recorded state alone: it sees no packet and finds nothing without state
 * ({@code tunnelscope collect}'s {@code DIR/NODE/state/}). Its findings have the basis
 * {@code state}, name the points captured on the node concerned and quote the state.
 */
abstract class StateRule implements Rule {
    @Override
    public void mergeFrom(Rule other) {
    }

    @Override
    public final void finish(AnalysisContext context, List<Finding> findings) {
        if (context.state() != null) {
            check(context, context.state(), findings);
        }
    }

    abstract void check(AnalysisContext context, StateChecks state, List<Finding> findings);

    /** A finding from the state about {@code node} (null: several nodes). */
    Finding finding(AnalysisContext context, String node, Severity severity, String summary, List<String> quotes,
                    String fix) {
        List<String> points = node == null ? List.of() : StateEvidence.pointsOf(context, node);
        String found = "Found in the recorded node state, whatever the traffic showed.";
        return new Finding(kind(), severity, summary, points, List.of(), 1, fix, Basis.CONFIRMED, Confidence.HIGH,
                List.of(found), List.of(), new StateCheck(StateCheck.STATE, found, quotes));
    }
}
