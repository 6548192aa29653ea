package io.tunnelscope.anomaly;

import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.report.Basis;
import io.tunnelscope.report.Confidence;
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
 * {@code MSS_MISMATCH}: a SYN between pods on different hosts announces a maximum segment size
 * the overlay cannot carry (more than the overlay MTU less the IP and TCP headers: 40 bytes over
 * IPv4, 60 over IPv6, each family judged against the overlay that carries it), so full-size
 * segments will need fragmentation or path MTU discovery (RFC 879, RFC 1191, RFC 8201).
 */
public final class MssMismatchRule implements Rule {
    private static final int MAX_KEYS = 1024;

    private static final class Announcement {
        /** The SYNs, each once however many points saw it. */
        final PacketCount syns = new PacketCount();
        final FirstSeen<String, Void> points = new FirstSeen<>();
        final EvidenceSample evidence = new EvidenceSample(4);

        void mergeFrom(Announcement other) {
            syns.mergeFrom(other.syns);
            points.mergeFrom(other.points, Integer.MAX_VALUE);
            evidence.mergeFrom(other.evidence);
        }
    }

    /** An announcement's key: numbers, never text parsed back (IPv4 in {@code sourceLow}, high 0). */
    private record AnnouncementKey(boolean ipv6, long sourceHigh, long sourceLow, long destinationHigh,
                                   long destinationLow, int mss) {
        String source() {
            return ipv6 ? IpText.formatIpv6(sourceHigh, sourceLow) : IpText.format((int) sourceLow);
        }

        String destination() {
            return ipv6 ? IpText.formatIpv6(destinationHigh, destinationLow) : IpText.format((int) destinationLow);
        }
    }

    /** By source, destination and MSS: the first {@value #MAX_KEYS} seen. */
    private final FirstSeen<AnnouncementKey, Announcement> announcements = new FirstSeen<>();

    @Override
    public String kind() {
        return "MSS_MISMATCH";
    }

    @Override
    public String description() {
        return "TCP connections between pods announce a segment size the overlay can carry";
    }

    @Override
    public void packet(PacketContext packet) {
        PacketView view = packet.view();
        int ip = view.innerIpLayer();
        int transport = ip < 0 ? -1 : view.transportLayer(ip);
        if (transport < 0 || packet.stack().type(transport) != LayerType.TCP || view.ipVersion(ip) < 0
                || view.encapsulationCount() > 0) {
            return;
        }
        int flags = view.tcpFlags(transport);
        if (flags < 0 || (flags & 0x02) == 0) {
            return;
        }
        int mss = view.tcpMss(transport);
        if (mss <= 0) {
            return;
        }
        AnnouncementKey key;
        if (view.ipVersion(ip) == 6) {
            java.nio.ByteBuffer b = packet.stack().buffer();
            int src = view.ipv6SourceOffset(ip);
            int dst = view.ipv6DestinationOffset(ip);
            key = new AnnouncementKey(true, b.getLong(src), b.getLong(src + Long.BYTES), b.getLong(dst),
                    b.getLong(dst + Long.BYTES), mss);
        } else {
            key = new AnnouncementKey(false, 0, view.ipv4Source(ip) & 0xffffffffL, 0,
                    view.ipv4Destination(ip) & 0xffffffffL, mss);
        }
        if (announcements.size() >= MAX_KEYS && !announcements.contains(key)) {
            return;
        }
        Announcement a = announcements.computeIfAbsent(key, packet, k -> new Announcement());
        a.syns.add(packet);
        a.points.add(packet.point(), packet);
        a.evidence.add(packet);
    }

    @Override
    public void mergeFrom(Rule other) {
        announcements.mergeFrom(((MssMismatchRule) other).announcements, Announcement::mergeFrom, MAX_KEYS);
    }

    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        finish(context, findings, false);
        finish(context, findings, true);
    }

    /** One family's SYNs against the overlay that carries that family. */
    private void finish(AnalysisContext context, List<Finding> findings, boolean ipv6) {
        AnalysisContext.Mtu overlay = context.overlayMtu(ipv6);
        if (overlay == null) {
            return;
        }
        int headers = ipv6 ? 60 : 40;
        int limit = overlay.value() - headers;
        Map<Integer, List<String>> bySize = new LinkedHashMap<>();
        Map<Integer, Set<String>> points = new LinkedHashMap<>();
        Map<Integer, List<Evidence>> evidence = new LinkedHashMap<>();
        Map<Integer, List<PacketCount>> syns = new LinkedHashMap<>();
        for (Map.Entry<AnnouncementKey, Announcement> entry : announcements.map().entrySet()) {
            if (entry.getKey().ipv6() != ipv6) {
                continue;
            }
            String source = entry.getKey().source();
            int mss = entry.getKey().mss();
            String sourceNet = context.podSubnet(source);
            String destinationNet = context.podSubnet(entry.getKey().destination());
            boolean crossesOverlay = sourceNet != null && destinationNet != null && !sourceNet.equals(destinationNet);
            if (!crossesOverlay || mss <= limit) {
                continue;
            }
            List<String> senders = bySize.computeIfAbsent(mss, k -> new ArrayList<>());
            if (!senders.contains(source)) {
                senders.add(source);
            }
            points.computeIfAbsent(mss, k -> new LinkedHashSet<>()).addAll(entry.getValue().points.keys());
            List<Evidence> sample = evidence.computeIfAbsent(mss, k -> new ArrayList<>());
            for (Evidence e : entry.getValue().evidence.list()) {
                if (sample.size() < 6) {
                    sample.add(e);
                }
            }
            syns.computeIfAbsent(mss, k -> new ArrayList<>()).add(entry.getValue().syns);
        }
        for (Map.Entry<Integer, List<String>> entry : bySize.entrySet()) {
            int mss = entry.getKey();
            findings.add(new Finding(kind(), Severity.WARNING,
                    "SYNs from " + String.join(", ", entry.getValue()) + " to pods on other hosts announce MSS " + mss
                            + ", but the overlay carries segments of at most " + limit + " bytes (MTU "
                            + overlay.value() + ", " + overlay.source() + ").",
                    List.copyOf(points.get(mss)), evidence.get(mss), PacketCount.union(syns.get(mss)),
                    "Set the pod MTU to " + overlay.value() + " (the MSS follows it), or clamp it on the hosts: '"
                            + (ipv6 ? "ip6tables" : "iptables") + " -t mangle -A FORWARD -p tcp --tcp-flags SYN,RST SYN "
                            + "-j TCPMSS --clamp-mss-to-pmtu'.",
                    overlay.basis(), overlay.confidence(),
                    List.of("SYNs between pod subnets of different hosts announcing MSS " + mss + ": "
                                    + PacketCount.union(syns.get(mss)),
                            overlay.checked()),
                    overlay.strongerWith()));
        }
    }
}
