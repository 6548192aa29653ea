package io.tunnelscope.anomaly;

import io.tunnelscope.collect.NameIds;
import io.tunnelscope.decode.IpReassembler;
import io.tunnelscope.flow.TcpAnalysis;
import io.tunnelscope.flow.TcpFacts;
import io.tunnelscope.report.Basis;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code TCP_RETRANSMISSIONS}: the TCP analysis ({@link TcpAnalysis}, Wireshark's semantics, per
 * capture point) saw segments sent again, or segments missing before the ones that arrived: the
 * effect on the inner flows of an MTU problem or of loss in the underlay. Counted per capture
 * point, so that a packet an {@code any} capture saw at two devices is not taken for a
 * retransmission, and comparing points shows where segments went missing. Segments in IP
 * fragments are not analysed (the packet is left as decoded for the other rules).
 */
public final class TcpRetransmissionRule implements Rule {
    /** Per point: retransmissions, fast retransmissions, segments missing before, duplicate ACKs, streams with a retransmission. */
    private final FirstSeen<String, long[]> byPoint = new FirstSeen<>();
    private final EvidenceSample evidence = new EvidenceSample(8);
    /** The retransmitted segments, each once however many points saw it. */
    private final PacketCount retransmitted = new PacketCount();
    private final TcpAnalysis analysis = new TcpAnalysis(200_000, false);
    private final TcpFacts facts = new TcpFacts();
    private final NameIds points = new NameIds();
    private String lastPoint;
    private int lastPointId;

    @Override
    public String kind() {
        return "TCP_RETRANSMISSIONS";
    }

    @Override
    public String description() {
        return "TCP connections inside the overlay retransmit nothing and miss no segment at any capture point";
    }

    @Override
    public void packet(PacketContext packet) {
        if (packet.point() != lastPoint) {
            lastPoint = packet.point();
            lastPointId = points.id(lastPoint);
        }
        if (IpReassembler.fragmentedIpLayer(packet.view()) >= 0
                || !analysis.analyze(lastPointId, packet.view(), packet.record().frameNumber(),
                        packet.record().timestampNanos(), facts)) {
            return;
        }
        int flags = facts.flags();
        if ((flags & (TcpAnalysis.RETRANSMISSION | TcpAnalysis.LOST_SEGMENT | TcpAnalysis.DUPLICATE_ACK)) == 0) {
            return;
        }
        long[] c = byPoint.computeIfAbsent(packet.point(), packet, k -> new long[4]);
        if ((flags & TcpAnalysis.RETRANSMISSION) != 0) {
            c[0]++;
            retransmitted.add(packet);
            evidence.add(packet);
        }
        if ((flags & TcpAnalysis.FAST_RETRANSMISSION) != 0) {
            c[1]++;
        }
        if ((flags & TcpAnalysis.LOST_SEGMENT) != 0) {
            c[2]++;
        }
        if ((flags & TcpAnalysis.DUPLICATE_ACK) != 0) {
            c[3]++;
        }
    }

    private static String plural(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    @Override
    public void mergeFrom(Rule other) {
        TcpRetransmissionRule theirs = (TcpRetransmissionRule) other;
        byPoint.mergeFrom(theirs.byPoint, (mine, more) -> {
            for (int k = 0; k < mine.length; k++) {
                mine[k] += more[k];
            }
        }, Integer.MAX_VALUE);
        evidence.mergeFrom(theirs.evidence);
        retransmitted.mergeFrom(theirs.retransmitted);
    }

    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        // The same segment retransmitted is seen at every point on its way: counted once, with each
        // device's own count (the most any capture of it saw).
        List<String> where = new ArrayList<>();
        Map<String, long[]> byDevice = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : byPoint.map().entrySet()) {
            long[] c = e.getValue();
            if (c[0] > 0) {
                where.add(e.getKey());
                long[] device = byDevice.computeIfAbsent(context.devices(List.of(e.getKey())).get(0), k -> new long[4]);
                for (int k = 0; k < device.length; k++) {
                    device[k] = Math.max(device[k], c[k]);
                }
            }
        }
        List<String> parts = new ArrayList<>();
        byDevice.forEach((device, c) -> parts.add(device + " " + c[0] + (c[1] > 0 ? " (" + c[1] + " fast)" : "")
                + (c[2] > 0 ? ", " + plural(c[2], "after a missing segment", "after missing segments") : "")
                + (c[3] > 0 ? ", " + plural(c[3], "duplicate ACK", "duplicate ACKs") : "")));
        long count = retransmitted.count();
        if (count == 0) {
            return;
        }
        boolean overlay = context.topologyRecognised();
        findings.add(new Finding(kind(), Severity.WARNING,
                "TCP segments were sent again" + (overlay ? " inside the overlay" : "") + ": "
                        + plural(count, "retransmission", "retransmissions") + " (" + String.join("; ", parts) + ").",
                List.copyOf(where), evidence.list(), count,
                "Retransmissions follow segments lost on the way: look for the MTU, PMTU black hole and "
                        + (overlay ? "underlay " : "") + "loss findings on the same path, and compare the capture "
                        + "points (filter 'tcp.analysis.retransmission' in the viewer, or decode --filter): a segment "
                        + "seen at the sender but never at the receiver was lost between them.",
                Basis.OBSERVED, Confidence.HIGH,
                List.of("each connection's sequence numbers at each capture point, as Wireshark's "
                                + "tcp.analysis.retransmission judges them (a packet an any capture saw on two devices is "
                                + "not a retransmission): " + count + " segments sent again",
                        "where: " + String.join("; ", parts)),
                where.size() > 1 ? List.of()
                        : List.of("captures at both ends of the connections, to say where the originals were lost")));
    }
}
