package io.tunnelscope.anomaly;

import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.Note;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.report.Basis;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.Evidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code INNER_FRAGMENTATION}: pod traffic arrives in IP fragments — packets larger than the
 * overlay sent without DF, split by the host before encapsulation (or by the sender itself). Seen
 * on pod, bridge and overlay points, and inside tunnels on the underlay; a fragment on the
 * underlay with no tunnel inside is outer fragmentation, another rule's business.
 *
 * <p>Fragments no real link makes are suspicious traffic, reported apart and not as an MTU to
 * change: tiny ones (a fragment that is not the last and is smaller than any real link's MTU, or
 * a first fragment that splits the transport header, RFC 1858) and overlapping ones (two
 * fragments of one packet covering some of the same bytes differently, RFC 1858, RFC 5722).
 */
public final class InnerFragmentationRule implements Rule {
    private static final int MAX_EVIDENCE = 6;
    private static final int MAX_PACKETS = 100_000;
    /** Packets whose fragments' byte ranges are kept to find overlaps, per point. */
    private static final int MAX_RANGED_PACKETS = 4096;
    /** Fragments kept per packet for the overlap check. */
    private static final int MAX_RANGES = 16;

    /** The fragments one point saw, inside tunnels or not. */
    private static final class Fragments {
        final Set<Long> packets = new HashSet<>();
        final Set<String> flows = new LinkedHashSet<>();
        final List<Evidence> evidence = new ArrayList<>();
        /** Packets with a tiny fragment, and with overlapping fragments. */
        final Set<Long> tiny = new HashSet<>();
        final Set<Long> overlapping = new HashSet<>();
        final List<Evidence> suspiciousEvidence = new ArrayList<>();
        /** Per packet, the [offset, end) of its fragments seen here (the first few packets). */
        final Map<Long, List<int[]>> ranges = new HashMap<>();
    }

    /** A capture point and whether its fragments were inside a tunnel. */
    private record PointKey(String point, boolean tunnelled) {
    }

    /** By point and tunnelling. A point's packets all come from one file, so merging is a union of keys. */
    private final FirstSeen<PointKey, Fragments> byPoint = new FirstSeen<>();
    private final StringBuilder text = new StringBuilder();

    @Override
    public String kind() {
        return "INNER_FRAGMENTATION";
    }

    @Override
    public String description() {
        return "pod traffic is not fragmented";
    }

    @Override
    public void packet(PacketContext packet) {
        PacketView view = packet.view();
        // The IP the innermost tunnel carries: a tunnel packet whose own outer header is a
        // fragment (GRE carrying no IP we decode, say) is outer fragmentation.
        int ip = view.carriedIpLayer();
        if (ip < 0 || !view.moreFragments(ip) && view.fragmentOffset(ip) <= 0 || isTunnelProtocol(view.ipProtocol(ip))) {
            return;
        }
        boolean tunnelled = view.encapsulationCount() > 0;
        text.setLength(0);
        view.appendSource(ip, text);
        text.append(" > ");
        view.appendDestination(ip, text);
        String flow = text.toString();
        PointKey key = new PointKey(packet.point(), tunnelled);
        Fragments fragments = byPoint.computeIfAbsent(key, packet, k -> new Fragments());
        long id = ((long) flow.hashCode() << 32) ^ view.ipId(ip);
        if (fragments.packets.size() < MAX_PACKETS) {
            fragments.packets.add(id);
        }
        if (fragments.flows.size() < 8) {
            fragments.flows.add(flow);
        }
        if (fragments.evidence.size() < 2) {
            fragments.evidence.add(packet.evidence());
        }
        boolean suspicious = false;
        if (isTiny(packet.stack(), view, ip)) {
            suspicious |= fragments.tiny.size() < MAX_PACKETS && fragments.tiny.add(id);
        }
        int offset = view.fragmentOffset(ip);
        int end = offset + Math.max(0, packet.stack().declaredEnd(ip) - packet.stack().payloadOffset(ip));
        List<int[]> seen = fragments.ranges.get(id);
        if (seen == null && fragments.ranges.size() < MAX_RANGED_PACKETS) {
            seen = new ArrayList<>();
            fragments.ranges.put(id, seen);
        }
        if (seen != null) {
            for (int[] range : seen) {
                // The same fragment twice is a duplicate; different ones sharing bytes overlap.
                boolean same = range[0] == offset && range[1] == end;
                if (!same && offset < range[1] && range[0] < end) {
                    suspicious |= fragments.overlapping.add(id);
                }
            }
            if (seen.size() < MAX_RANGES) {
                seen.add(new int[] {offset, end});
            }
        }
        if (suspicious && fragments.suspiciousEvidence.size() < MAX_EVIDENCE) {
            fragments.suspiciousEvidence.add(packet.evidence());
        }
    }

    /**
     * A fragment that is not the last and is smaller than any real link's MTU (IPv4: 576, IPv6:
     * 1280), or a first fragment that ends inside the transport header.
     */
    private static boolean isTiny(LayerStack stack, PacketView view, int ip) {
        for (int n = 0; n < stack.noteCount(); n++) {
            if (stack.note(n) == Note.FRAGMENT_HEADER_SHORT) {
                return true;
            }
        }
        int smallest = view.ipVersion(ip) == 6 ? LinkLimits.IPV6_MINIMUM_MTU : LinkLimits.IPV4_SMALLEST_REAL_MTU;
        return view.moreFragments(ip) && view.ipTotalLength(ip) < smallest;
    }

