package io.tunnelscope.anomaly;

import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import io.tunnelscope.state.StateChecks;
import java.util.List;

/**
 * {@code RP_FILTER}: reverse-path filtering on a node drops what the other nodes send over the
 * overlay: strict mode ({@code rp_filter=1}, the larger of {@code conf/all} and the device's) on a
 * device whose route back to the sender leaves by another device, or any mode without a route back.
 */
public final class RpFilterRule extends StateRule {
    @Override
    public String kind() {
        return "RP_FILTER";
    }

    @Override
    public String description() {
        return "reverse-path filtering lets overlay traffic from the other nodes in";
    }

    @Override
    void check(AnalysisContext context, StateChecks state, List<Finding> findings) {
        for (StateChecks.RpFilterProblem p : state.rpFilterProblems()) {
            findings.add(finding(context, p.node(), Severity.ERROR, p.summary(), p.quotes(),
                    "Make the route back to " + p.source() + " leave by " + p.device() + ", or set "
                            + "net.ipv4.conf.all.rp_filter and net.ipv4.conf." + p.device() + ".rp_filter to 2 "
                            + "(loose) on " + p.node() + "."));
        }
    }
}
