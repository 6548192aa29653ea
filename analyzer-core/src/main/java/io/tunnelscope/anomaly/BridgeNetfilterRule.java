package io.tunnelscope.anomaly;

import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import io.tunnelscope.state.StateChecks;
import java.util.List;

/**
 * {@code BRIDGE_NETFILTER}: {@code net.bridge.bridge-nf-call-iptables} makes traffic between pods on
 * one bridge pass iptables, where a FORWARD DROP (Docker's policy) drops it; or, off (or without
 * br_netfilter), makes it bypass the Service DNAT rules Kubernetes relies on.
 */
public final class BridgeNetfilterRule extends StateRule {
    @Override
    public String kind() {
        return "BRIDGE_NETFILTER";
    }

    @Override
    public String description() {
        return "bridge-nf-call-iptables neither drops pod-to-pod traffic on a bridge nor lets it bypass Service rules";
    }

    @Override
    void check(AnalysisContext context, StateChecks state, List<Finding> findings) {
        for (StateChecks.BridgeNetfilterProblem p : state.bridgeNetfilterProblems()) {
            findings.add(finding(context, p.node(), p.drops() ? Severity.ERROR : Severity.WARNING, p.summary(),
                    p.quotes(), p.fix()));
        }
    }
}
