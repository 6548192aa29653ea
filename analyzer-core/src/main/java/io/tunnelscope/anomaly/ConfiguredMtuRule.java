package io.tunnelscope.anomaly;

import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import io.tunnelscope.state.StateChecks;
import java.util.List;

/**
 * {@code MTU_CONFIG}: the MTUs configured on the nodes do not fit together, whether or not the
 * captured traffic was large enough to show it: pod veths or bridges above the overlay device,
 * the overlay device plus its tunnel overhead above the underlay NIC, {@code FLANNEL_MTU} not the
 * overlay device's, overlay MTUs differing between nodes.
 */
public final class ConfiguredMtuRule extends StateRule {
    @Override
    public String kind() {
        return "MTU_CONFIG";
    }

    @Override
    public String description() {
        return "the MTUs configured on the nodes' pod, bridge, overlay and underlay devices fit together";
    }

    @Override
    void check(AnalysisContext context, StateChecks state, List<Finding> findings) {
        for (StateChecks.MtuProblem p : state.mtuProblems(AnalysisContext::overhead)) {
            findings.add(finding(context, p.node(), Severity.WARNING, p.summary(), p.quotes(), p.fix()));
        }
    }
}
