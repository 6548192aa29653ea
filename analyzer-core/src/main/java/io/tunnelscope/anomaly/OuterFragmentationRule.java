package io.tunnelscope.anomaly;

import io.tunnelscope.decode.Encapsulation;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.report.Basis;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.Evidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code OUTER_FRAGMENTATION}: tunnel packets fragmented in the underlay — the underlay MTU is below
 * the overlay MTU plus the tunnel overhead (50 bytes for VXLAN over IPv4, 28 for flannel UDP). A
 * first fragment shows the tunnel inside it; the later fragments of the same outer packet (same
 * source, destination and IP ID) are counted with it.
 *
 * <p>The largest fragment brackets the underlay MTU (fragments carry multiples of 8 bytes: the MTU
 * is that size to 7 bytes more). Only a bracket wholly below what a full overlay packet needs says
 * the underlay is too small; otherwise the tunnel carried packets larger than a full overlay
 * packet — GSO/TSO super-frames tunnelled or mirrored (ERSPAN, VXLAN mirroring) before
 * segmentation, or inner packets above the overlay MTU — and that is a note, not an MTU to change.
 */
public final class OuterFragmentationRule implements Rule {
    private static final int MAX_TRACKED = 100_000;

    private static final class Pair {
        /** The key of this pair in {@link #pairs}. */
        final String name;
        final String source;
        final String destination;
        final String encap;
        final Set<Long> packets = new HashSet<>();
        final FirstSeen<String, Void> points = new FirstSeen<>();
        final EvidenceSample evidence = new EvidenceSample(6);
        int largestFragment;
        /** First fragments whose inner packet is a GSO/TSO or BIG TCP super-frame. */
        long superFrames;

        Pair(String name, String source, String destination, String encap) {
            this.name = name;
            this.source = source;
            this.destination = destination;
            this.encap = encap;
        }

        void mergeFrom(Pair other) {
            packets.addAll(other.packets);
            points.mergeFrom(other.points, Integer.MAX_VALUE);
            evidence.mergeFrom(other.evidence);
            largestFragment = Math.max(largestFragment, other.largestFragment);
            superFrames += other.superFrames;
        }
    }

    /** A tunnel packet whose first fragment was seen: its pair, and when that fragment came. */
    private record Tracked(String pair, PacketOrder first) {
    }

    /**
     * A later fragment of no tunnel packet known when it came. Its first fragment may have been
     * seen earlier in another file (another point saw the same outer packet), which only merging
     * the files' states tells.
     */
    private record Orphan(long key, String point, Evidence evidence, PacketOrder order, int length) {
    }

