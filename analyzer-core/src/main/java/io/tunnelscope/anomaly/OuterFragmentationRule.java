package io.tunnelscope.anomaly;

import io.tunnelscope.decode.Encapsulation;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.report.Evidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code OUTER_FRAGMENTATION}: tunnel packets fragmented in the underlay — the underlay MTU is below
 * the overlay MTU plus the tunnel overhead (50 bytes for VXLAN over IPv4, 28 for flannel UDP). A
 * first fragment shows the tunnel inside it; the later fragments of the same outer packet (same
 * source, destination and IP ID) are counted with it.
 */
public final class OuterFragmentationRule implements Rule {
    private static final int MAX_TRACKED = 100_000;

    private static final class Pair {
        final String source;
        final String destination;
        final String encap;
        final Set<Long> packets = new HashSet<>();
        final Set<String> points = new LinkedHashSet<>();
        final List<Evidence> evidence = new ArrayList<>();
        int largestFragment;

        Pair(String source, String destination, String encap) {
            this.source = source;
            this.destination = destination;
            this.encap = encap;
        }
    }

    private final Map<String, Pair> pairs = new LinkedHashMap<>();
    /** Outer (source, destination, ID) of tunnel packets whose first fragment was seen. */
    private final Map<Long, Pair> tunnelPackets = new LinkedHashMap<>();
    private final StringBuilder text = new StringBuilder();

    @Override
    public String kind() {
        return "OUTER_FRAGMENTATION";
    }

    @Override
    public String description() {
        return "tunnel packets are not fragmented in the underlay";
    }

    @Override
    public void packet(PacketContext packet) {
        PacketView view = packet.view();
        int outer = view.outerIpLayer();
        if (outer < 0 || !view.moreFragments(outer) && view.fragmentOffset(outer) <= 0) {
            return;
        }
        long key = ((long) view.ipv4Source(outer) * 31 + view.ipv4Destination(outer)) * 65599 + view.ipId(outer);
        Pair pair;
        if (view.encapsulationCount() > 0) {
            text.setLength(0);
            view.appendSource(outer, text);
            String source = text.toString();
            text.setLength(0);
            view.appendDestination(outer, text);
            String destination = text.toString();
            String encap = Encapsulation.name(view.encapsulation(0));
            pair = pairs.computeIfAbsent(source + " " + destination + " " + encap,
                    k -> new Pair(source, destination, encap));
            if (tunnelPackets.size() < MAX_TRACKED) {
                tunnelPackets.put(key, pair);
            }
        } else {
            pair = tunnelPackets.get(key);
            if (pair == null) {
                return;
            }
        }
        pair.packets.add(key);
        pair.points.add(packet.point());
        pair.largestFragment = Math.max(pair.largestFragment, view.ipTotalLength(outer));
        if (pair.evidence.size() < 6) {
            pair.evidence.add(packet.evidence());
        }
    }

    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        AnalysisContext.Mtu overlay = context.overlayMtu();
        if (overlay == null) {
            return;
        }
        for (Pair pair : pairs.values()) {
            int overhead = AnalysisContext.overhead(pair.encap);
            int needed = overlay.value() + overhead;
            int largest = pair.largestFragment;
            findings.add(new Finding(kind(), Severity.WARNING,
                    pair.packets.size() + " " + pair.encap + " packets from " + pair.source + " to " + pair.destination
                            + " were fragmented in the underlay (fragments of at most " + largest + " bytes, so the "
                            + "underlay MTU is about " + largest + "-" + (largest + 7) + " bytes, below the "
                            + overlay.value() + " + " + overhead + " = " + needed + " a full overlay packet needs).",
                    List.copyOf(pair.points), pair.evidence, pair.packets.size(),
                    "Raise the underlay MTU to at least " + needed + ", or lower FLANNEL_MTU to the underlay MTU minus "
                            + overhead + " (about " + (largest - overhead) + ") and the pod and bridge MTU with it: "
                            + "fragmented tunnel packets cost double headers, reassembly on the receiving host, and "
                            + "the whole packet when one fragment is lost."));
        }
    }
}
