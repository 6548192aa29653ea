package io.tunnelscope.anomaly;

import io.tunnelscope.report.Basis;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.CorrelationReport;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.List;

/**
 * {@code CAPTURE_LOSS}: packets a capture did not show although they passed its device (a device
 * further on saw them, later TCP acknowledgments covered them, the capture recorded drops) or
 * although their path went there while the capture was not running. Not a network fault: the
 * analysis says what it could not see there.
 */
public final class CaptureLossRule implements Rule {
    @Override
    public String kind() {
        return "CAPTURE_LOSS";
    }

    @Override
    public String description() {
        return "every capture shows every packet that passed its device while it ran";
    }

    /** Keeps nothing per packet: the findings come from the correlation's losses. */
    @Override
    public void mergeFrom(Rule other) {
    }

    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        for (CorrelationReport.Loss loss : context.correlation().losses()) {
            if (loss.missing() == 0 || !loss.kind().equals("capture")) {
                continue;
            }
            findings.add(new Finding(kind(), Severity.INFO,
                    "The capture of " + loss.firstMissing() + " (" + loss.to() + ") did not show " + loss.missing()
                            + " of " + loss.sent() + " packets that went there from " + loss.lastSeen()
                            + (loss.reason() == null ? "" : " (" + loss.reason() + ")")
                            + ": the capture missed them, the network did not lose them.",
                    List.of(loss.from(), loss.to()), loss.evidence(), loss.missing(),
                    "Capture with full packets ('-s 0'), a larger buffer ('tcpdump -B 8192'), and start every "
                            + "capture before the traffic and stop it after, so each device shows every packet.",
                    Basis.INFERRED, Confidence.HIGH,
                    List.of("every packet that passed " + loss.lastSeen() + " looked for at " + loss.firstMissing()
                                    + ": " + loss.missing() + " of " + loss.sent() + " not in its capture",
                            "whether the network delivered them anyway (a device further on saw them, later ACKs "
                                    + "covered them without a retransmission, the capture recorded drops, or it was "
                                    + "not running then): yes" + (loss.reason() == null ? "" : ", " + loss.reason())),
                    List.of()));
        }
    }
}