    private final FirstSeen<String, Pair> pairs = new FirstSeen<>();
    /** Outer (source, destination, ID) of tunnel packets whose first fragment was seen. */
    private final Map<Long, Tracked> tunnelPackets = new LinkedHashMap<>();
    private final List<Orphan> orphans = new ArrayList<>();
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
            pair = pairs.computeIfAbsent(source + " " + destination + " " + encap, packet,
                    k -> new Pair(k, source, destination, encap));
            if (tunnelPackets.size() < MAX_TRACKED && !tunnelPackets.containsKey(key)) {
                tunnelPackets.put(key, new Tracked(pair.name, packet.order()));
                int inner = view.carriedIpLayer();
                if (inner >= 0 && inner != outer && SizeFacts.isSuperFrame(packet.stack(), view, inner)) {
                    pair.superFrames++;
                }
            }
        } else {
            Tracked tracked = tunnelPackets.get(key);
            if (tracked == null) {
                if (orphans.size() < MAX_TRACKED) {
                    orphans.add(new Orphan(key, packet.point(), packet.evidence(), packet.order(),
                            view.ipTotalLength(outer)));
                }
                return;
            }
            pair = pairs.get(tracked.pair());
        }
        pair.packets.add(key);
        pair.points.add(packet.point(), packet);
        pair.largestFragment = Math.max(pair.largestFragment, view.ipTotalLength(outer));
        pair.evidence.add(packet);
    }

    /**
     * Pairs and tracked packets are united (a packet keeps its earliest first fragment); then every
     * orphan fragment whose first fragment came before it, in either file, is counted with it.
     */
    @Override
    public void mergeFrom(Rule other) {
        OuterFragmentationRule theirs = (OuterFragmentationRule) other;
        pairs.mergeFrom(theirs.pairs, Pair::mergeFrom, Integer.MAX_VALUE);
        for (Map.Entry<Long, Tracked> entry : theirs.tunnelPackets.entrySet()) {
            tunnelPackets.merge(entry.getKey(), entry.getValue(),
                    (mine, more) -> more.first().compareTo(mine.first()) < 0 ? more : mine);
        }
        if (tunnelPackets.size() > MAX_TRACKED) {
            List<Map.Entry<Long, Tracked>> tracked = new ArrayList<>(tunnelPackets.entrySet());
            tracked.sort(Map.Entry.comparingByValue((a, b) -> a.first().compareTo(b.first())));
            tunnelPackets.clear();
            for (Map.Entry<Long, Tracked> entry : tracked.subList(0, MAX_TRACKED)) {
                tunnelPackets.put(entry.getKey(), entry.getValue());
            }
        }
        List<Orphan> all = new ArrayList<>(orphans);
        all.addAll(theirs.orphans);
        orphans.clear();
        for (Orphan orphan : all) {
            Tracked tracked = tunnelPackets.get(orphan.key());
            if (tracked == null || tracked.first().compareTo(orphan.order()) > 0) {
                if (orphans.size() < MAX_TRACKED) {
                    orphans.add(orphan);
                }
                continue;
            }
            Pair pair = pairs.get(tracked.pair());
            pair.packets.add(orphan.key());
            pair.points.add(orphan.point(), null, orphan.order());
            pair.largestFragment = Math.max(pair.largestFragment, orphan.length());
            EvidenceSample one = new EvidenceSample(1);
            one.add(orphan.evidence(), orphan.order());
            pair.evidence.mergeFrom(one);
        }
    }

    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        AnalysisContext.Mtu overlay = context.overlayMtu();
        if (overlay == null) {
            return;
        }
        for (Pair pair : pairs.map().values()) {
            int overhead = context.tunnelOverhead(pair.encap);
            int needed = overlay.value() + overhead;
            int largest = pair.largestFragment;
            String fragmented = pair.packets.size() + " " + pair.encap + " packets from " + pair.source + " to "
                    + pair.destination + " were fragmented in the underlay";
            String bracket = "the largest fragment: " + largest + " bytes, so the underlay MTU is " + largest + "-"
                    + (largest + 7) + " (fragments carry multiples of 8)";
            String sizeCheck = "the fragment size against what real links carry (" + LinkLimits.describe(false) + "): ";
            List<String> points = List.copyOf(pair.points.keys());
            if (!LinkLimits.plausibleFragment(largest)) {
                findings.add(new Finding(kind(), Severity.WARNING,
                        fragmented + " in fragments of at most " + largest + " bytes, far below any real link's MTU: "
                                + "crafted traffic or an attempt to slip past a filter, not an underlay MTU.",
                        points, pair.evidence.list(), pair.packets.size(),
                        "No MTU to change. Find who sends these fragments to " + pair.destination + " and have the "
                                + "edge drop tiny fragments (RFC 1858).",
                        Basis.OBSERVED, Confidence.HIGH, List.of(bracket, sizeCheck + "impossible"), List.of()));
            } else if (underlayBelow(largest, needed)) {
                findings.add(new Finding(kind(), Severity.WARNING,
                        fragmented + " (fragments of at most " + largest + " bytes, so the underlay MTU is about "
                                + largest + "-" + (largest + 7) + " bytes, below the " + overlay.value() + " + "
                                + overhead + " = " + needed + " a full overlay packet needs).",
                        points, pair.evidence.list(), pair.packets.size(),
                        "Raise the underlay MTU to at least " + needed + ", or lower FLANNEL_MTU to the underlay MTU "
                                + "minus " + overhead + " (about " + (largest - overhead) + ") and the pod and bridge "
                                + "MTU with it: fragmented tunnel packets cost double headers, reassembly on the "
                                + "receiving host, and the whole packet when one fragment is lost.",
                        Basis.OBSERVED, overlay.confidence() == Confidence.LOW ? Confidence.MEDIUM : Confidence.HIGH,
                        List.of(bracket, sizeCheck + "possible", overlay.checked()),
                        List.of("the underlay device's configured MTU ('ip link show' on the tunnel's path)")));
            } else {
                String superFrames = pair.superFrames == 0 ? ""
                        : "; " + pair.superFrames + " of them carried GSO/TSO super-frames, offload artefacts";
                findings.add(new Finding(kind(), Severity.INFO,
                        fragmented + " in fragments of up to " + largest + " bytes: the underlay carries at least "
                                + largest + ", enough for a full overlay packet (" + overlay.value() + " + " + overhead
                                + " = " + needed + "), so what was fragmented was larger than the overlay MTU"
                                + superFrames + ".",
                        points, pair.evidence.list(), pair.packets.size(),
                        "No underlay MTU to change. A tunnel that mirrors traffic (ERSPAN, VXLAN mirroring) copies "
                                + "GSO/TSO super-frames before the NIC segments them: mirror after segmentation or "
                                + "turn GSO/TSO off on the mirrored interface; otherwise find what sends packets "
                                + "above the overlay MTU into the tunnel.",
                        Basis.OBSERVED, Confidence.HIGH,
                        List.of(bracket, "first fragments whose inner packet is a GSO/TSO super-frame: "
                                + pair.superFrames, overlay.checked()),
                        List.of()));
            }
        }
    }

    /**
     * True when the largest fragment of tunnel packets shows an underlay MTU below {@code needed}:
     * fragments carry multiples of 8 bytes, so the MTU is the largest fragment to 7 bytes more,
     * and all of that bracket must be below.
     */
    static boolean underlayBelow(int largestFragment, int needed) {
        return largestFragment + 7 < needed;
    }
}
