package io.tunnelscope.anomaly;

import io.tunnelscope.report.CorrelationReport;

/** {@code SNAT}: a packet's source address (or port) rewritten between two capture points. */
public final class SnatRule extends NatRule {
    public SnatRule() {
        super("SNAT");
    }

    @Override
    public String description() {
        return "pod source addresses are not rewritten on the way to other pods";
    }

    @Override
    String summary(CorrelationReport.Nat nat, String between, boolean podOriginal, boolean podPeer) {
        String what = podOriginal ? "pod address " : "source ";
        String where = podPeer ? " on its way to pod " : " on its way to ";
        return "Source NAT rewrites " + what + nat.original() + " to " + nat.translated() + " between "
                + between + where + String.join(", ", nat.peers()) + " (" + nat.packets() + " packets"
                + replies(nat) + ").";
    }

    @Override
    String recommendation(AnalysisContext context, CorrelationReport.Nat nat, String original, boolean podToPod) {
        if (!podToPod) {
            return "Masquerading pod traffic that leaves the pod network is what ip-masq is for; nothing to do "
                    + "unless the destination should have seen the pod address.";
        }
        String subnet = context.podSubnet(original);
        String device = io.tunnelscope.decode.PointNames.device(nat.to(), null);
        return "A MASQUERADE rule catches pod-to-pod traffic leaving through " + device + " (docker's ip-masq installs "
                + "'-s " + (subnet == null ? "<pod subnet>" : subnet) + " ! -o <bridge> -j MASQUERADE', which also "
                + "matches packets for other hosts' pods). Start dockerd with --ip-masq=false and let flanneld "
                + "--ip-masq install its rules, which exempt the pod network, or insert 'iptables -t nat -I "
                + "POSTROUTING -s " + (subnet == null ? "<pod subnet>" : subnet) + " -d <cluster CIDR> -j RETURN' "
                + "before it.";
    }
}
