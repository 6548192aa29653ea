package io.tunnelscope.anomaly;

import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.Protocols;
import io.tunnelscope.proto.vxlan.Vxlan;
import io.tunnelscope.report.Basis;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.List;

/**
 * {@code UNDERLAY_LOSS}: tunnel packets that left one host's NIC and never appeared at the
 * receiving host's, while its capture was running and nothing further on saw them (the
 * correlation's {@code network} losses between the NICs of two hosts; losses inside a host are
 * {@link LostRule}'s, what a capture missed {@link CaptureLossRule}'s).
 */
public final class UnderlayLossRule implements Rule {
    @Override
    public String kind() {
        return "UNDERLAY_LOSS";
    }

    @Override
    public String description() {
        return "every tunnel packet that leaves one host's underlay reaches the other's";
    }

    /** Keeps nothing per packet: the findings come from the correlation's losses. */
    @Override
    public void mergeFrom(Rule other) {
    }

    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        for (CorrelationReport.Loss loss : context.correlation().losses()) {
            if (loss.missing() == 0 || !isUnderlay(context, loss)) {
                continue;
            }
            // One or two missing packets may also be the edges of the two captures' windows.
            Confidence confidence = loss.missing() >= 3 ? Confidence.HIGH : Confidence.MEDIUM;
            findings.add(new Finding(kind(), Severity.ERROR,
                    loss.missing() + " of " + loss.sent() + " tunnel packets that left " + loss.lastSeen()
                            + " (" + loss.from() + ") never reached " + loss.firstMissing() + " (" + loss.to() + ")"
                            + String.format(java.util.Locale.ROOT, " (%.1f%% lost).",
                            100.0 * loss.missing() / loss.sent()),
                    List.of(loss.from(), loss.to()), loss.evidence(), loss.missing(),
                    "The underlay between the hosts drops packets: check the NICs' and switches' drop and error "
                            + "counters ('ip -s link', 'ethtool -S', 'tc -s qdisc'), firewalls or security groups "
                            + "for " + portsOf(context.backend())
                            + ", and the underlay MTU.",
                    Basis.INFERRED, confidence,
                    List.of("every tunnel packet that left " + loss.from() + " looked for at " + loss.to()
                                    + " within the match window, while " + loss.to() + "'s capture was running: "
                                    + loss.missing() + " of " + loss.sent() + " never came"),
                    List.of("drop counters of the NICs and switches between them ('ip -s link', 'ethtool -S') to "
                            + "say where")));
        }
    }

    /** A network loss between the NICs of two hosts: the underlay's. */
    static boolean isUnderlay(AnalysisContext context, CorrelationReport.Loss loss) {
        return loss.kind().equals("network") && !loss.lastSeen().host().equals(loss.firstMissing().host())
                && context.role(loss.from()).equals("underlay") && context.role(loss.to()).equals("underlay");
    }

    /** The tunnel's UDP ports ("UDP 8472/4789"), or its IP protocol ("IP protocol 4"). */
    static String portsOf(String backend) {
        ProtocolDescriptor d = Protocols.byName(backend == null ? Vxlan.DESCRIPTOR.name() : backend);
        if (d == null) {
            d = Vxlan.DESCRIPTOR;
        }
        int[] ports = d.udpPorts();
        if (ports.length > 0) {
            StringBuilder out = new StringBuilder("UDP ");
            // The Linux default first, as flannel uses it.
            for (int k = ports.length - 1; k >= 0; k--) {
                out.append(ports[k]).append(k > 0 ? "/" : "");
            }
            return out.toString();
        }
        int[] protocols = d.ipProtocols();
        return protocols.length > 0 ? "IP protocol " + protocols[0] : d.name();
    }
}