    /**
     * IP-in-IP (4, 41) and GRE (47): a fragment of such a packet is a tunnel packet split in the
     * underlay, outer fragmentation (its later fragments show no tunnel header to say so).
     */
    private static boolean isTunnelProtocol(int protocol) {
        return protocol == 4 || protocol == 41 || protocol == 47;
    }

    /** {@code 3 devices (host1 docker0, ...)}, or the one device. */
    static String describe(List<String> devices) {
        return devices.size() == 1 ? devices.get(0) : devices.size() + " devices (" + String.join(", ", devices) + ")";
    }

    @Override
    public void mergeFrom(Rule other) {
        byPoint.mergeFrom(((InnerFragmentationRule) other).byPoint, (mine, theirs) -> {
            throw new IllegalStateException("a capture point's packets come from one file");
        }, Integer.MAX_VALUE);
    }

    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        Set<Long> distinct = new HashSet<>();
        Set<Long> suspicious = new HashSet<>();
        long tiny = 0;
        long overlapping = 0;
        List<String> points = new ArrayList<>();
        List<String> suspiciousPoints = new ArrayList<>();
        Set<String> flows = new LinkedHashSet<>();
        List<Evidence> evidence = new ArrayList<>();
        List<Evidence> suspiciousEvidence = new ArrayList<>();
        for (Map.Entry<PointKey, Fragments> entry : byPoint.map().entrySet()) {
            boolean tunnelled = entry.getKey().tunnelled();
            String point = entry.getKey().point();
            if (!tunnelled && context.role(point).equals("underlay")) {
                continue;
            }
            Fragments fragments = entry.getValue();
            Set<Long> odd = new HashSet<>(fragments.tiny);
            odd.addAll(fragments.overlapping);
            tiny += fragments.tiny.size();
            overlapping += fragments.overlapping.size();
            suspicious.addAll(odd);
            if (!odd.isEmpty() && !suspiciousPoints.contains(point)) {
                suspiciousPoints.add(point);
            }
            for (Evidence e : fragments.suspiciousEvidence) {
                if (suspiciousEvidence.size() < MAX_EVIDENCE) {
                    suspiciousEvidence.add(e);
                }
            }
            boolean regular = false;
            for (Long id : fragments.packets) {
                if (!odd.contains(id)) {
                    distinct.add(id);
                    regular = true;
                }
            }
            if (!regular) {
                continue;
            }
            flows.addAll(fragments.flows);
            for (Evidence e : fragments.evidence) {
                if (evidence.size() < MAX_EVIDENCE) {
                    evidence.add(e);
                }
            }
            if (!points.contains(point)) {
                points.add(point);
            }
        }
        distinct.removeAll(suspicious);
        if (!suspicious.isEmpty()) {
            findings.add(new Finding(kind(), Severity.WARNING,
                    suspicious.size() + " packet" + (suspicious.size() == 1 ? " came" : "s came")
                            + " in fragments no real link makes (" + tiny + " with tiny fragments, " + overlapping
                            + " with overlapping ones), seen on " + describe(context.devices(suspiciousPoints))
                            + ": crafted traffic or an attempt to slip past a filter, not an MTU problem.",
                    suspiciousPoints, suspiciousEvidence, suspicious.size(),
                    "No MTU to change. Find the sender of these fragments, and have the edge drop tiny and "
                            + "overlapping fragments (RFC 1858; RFC 5722 for IPv6).",
                    Basis.OBSERVED, Confidence.HIGH,
                    List.of("fragments that are not the last and are smaller than any real link's MTU ("
                                    + LinkLimits.IPV4_SMALLEST_REAL_MTU + " bytes IPv4, " + LinkLimits.IPV6_MINIMUM_MTU
                                    + " IPv6), or first fragments that split the transport header: " + tiny + " packets",
                            "fragments of one packet covering some of the same bytes differently: " + overlapping
                                    + " packets (of the first " + MAX_RANGED_PACKETS + " per point)"),
                    List.of()));
        }
        if (distinct.isEmpty()) {
            return;
        }
        boolean pods = context.topologyRecognised();
        AnalysisContext.Mtu overlay = context.overlayMtu();
        String limit = overlay == null ? "the path MTU"
                : "the overlay carries (" + overlay.value() + " bytes, " + overlay.source() + ")";
        String what = pods ? "pod packet" : "packet";
        String recommendation = pods
                ? "Pods send packets larger than " + limit + " without DF, so they are split on the way: every "
                        + "fragment costs a header and one lost fragment loses the packet. Set the pod and bridge MTU "
                        + "to " + (overlay == null ? "the path MTU" : Integer.toString(overlay.value())) + "."
                : "The senders send packets larger than the path MTU without DF, so they are split on the way: "
                        + "every fragment costs a header and one lost fragment loses the packet. Lower the senders' "
                        + "MTU to the path MTU, or let path MTU discovery work (DF set, ICMP let through).";
        findings.add(new Finding(kind(), Severity.WARNING,
                distinct.size() + " " + what + (distinct.size() == 1 ? " was" : "s were") + " fragmented ("
                        + String.join(", ", flows) + "), seen on " + describe(context.devices(points)) + ".",
                points, evidence, distinct.size(), recommendation,
                Basis.OBSERVED, Confidence.HIGH,
                List.of("IP fragments at pod, bridge and overlay points, and inside tunnels: " + distinct.size()
                                + " packets",
                        "fragment sizes against what real links carry (tiny and overlapping fragments are reported "
                                + "apart): regular",
                        "whether the captures show a container network (pod subnets with a VTEP or a bridge "
                                + "gateway): " + (pods ? "yes" : "no, so these are not called pod packets")),
                List.of()));
    }
}
