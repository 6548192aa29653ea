package io.tunnelscope.anomaly;

import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerStatus;
import io.tunnelscope.decode.Note;
import io.tunnelscope.report.Basis;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.List;

/**
 * {@code TRUNCATED_CAPTURE}: the snapshot length cut packets before their headers ended, so the
 * analysis misses inner addresses, ports or sequence numbers. A cut payload is fine; a cut header
 * is not.
 */
public final class TruncatedCaptureRule implements Rule {
    private final FirstSeen<String, long[]> byPoint = new FirstSeen<>();
    private final EvidenceSample evidence = new EvidenceSample(6);
    /** Packets whose headers are whole but whose payload the snapshot length cut, by point. */
    private final FirstSeen<String, long[]> payloadByPoint = new FirstSeen<>();
    private final EvidenceSample payloadEvidence = new EvidenceSample(6);

    @Override
    public String kind() {
        return "TRUNCATED_CAPTURE";
    }

    @Override
    public String description() {
        return "the snapshot length keeps every header the analysis needs";
    }

    @Override
    public void packet(PacketContext packet) {
        LayerStack stack = packet.stack();
        if (!packet.record().isTruncated() || stack.status() != LayerStatus.TRUNCATED) {
            return;
        }
        boolean headerCut = false;
        for (int n = 0; n < stack.noteCount(); n++) {
            headerCut |= stack.note(n) == Note.HEADER_TRUNCATED;
        }
        long[] counts = (headerCut ? byPoint : payloadByPoint).computeIfAbsent(packet.point(), packet, k -> new long[2]);
        counts[0]++;
        counts[1] = Math.max(counts[1], packet.record().capturedLength());
        (headerCut ? evidence : payloadEvidence).add(packet);
    }

    @Override
    public void mergeFrom(Rule other) {
        TruncatedCaptureRule theirs = (TruncatedCaptureRule) other;
        for (boolean header : new boolean[] {true, false}) {
            (header ? byPoint : payloadByPoint).mergeFrom(header ? theirs.byPoint : theirs.payloadByPoint,
                    (mine, more) -> {
                        mine[0] += more[0];
                        mine[1] = Math.max(mine[1], more[1]);
                    }, Integer.MAX_VALUE);
        }
        evidence.mergeFrom(theirs.evidence);
        payloadEvidence.mergeFrom(theirs.payloadEvidence);
    }

    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        if (!payloadByPoint.isEmpty()) {
            long count = 0;
            long snap = 0;
            for (long[] c : payloadByPoint.map().values()) {
                count += c[0];
                snap = Math.max(snap, c[1]);
            }
            findings.add(new Finding(kind(), Severity.INFO,
                    "The snapshot length (at most " + snap + " bytes kept) cut the payload of " + count
                            + " packets at " + String.join(", ", payloadByPoint.keys()) + ": their headers are "
                            + "whole, so the analysis is not affected, but the packets' contents are not all there.",
                    List.copyOf(payloadByPoint.keys()), payloadEvidence.list(), count,
                    "Nothing to fix for this analysis. Capture with '-s 0' when the payload matters (to follow a "
                            + "protocol, or to tell damaged packets from their originals).",
                    Basis.OBSERVED, Confidence.HIGH,
                    List.of("packets whose captured length ends after their headers while the wire length is "
                            + "longer: " + count),
                    List.of()));
        }
        if (byPoint.isEmpty()) {
            return;
        }
        long count = 0;
        long snap = 0;
        for (long[] c : byPoint.map().values()) {
            count += c[0];
            snap = Math.max(snap, c[1]);
        }
        findings.add(new Finding(kind(), Severity.WARNING,
                "The snapshot length cut the headers of " + count + " packets (" + snap + " bytes kept) at "
                        + String.join(", ", byPoint.keys()) + ": inner addresses and ports are missing there.",
                List.copyOf(byPoint.keys()), evidence.list(), count,
                "Capture with '-s 0', or at least 256 bytes per packet: a VXLAN packet carries 50 bytes of tunnel "
                        + "headers before the inner Ethernet, IP and TCP headers.",
                Basis.OBSERVED, Confidence.HIGH,
                List.of("packets whose captured length ends inside a header while the wire length is longer: "
                        + count),
                List.of()));
    }
}
