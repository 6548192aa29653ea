package io.tunnelscope.anomaly;

import io.tunnelscope.decode.PacketView;
import io.tunnelscope.report.Evidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.ArrayList;
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
 */
public final class InnerFragmentationRule implements Rule {
    private static final int MAX_EVIDENCE = 6;
    private static final int MAX_PACKETS = 100_000;

    /** The fragments one point saw, inside tunnels or not. */
    private static final class Fragments {
        final Set<Long> packets = new HashSet<>();
        final Set<String> flows = new LinkedHashSet<>();
        final List<Evidence> evidence = new ArrayList<>();
    }

    /**
     * By point, with a NUL appended when the fragment was not inside a tunnel. A point's packets
     * all come from one file, so merging is a union of keys.
     */
    private final FirstSeen<String, Fragments> byPoint = new FirstSeen<>();
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
        String key = packet.point() + (tunnelled ? "" : "\u0000");
        Fragments fragments = byPoint.computeIfAbsent(key, packet, k -> new Fragments());
        if (fragments.packets.size() < MAX_PACKETS) {
            fragments.packets.add(((long) flow.hashCode() << 32) ^ view.ipId(ip));
        }
        if (fragments.flows.size() < 8) {
            fragments.flows.add(flow);
        }
        if (fragments.evidence.size() < 2) {
            fragments.evidence.add(packet.evidence());
        }
    }

    /**
     * IP-in-IP (4, 41) and GRE (47): a fragment of such a packet is a tunnel packet split in the
     * underlay, outer fragmentation (its later fragments show no tunnel header to say so).
     */
    private static boolean isTunnelProtocol(int protocol) {
        return protocol == 4 || protocol == 41 || protocol == 47;
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
        List<String> points = new ArrayList<>();
        Set<String> flows = new LinkedHashSet<>();
        List<Evidence> evidence = new ArrayList<>();
        for (Map.Entry<String, Fragments> entry : byPoint.map().entrySet()) {
            boolean tunnelled = !entry.getKey().endsWith("\u0000");
            String point = tunnelled ? entry.getKey() : entry.getKey().substring(0, entry.getKey().length() - 1);
            if (!tunnelled && context.role(point).equals("underlay")) {
                continue;
            }
            distinct.addAll(entry.getValue().packets);
            flows.addAll(entry.getValue().flows);
            for (Evidence e : entry.getValue().evidence) {
                if (evidence.size() < MAX_EVIDENCE) {
                    evidence.add(e);
                }
            }
            if (!points.contains(point)) {
                points.add(point);
            }
        }
        if (distinct.isEmpty()) {
            return;
        }
        AnalysisContext.Mtu overlay = context.overlayMtu();
        String limit = overlay == null ? "the path MTU"
                : "the overlay carries (" + overlay.value() + " bytes, " + overlay.source() + ")";
        findings.add(new Finding(kind(), Severity.WARNING,
                distinct.size() + " pod packet" + (distinct.size() == 1 ? " was" : "s were") + " fragmented ("
                        + String.join(", ", flows) + "), seen at " + points.size() + " capture points.",
                points, evidence, distinct.size(),
                "Pods send packets larger than " + limit + " without DF, so they are split on the way: every "
                        + "fragment costs a header and one lost fragment loses the packet. Set the pod and bridge MTU "
                        + "to " + (overlay == null ? "the path MTU" : Integer.toString(overlay.value())) + "."));
    }
}
