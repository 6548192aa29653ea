package io.tunnelscope.anomaly;

import io.tunnelscope.report.CorrelationReport;

/**
 * {@code DNAT}: a packet's destination address (or port) rewritten between two capture points and
 * not as the reply to a source NAT (those are folded into the SNAT entry): a service VIP or a port
 * mapping, normal in Kubernetes and Docker; a rewritten pod destination is worth a look.
 */
public final class DnatRule extends NatRule {
    public DnatRule() {
        super("DNAT");
    }

    @Override
    public String description() {
        return "pod destination addresses are not rewritten between capture points";
    }

    @Override
    String summary(CorrelationReport.Nat nat, String between, boolean podOriginal, boolean podPeer) {
        String what = podOriginal ? "pod address " : "destination ";
        return "Destination NAT rewrites " + what + nat.original() + " to " + nat.translated() + " between "
                + between + " for packets from " + String.join(", ", nat.peers()) + " ("
                + nat.packets() + " packets" + replies(nat) + ").";
    }

    @Override
    String recommendation(AnalysisContext context, CorrelationReport.Nat nat, String original, boolean podToPod) {
        if (!podToPod) {
            return "A service VIP or port mapping (kube-proxy, docker -p) translated to its backend is expected; "
                    + "check it is the backend you meant.";
        }
        return "Traffic addressed to pod " + original + " reaches " + nat.translated() + " instead: look for a DNAT "
                + "rule matching pod addresses in the nat table's PREROUTING/OUTPUT chains on the host of "
                + nat.from() + " ('iptables -t nat -S | grep DNAT').";
    }
}
