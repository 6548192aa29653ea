package io.tunnelscope.anomaly;

import io.tunnelscope.report.Basis;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.List;
import java.util.Locale;

/**
 * {@code LOST}: packets that reached one device and never the next on their path, while that
 * device's capture was running and nothing further on saw them: lost in the network, between two
 * named devices ("lost in node2 between enp0s8 and flannel.1"), other than on the underlay between
 * two hosts ({@link UnderlayLossRule}). What the captures show of the cause goes with it: dropped
 * for their size (an ICMP error reported the MTU: see the MTU findings), arriving damaged (see
 * {@code BAD_CHECKSUM}), or retransmitted by TCP (so the loss was real).
 */
public final class LostRule implements Rule {
    @Override
    public String kind() {
        return "LOST";
    }

    @Override
    public String description() {
        return "every packet reaches the next device on its path";
    }

    /** Keeps nothing per packet: the findings come from the correlation's losses. */
    @Override
    public void mergeFrom(Rule other) {
    }

    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        for (CorrelationReport.Loss loss : context.correlation().losses()) {
            if (loss.missing() == 0 || !loss.kind().equals("network") || UnderlayLossRule.isUnderlay(context, loss)) {
                continue;
            }
            String reason = loss.reason();
            boolean tooBig = reason != null && reason.startsWith("too big");
            boolean damaged = reason != null && reason.contains("checksum");
            String where = loss.lastSeen().host().equals(loss.firstMissing().host())
                    ? "in " + loss.lastSeen().host() + " between " + loss.lastSeen().device() + " and "
                            + loss.firstMissing().device()
                    : "between " + loss.lastSeen() + " and " + loss.firstMissing();
            String summary = loss.missing() + " of " + loss.sent() + " packets were lost " + where
                    + String.format(Locale.ROOT, " (%.1f%%)", 100.0 * loss.missing() / loss.sent())
                    + (reason == null ? "" : ": " + reason) + ".";
            String recommendation;
            if (tooBig) {
                recommendation = "They were larger than the next hop carries and could not be fragmented on the way "
                        + "(DF set, or IPv6, which routers never fragment): the host dropped them and said so with ICMP. Make the MTUs agree (see the MTU findings); nothing else is lost.";
            } else if (damaged) {
                recommendation = "They arrived damaged and the kernel dropped them for their checksum (see BAD_CHECKSUM): "
                        + "find what corrupts packets on the way.";
            } else {
                recommendation = "Something in " + loss.firstMissing().host() + " drops packets before "
                        + loss.firstMissing().device() + ": check its iptables/nftables rules ('iptables-save', "
                        + "'nft list ruleset'), rp_filter ('sysctl net.ipv4.conf.all.rp_filter'), the device's "
                        + "drop counters ('ip -s link show " + loss.firstMissing().device() + "'), and for tunnel "
                        + "packets the VXLAN port and VNI the device expects.";
            }
            // A known cause, or several packets, cannot be the edges of two captures' windows.
            Confidence confidence = reason != null || loss.missing() >= 3 ? Confidence.HIGH : Confidence.MEDIUM;
            findings.add(new Finding(kind(), tooBig || damaged ? Severity.WARNING : Severity.ERROR, summary,
                    List.of(loss.from(), loss.to()), loss.evidence(), loss.missing(), recommendation,
                    Basis.INFERRED, confidence,
                    List.of("every packet that passed " + loss.lastSeen() + " looked for at " + loss.firstMissing()
                                    + ", the next device on its way, while that capture was running: " + loss.missing()
                                    + " of " + loss.sent() + " never came",
                            "the devices further on, later ACKs covering them, and the drops the captures recorded "
                                    + "(pcapng statistics): none accounts for them, so the network lost them",
                            "a cause the captures show (an ICMP frag-needed quoting them, a wrong checksum, a "
                                    + "retransmission): " + (reason == null ? "none" : reason)),
                    List.of("the drop counters of " + loss.firstMissing() + " ('ip -s link show "
                            + loss.firstMissing().device() + "', 'nstat', 'dropwatch') to say who dropped them")));
        }
    }
}
