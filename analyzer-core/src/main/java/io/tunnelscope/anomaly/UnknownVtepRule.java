package io.tunnelscope.anomaly;

import io.tunnelscope.report.Basis;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code UNKNOWN_VTEP}: VXLAN packets sent to an address that is no VTEP of the topology — no
 * tunnel packet ever came from it in these captures. The classic cause is a node that left the
 * cluster while its route, neighbour and fdb entries stayed on the others.
 *
 * <p>Silence proves nothing where the captures could not have seen an answer. The finding is a
 * warning only when they could: an ICMP destination unreachable about it (observed, high), or
 * requests inside (pings, SYNs) that went unanswered long enough for any live peer to have
 * answered — high when the capture also shows it sees the answers' direction (tunnel packets
 * arriving at the sender, or the destination sending other traffic), medium otherwise. Anything
 * less is a low-confidence note saying what would tell. A destination that never sends anything
 * while it receives copies of both directions of conversations is a mirroring collector
 * ({@link VxlanMirrorRule}), not this.
 */
public final class UnknownVtepRule implements Rule {
    private final VxlanDestinations destinations;

    /** With a gatherer of its own. */
    public UnknownVtepRule() {
        this(new VxlanDestinations());
    }

    /** Sharing {@code destinations} with the other rule that judges VXLAN destinations. */
    UnknownVtepRule(VxlanDestinations destinations) {
        this.destinations = destinations;
    }

    @Override
    public String kind() {
        return "UNKNOWN_VTEP";
    }

    @Override
    public String description() {
        return "VXLAN packets only go to VTEPs of the topology";
    }

    @Override
    public void packet(PacketContext packet) {
        destinations.packet(packet);
    }

    @Override
    public void mergeFrom(Rule other) {
        destinations.mergeFrom(((UnknownVtepRule) other).destinations);
    }

    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        boolean cluster = context.topologyRecognised();
        for (VxlanDestinations.Judgement j : destinations.silentDestinations(context)) {
            if (j.mirroring()) {
                continue;
            }
            String address = j.address();
            String went = j.packets() + " VXLAN packets went to " + address + ", which sent no tunnel packet in these "
                    + "captures";
            String lookFor = "Look for stale entries pointing at " + address + " on the sending host ('ip route', "
                    + "'ip neigh show dev flannel.1', 'bridge fdb show dev flannel.1')"
                    + (cluster ? ": a node that left the cluster keeps receiving its pods' traffic until flanneld "
                    + "removes them. Restart flanneld or delete the entries." : ", and delete them.");
            List<String> checked = checked(j);
            Severity severity;
            Confidence confidence;
            String summary;
            String recommendation = lookFor;
            List<String> stronger = new ArrayList<>();
            if (j.unreachableMessages() > 0) {
                severity = Severity.WARNING;
                confidence = Confidence.HIGH;
                summary = went + ", and " + j.unreachableMessages() + " ICMP destination unreachable message"
                        + (j.unreachableMessages() == 1 ? "" : "s") + " came back about it: no VTEP answers there.";
            } else if (j.longUnanswered()) {
                severity = Severity.WARNING;
                boolean sees = j.receiveSideVisible() || j.sentToSenders();
                confidence = sees ? Confidence.HIGH : Confidence.MEDIUM;
                summary = went + "; the " + j.requests() + " requests inside (pings, SYNs) went unanswered for "
                        + seconds(j.windowNanos()) + (sees ? " where answers would have been seen" : "")
                        + ": no VTEP answers there.";
                if (!sees) {
                    stronger.add("a capture that sees the sending node's incoming traffic too (its underlay in both "
                            + "directions), or one on " + address + "'s node");
                }
            } else {
                severity = Severity.INFO;
                confidence = Confidence.LOW;
                summary = went + ", but these captures cannot show whether a VTEP answers there ("
                        + (j.requests() == 0 ? "nothing inside asks for an answer"
                        : j.unansweredRequests() ? j.requests() + " requests inside over " + seconds(j.windowNanos())
                        + ", too short a wait" : "the requests inside were answered")
                        + (j.receiveSideVisible() ? "" : "; the capture shows no traffic arriving at the sender")
                        + ").";
                recommendation = "Capture on " + address + "'s node too, or on the sending node's underlay in both "
                        + "directions for a few seconds of pings or connection attempts; if nothing answers, "
                        + Character.toLowerCase(lookFor.charAt(0)) + lookFor.substring(1);
                stronger.add("a capture on " + address + "'s node, or on the sending node's underlay in both "
                        + "directions");
                stronger.add("request/response traffic inside (pings, TCP connections) over at least "
                        + seconds(VxlanDestinations.UNANSWERED_WINDOW_NANOS));
            }
            findings.add(new Finding(kind(), severity, summary, j.points(), j.evidence(), j.packets(), recommendation,
                    Basis.OBSERVED, confidence, checked, stronger));
        }
    }

    /** What was looked for about a silent destination, as a finding's {@code checked}. */
    static List<String> checked(VxlanDestinations.Judgement j) {
        return List.of("tunnel packets from " + j.address() + ": none",
                "any packet from " + j.address() + ": " + (j.sentAnything() ? "yes" : "none"),
                "ICMP destination unreachable about UDP to " + j.address() + ": " + j.unreachableMessages(),
                "tunnel packets arriving at the sender where these left: "
                        + (j.receiveSideVisible() ? "yes" : "none"),
                "requests inside (pings, SYNs): " + j.requests() + (j.requests() == 0 ? ""
                        : j.unansweredRequests() ? ", none answered anywhere, over " + seconds(j.windowNanos())
                        : ", answered"),
                "inner conversations carried both ways (a mirroring session): " + j.twoWayInnerPairs());
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
