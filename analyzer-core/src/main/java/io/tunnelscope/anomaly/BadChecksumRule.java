package io.tunnelscope.anomaly;

import io.tunnelscope.report.Basis;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code BAD_CHECKSUM}: packets whose checksums are wrong in a way offload does not explain (see
 * {@link ChecksumFaults}): corrupted on the wire or by a broken NIC, and dropped by the receiver.
 */
public final class BadChecksumRule implements Rule {
    private final FirstSeen<String, long[]> countByPoint = new FirstSeen<>();
    private final EvidenceSample evidence = new EvidenceSample(8);
    /** The damaged packets, each once however many points saw it. */
    private final PacketCount packets = new PacketCount();

    @Override
    public String kind() {
        return "BAD_CHECKSUM";
    }

    @Override
    public String description() {
        return "no packet carries a damaged checksum";
    }

    @Override
    public void packet(PacketContext packet) {
        if (ChecksumFaults.classify(packet.stack(), packet.view()) != ChecksumFaults.DAMAGED) {
            return;
        }
        countByPoint.computeIfAbsent(packet.point(), packet, k -> new long[1])[0]++;
        packets.add(packet);
        evidence.add(packet);
    }

    @Override
    public void mergeFrom(Rule other) {
        BadChecksumRule theirs = (BadChecksumRule) other;
        countByPoint.mergeFrom(theirs.countByPoint, (mine, more) -> mine[0] += more[0], Integer.MAX_VALUE);
        evidence.mergeFrom(theirs.evidence);
        packets.mergeFrom(theirs.packets);
    }

    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        if (countByPoint.isEmpty()) {
            return;
        }
        long count = packets.count();
        List<String> where = new ArrayList<>();
        for (Map.Entry<String, long[]> e : countByPoint.map().entrySet()) {
            where.add(e.getKey() + " (" + e.getValue()[0] + ")");
        }
        findings.add(new Finding(kind(), Severity.ERROR,
                count + " packets arrived with wrong checksums that offload does not explain, at "
                        + String.join(", ", where) + ".",
                List.copyOf(countByPoint.keys()), evidence.list(), count,
                "The receiver drops these packets. Look for damage on the path before the first point that shows "
                        + "them: NIC and switch error counters ('ethtool -S', 'ip -s link'), a faulty cable or "
                        + "optic, or a qdisc/middlebox that rewrites packets.",
                Basis.OBSERVED, Confidence.HIGH,
                List.of("every TCP, UDP, ICMP and IPv4 header checksum recomputed, over the pseudo-header of the final "
                                + "destination and home address the headers name: these are wrong",
                        "whether a wrong TCP/UDP checksum is the pseudo-header sum an offloading NIC completes later: "
                                + "not for these packets",
                        "whether a wrong tunnel UDP checksum goes with an inner partial checksum (local checksum "
                                + "offload): not for these packets"),
                List.of("a capture at each hop before the first point that shows them, to find where they are damaged")));
    }
}
