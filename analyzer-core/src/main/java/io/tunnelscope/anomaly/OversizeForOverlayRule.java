package io.tunnelscope.anomaly;

import io.tunnelscope.decode.PacketView;
import io.tunnelscope.report.Evidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code OVERSIZE_FOR_OVERLAY}: packets on pod and bridge points, bound for another host's pods,
 * larger than the overlay can carry — each is fragmented (no DF) or answered with
 * fragmentation-needed (DF). Offload super-frames are not counted: the NIC or veth splits them.
 */
public final class OversizeForOverlayRule implements Rule {
    private static final int WATCH_FROM = 1200;
    private static final int MAX_KEYS = 4096;

    /** Packets per (point, source /24, destination /24, size). */
    private final Map<String, long[]> sizes = new LinkedHashMap<>();
    private final Map<String, Evidence> evidence = new LinkedHashMap<>();

    @Override
    public String kind() {
        return "OVERSIZE_FOR_OVERLAY";
    }

    @Override
    public String description() {
        return "pods send no packet larger than the overlay carries";
    }

    @Override
    public void packet(PacketContext packet) {
        PacketView view = packet.view();
        int ip = view.innerIpLayer();
        if (ip < 0 || view.ipVersion(ip) != 4 || view.encapsulationCount() > 0
                || SizeFacts.isSuperFrame(packet.stack(), view, ip)) {
            return;
        }
        int length = view.ipTotalLength(ip);
        if (length <= WATCH_FROM || view.fragmentOffset(ip) > 0) {
            return;
        }
        String key = packet.point() + " " + (view.ipv4Source(ip) & 0xFFFFFF00) + " "
                + (view.ipv4Destination(ip) & 0xFFFFFF00) + " " + length + " " + view.ipv4Destination(ip);
        if (sizes.size() < MAX_KEYS || sizes.containsKey(key)) {
            sizes.computeIfAbsent(key, k -> new long[1])[0]++;
            evidence.putIfAbsent(key, packet.evidence());
        }
    }

    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        AnalysisContext.Mtu overlay = context.overlayMtu();
        if (overlay == null) {
            return;
        }
        long count = 0;
        int largest = 0;
        Set<String> points = new LinkedHashSet<>();
        List<Evidence> samples = new ArrayList<>();
        for (Map.Entry<String, long[]> entry : sizes.entrySet()) {
            String[] parts = entry.getKey().split(" ");
            String point = parts[0];
            int sourceNet = Integer.parseInt(parts[1]);
            int destinationNet = Integer.parseInt(parts[2]);
            int length = Integer.parseInt(parts[3]);
            int destination = Integer.parseInt(parts[4]);
            boolean crossesOverlay = sourceNet != destinationNet && context.isPodAddress(destination);
            if (!context.podSide(point) || !crossesOverlay || length <= overlay.value()) {
                continue;
            }
            count += entry.getValue()[0];
            largest = Math.max(largest, length);
            points.add(point);
            if (samples.size() < 6) {
                samples.add(evidence.get(entry.getKey()));
            }
        }
        if (count == 0) {
            return;
        }
        findings.add(new Finding(kind(), Severity.WARNING,
                count + " packets of up to " + largest + " bytes left pods for other hosts' pods, but the overlay "
                        + "carries at most " + overlay.value() + " (" + overlay.source() + ").",
                List.copyOf(points), samples, count,
                "Set the pod and bridge MTU to " + overlay.value() + " to match FLANNEL_MTU (docker: --mtu="
                        + overlay.value() + "; CNI: \"mtu\": " + overlay.value() + "), so pods never build packets "
                        + "the overlay has to fragment or refuse."));
    }
}
