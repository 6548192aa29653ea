package io.tunnelscope.anomaly;

import io.tunnelscope.report.Evidence;
import io.tunnelscope.report.Basis;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code OFFLOAD_ARTIFACT}: what only looks wrong — partial checksums (the pseudo-header sum the
 * NIC completes later) and GSO/TSO or BIG TCP super-frames larger than any MTU (split later),
 * captured on the sending host before the NIC or veth finished the packet. Information only;
 * never an MTU error.
 */
public final class OffloadArtifactRule implements Rule {
    private final FirstSeen<String, long[]> partialByPoint = new FirstSeen<>();
    private final EvidenceSample evidence = new EvidenceSample(4);

    @Override
    public String kind() {
        return "OFFLOAD_ARTIFACT";
    }

    @Override
    public String description() {
        return "checksum and segmentation offload artefacts are recognised as such";
    }

    @Override
    public void packet(PacketContext packet) {
        if (ChecksumFaults.classify(packet.stack(), packet.view()) == ChecksumFaults.PARTIAL) {
            partialByPoint.computeIfAbsent(packet.point(), packet, k -> new long[1])[0]++;
            evidence.add(packet);
        }
    }

    @Override
    public void mergeFrom(Rule other) {
        OffloadArtifactRule theirs = (OffloadArtifactRule) other;
        partialByPoint.mergeFrom(theirs.partialByPoint, (mine, more) -> mine[0] += more[0], Integer.MAX_VALUE);
        evidence.mergeFrom(theirs.evidence);
    }

    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        long partial = 0;
        for (long[] count : partialByPoint.map().values()) {
            partial += count[0];
        }
        long superFrames = 0;
        int largest = 0;
        List<String> points = new ArrayList<>(partialByPoint.keys());
        List<Evidence> samples = new ArrayList<>(evidence.list());
        for (Map.Entry<String, SizeFacts.PointSizes> e : context.sizes().points().entrySet()) {
            SizeFacts.PointSizes sizes = e.getValue();
            if (sizes.superFrames == 0) {
                continue;
            }
            superFrames += sizes.superFrames;
            largest = Math.max(largest, sizes.largestSuperFrame);
            if (!points.contains(e.getKey())) {
                points.add(e.getKey());
            }
            if (samples.size() < 8) {
                samples.add(sizes.superFrameEvidence);
            }
        }
        if (partial == 0 && superFrames == 0) {
            return;
        }
        List<String> parts = new ArrayList<>();
        if (partial > 0) {
            parts.add(partial + " packets with partial checksums (the NIC or veth completes them after the capture)");
        }
        if (superFrames > 0) {
            parts.add(superFrames + " GSO/TSO super-frames of up to " + largest
                    + " bytes (segmented after the capture)");
        }
        findings.add(new Finding(kind(), Severity.INFO,
                "Offload artefacts, not errors: " + String.join("; ", parts) + ".",
                points, samples, partial + superFrames,
                "Nothing to fix. To capture packets as they go on the wire, turn offloads off on the capturing "
                        + "host's interfaces ('ethtool -K <dev> tx off tso off gso off') while debugging.",
                Basis.OBSERVED, Confidence.HIGH,
                List.of("partial checksums: the checksum field equals the pseudo-header sum (with the length, or "
                                + "without it as TSO/GSO leave it): " + partial + " packets",
                        "super-frames: TCP/UDP packets over 1500 bytes whose checksum is partial or could not be "
                                + "verified (a verified or damaged one is a real packet of that size): "
                                + superFrames + " packets"),
                List.of("the capturing host's offload settings ('ethtool -k <dev>': tx-checksumming, tso, gso on)")));
    }
}
