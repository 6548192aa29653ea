package io.tunnelscope.anomaly;

import io.tunnelscope.report.Basis;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.Evidence;
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
    private final FirstSeen<String, long[]> artefactsByPoint = new FirstSeen<>();
    private final EvidenceSample evidence = new EvidenceSample(4);
    /** Packets with partial checksums, with either artefact, and presumed super-frames. */
    private final PacketCount partialPackets = new PacketCount();
    private final PacketCount artefactPackets = new PacketCount();
    private final PacketCount presumedPackets = new PacketCount();

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
        boolean partial = ChecksumFaults.classify(packet.stack(), packet.view()) == ChecksumFaults.PARTIAL;
        int inner = packet.view().innerIpLayer();
        boolean superFrame = inner >= 0 && SizeFacts.isSuperFrame(packet.stack(), packet.view(), inner);
        if (partial || superFrame) {
            // Per point: [partial checksums, packets with either artefact (a super-frame with a
            // partial checksum is one packet), super-frames presumed from their size alone (a
            // checksum that could not be verified)]; the counts, each packet once however many
            // points saw it.
            long[] counts = artefactsByPoint.computeIfAbsent(packet.point(), packet, k -> new long[3]);
            counts[1]++;
            artefactPackets.add(packet);
            if (partial) {
                counts[0]++;
                partialPackets.add(packet);
                evidence.add(packet);
            } else {
                counts[2]++;
                presumedPackets.add(packet);
            }
        }
    }

    @Override
    public void mergeFrom(Rule other) {
        OffloadArtifactRule theirs = (OffloadArtifactRule) other;
        artefactsByPoint.mergeFrom(theirs.artefactsByPoint, (mine, more) -> {
            mine[0] += more[0];
            mine[1] += more[1];
            mine[2] += more[2];
        }, Integer.MAX_VALUE);
        evidence.mergeFrom(theirs.evidence);
        partialPackets.mergeFrom(theirs.partialPackets);
        artefactPackets.mergeFrom(theirs.artefactPackets);
        presumedPackets.mergeFrom(theirs.presumedPackets);
    }

    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        long partial = partialPackets.count();
        long packets = artefactPackets.count();
        long presumed = presumedPackets.count();
        long superFrames = 0;
        int largest = 0;
        List<String> points = new ArrayList<>();
        for (Map.Entry<String, long[]> e : artefactsByPoint.map().entrySet()) {
            if (e.getValue()[0] > 0) {
                points.add(e.getKey());
            }
        }
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
                points, samples, packets,
                "Nothing to fix. To capture packets as they go on the wire, turn offloads off on the capturing "
                        + "host's interfaces ('ethtool -K <dev> tx off tso off gso off') while debugging.",
                Basis.OBSERVED, presumed > 0 ? Confidence.MEDIUM : Confidence.HIGH,
                List.of("partial checksums: the checksum field equals the pseudo-header sum (with the length, or "
                                + "without it as TSO/GSO leave it): " + partial + " packets",
                        "super-frames: TCP/UDP packets over 1500 bytes whose checksum is partial or could not be "
                                + "verified (a verified or damaged one is a real packet of that size): "
                                + superFrames + " packets",
                        "super-frames presumed from their size alone, their checksum not verifiable (cut by the "
                                + "snaplen, or a fragment): " + presumed),
                presumed > 0 ? List.of("whole packets (no snaplen) to verify the super-frames' checksums",
                        "the capturing host's offload settings ('ethtool -k <dev>': tx-checksumming, tso, gso on)")
                        : List.of("the capturing host's offload settings ('ethtool -k <dev>': tx-checksumming, tso, "
                                + "gso on)")));
    }
}
