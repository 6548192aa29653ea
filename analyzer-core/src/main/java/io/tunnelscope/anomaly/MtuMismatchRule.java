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
 * {@code MTU_MISMATCH}: the MTUs the captures imply do not fit together. Each point's MTU is at
 * least its largest regular packet (super-frames aside); the overlay's is what the hosts reported
 * or flannel's default; the underlay's is bounded by the largest fragment of a tunnel packet.
 * Two causes are told apart: pods and bridges above the overlay MTU, and the overlay MTU plus the
 * tunnel overhead above the underlay MTU.
 */
public final class MtuMismatchRule implements Rule {
    private final OuterSizes outer = new OuterSizes();

    @Override
    public String kind() {
        return "MTU_MISMATCH";
    }

    @Override
    public String description() {
        return "pod, bridge, overlay and underlay MTUs fit together";
    }

    @Override
    public void packet(PacketContext packet) {
        outer.packet(packet);
    }

    @Override
    public void mergeFrom(Rule other) {
        outer.mergeFrom(((MtuMismatchRule) other).outer);
    }

    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        AnalysisContext.Mtu overlay = context.overlayMtu();
        if (overlay == null) {
            return;
        }
        int podSide = 0;
        List<String> podPoints = new ArrayList<>();
        List<Evidence> podEvidence = new ArrayList<>();
        for (Map.Entry<String, SizeFacts.PointSizes> e : context.sizes().points().entrySet()) {
            if (!context.podSide(e.getKey()) || e.getValue().largestPacket <= overlay.value()) {
                continue;
            }
            podSide = Math.max(podSide, e.getValue().largestPacket);
            podPoints.add(e.getKey());
            podEvidence.add(e.getValue().largestEvidence);
        }
        if (podSide > 0) {
            findings.add(new Finding(kind(), Severity.WARNING,
                    "Pods and bridges use an MTU of at least " + podSide + " (largest packet seen) over an overlay "
                            + "with MTU " + overlay.value() + " (" + overlay.source() + ").",
                    podPoints, podEvidence, podPoints.size(),
                    "Set the pod and bridge MTU to " + overlay.value() + " to match FLANNEL_MTU.",
                    overlay.basis(), overlay.confidence(),
                    List.of("the largest regular packet (super-frames aside) at each pod and bridge point: " + podSide
                            + " bytes at " + String.join(", ", podPoints), overlay.checked()),
                    overlay.strongerWith()));
        }
        String encap = context.backend();
        if (outer.largestFragment() > 0 && encap != null) {
            int overhead = context.tunnelOverhead(encap);
            int underlay = outer.largestFragment();
            // A fragment below any real link's MTU is crafted traffic (OUTER_FRAGMENTATION says so),
            // not an underlay to resize.
            if (OuterFragmentationRule.underlayBelow(underlay, overlay.value() + overhead)
                    && LinkLimits.plausibleFragment(underlay)) {
                findings.add(new Finding(kind(), Severity.WARNING,
                        "The overlay MTU " + overlay.value() + " plus " + overhead + " bytes of " + encap
                                + " overhead exceeds the underlay MTU of about " + underlay + "-" + (underlay + 7)
                                + " bytes (largest fragment of a tunnel packet).",
                        outer.points(), outer.evidence(), outer.points().size(),
                        "Raise the underlay MTU to " + (overlay.value() + overhead) + " or set FLANNEL_MTU to "
                                + (underlay - overhead) + " (underlay MTU minus " + overhead + ").",
                        Basis.OBSERVED, overlay.confidence() == Confidence.LOW ? Confidence.MEDIUM : Confidence.HIGH,
                        List.of("the largest fragment of a tunnel packet: " + underlay + " bytes, so the underlay "
                                        + "MTU is " + underlay + "-" + (underlay + 7) + " (fragments carry multiples of 8)",
                                "the fragment size against what real links carry (" + LinkLimits.describe(false)
                                        + "): possible",
                                overlay.checked()),
                        List.of("the underlay device's configured MTU ('ip link show' on the tunnel's path)")));
            }
        }
    }

    /** The largest outer fragment of a tunnel packet seen on any point. */
    private static final class OuterSizes {
        private int largest;
        /** The points with such fragments, each with its first. */
        private final FirstSeen<String, Evidence> points = new FirstSeen<>();

        void packet(PacketContext packet) {
            var view = packet.view();
            int outer = view.outerIpLayer();
            if (outer < 0 || view.encapsulationCount() == 0 || !view.moreFragments(outer)) {
                return;
            }
            largest = Math.max(largest, view.ipTotalLength(outer));
            if (!points.contains(packet.point())) {
                points.computeIfAbsent(packet.point(), packet, k -> packet.evidence());
            }
        }

        void mergeFrom(OuterSizes other) {
            largest = Math.max(largest, other.largest);
            points.mergeFrom(other.points, Integer.MAX_VALUE);
        }

        int largestFragment() {
            return largest;
        }

        List<String> points() {
            return new ArrayList<>(points.keys());
        }

        List<Evidence> evidence() {
            return new ArrayList<>(points.map().values());
        }
    }
}
