package io.tunnelscope.anomaly;

import io.tunnelscope.collect.LongTupleMap;
import io.tunnelscope.collect.NameIds;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.report.Basis;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.Evidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.ArrayList;
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

    /** Packets of one (point, source /24 or /64, destination /24 or /64, size, destination), and the first. */
    private static final class Sized {
        /** The packets, each once however many points saw it. */
        final PacketCount packets = new PacketCount();
        final Evidence first;

        Sized(Evidence first) {
            this.first = first;
        }
    }

    /** What packets are counted by: a capture point's name is data, never parsed back out of a key. */
    private record SizeKey(String point, String sourceNet, String destinationNet, int length, String destination) {
    }

    /** The first {@value #MAX_KEYS} keys. */
    private final FirstSeen<SizeKey, Sized> sizes = new FirstSeen<>();
    /**
     * The same entries by number (point, source /24 or /64, destination address bits, size): no
     * text per packet.
     */
    private LongTupleMap<Sized> byNumbers = new LongTupleMap<>(5);
    private final long[] numbers = new long[5];
    private final NameIds points = new NameIds();

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
        if (ip < 0 || view.encapsulationCount() > 0
                || SizeFacts.isSuperFrame(packet.stack(), view, ip)) {
            return;
        }
        int length = view.ipTotalLength(ip);
        if (length <= WATCH_FROM || view.fragmentOffset(ip) > 0) {
            return;
        }
        boolean ipv4 = view.ipVersion(ip) == 4;
        numbers[0] = points.id(packet.point());
        // IPv4: the source /24; IPv6: the source /64 (an address's high half), as flannel's subnets
        numbers[1] = ipv4 ? view.ipv4Source(ip) & 0xFFFFFF00 : view.addressHigh(ip, true);
        numbers[2] = ipv4 ? 0 : view.addressHigh(ip, false);
        numbers[3] = ipv4 ? view.ipv4Destination(ip) & 0xFFFF_FFFFL : view.addressLow(ip, false);
        numbers[4] = (long) length << 1 | (ipv4 ? 0 : 1);
        Sized sized = byNumbers.get(numbers);
        if (sized == null) {
            String destination;
            String sourceNet;
            String destinationNet;
            if (ipv4) {
                destination = IpText.format(view.ipv4Destination(ip));
                sourceNet = IpText.format(view.ipv4Source(ip) & 0xFFFFFF00) + "/24";
                destinationNet = IpText.format(view.ipv4Destination(ip) & 0xFFFFFF00) + "/24";
            } else {
                destination = IpText.formatIpv6(view.addressHigh(ip, false), view.addressLow(ip, false));
                sourceNet = IpText.formatIpv6(view.addressHigh(ip, true), 0) + "/64";
                destinationNet = IpText.formatIpv6(view.addressHigh(ip, false), 0) + "/64";
            }
            SizeKey key = new SizeKey(packet.point(), sourceNet, destinationNet, length, destination);
            if (sizes.size() >= MAX_KEYS && !sizes.contains(key)) {
                return;
            }
            sized = sizes.computeIfAbsent(key, packet, k -> new Sized(packet.evidence()));
            byNumbers.put(numbers, sized);
        }
        sized.packets.add(packet);
    }

    @Override
    public void mergeFrom(Rule other) {
        byNumbers = new LongTupleMap<>(3);
        sizes.mergeFrom(((OversizeForOverlayRule) other).sizes, (mine, theirs) -> mine.packets.mergeFrom(theirs.packets),
                MAX_KEYS);
    }

    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        AnalysisContext.Mtu overlay = context.overlayMtu();
        if (overlay == null) {
            return;
        }
        // each family against its own overlay (dual stack: flannel.1 and flannel-v6.1 differ)
        AnalysisContext.Mtu overlay4 = context.overlayMtu(false);
        AnalysisContext.Mtu overlay6 = context.overlayMtu(true);
        List<PacketCount> counts = new ArrayList<>();
        int largest = 0;
        Set<String> points = new LinkedHashSet<>();
        List<Evidence> samples = new ArrayList<>();
        for (Map.Entry<SizeKey, Sized> entry : sizes.map().entrySet()) {
            String point = entry.getKey().point();
            String sourceNet = entry.getKey().sourceNet();
            String destinationNet = entry.getKey().destinationNet();
            int length = entry.getKey().length();
            String destination = entry.getKey().destination();
            boolean crossesOverlay = !sourceNet.equals(destinationNet) && context.isPodAddress(destination);
            AnalysisContext.Mtu family = destination.indexOf(':') >= 0 ? overlay6 : overlay4;
            if (!context.podSide(point) || !crossesOverlay || length <= family.value()) {
                continue;
            }
            overlay = largest == 0 || family.value() < overlay.value() ? family : overlay;
            counts.add(entry.getValue().packets);
            largest = Math.max(largest, length);
            points.add(point);
            if (samples.size() < 6) {
                samples.add(entry.getValue().first);
            }
        }
        if (counts.isEmpty()) {
            return;
        }
        long count = PacketCount.union(counts);
        findings.add(new Finding(kind(), Severity.WARNING,
                count + " packets of up to " + largest + " bytes left pods for other hosts' pods, but the overlay "
                        + "carries at most " + overlay.value() + " (" + overlay.source() + ").",
                List.copyOf(points), samples, count,
                "Set the pod and bridge MTU to " + overlay.value() + " to match FLANNEL_MTU (docker: --mtu="
                        + overlay.value() + "; CNI: \"mtu\": " + overlay.value() + "), so pods never build packets "
                        + "the overlay has to fragment or refuse.",
                overlay.basis(), overlay.confidence(),
                List.of("packets above " + WATCH_FROM + " bytes at pod and bridge points, bound for pods of other "
                        + "hosts, super-frames aside: " + count + ", up to " + largest + " bytes", overlay.checked()),
                overlay.strongerWith()));
    }
}
