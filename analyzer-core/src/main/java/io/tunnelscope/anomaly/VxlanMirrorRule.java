package io.tunnelscope.anomaly;

import io.tunnelscope.report.Basis;
import io.tunnelscope.report.Confidence;
import io.tunnelscope.report.Finding;
import io.tunnelscope.report.Severity;
import java.util.List;

/**
 * {@code VXLAN_MIRROR}: VXLAN packets to a host that never sends anything, carrying both
 * directions of conversations: a one-way traffic mirroring session (cloud traffic mirroring, a
 * {@code tc mirred} to a VXLAN device) sending copies to a collector, which by design never
 * answers. Named so, instead of a VTEP that does not answer ({@link UnknownVtepRule}).
 */
public final class VxlanMirrorRule implements Rule {
    private final VxlanDestinations destinations;

    /** With a gatherer of its own. */
    public VxlanMirrorRule() {
        this(new VxlanDestinations());
    }

    /** Sharing {@code destinations} with the other rule that judges VXLAN destinations. */
    VxlanMirrorRule(VxlanDestinations destinations) {
        this.destinations = destinations;
    }

    @Override
    public String kind() {
        return "VXLAN_MIRROR";
    }

    @Override
    public String description() {
        return "VXLAN sent to a host that never answers is recognised as a mirroring session";
    }

    @Override
    public void packet(PacketContext packet) {
        destinations.packet(packet);
    }

    @Override
    public void mergeFrom(Rule other) {
        destinations.mergeFrom(((VxlanMirrorRule) other).destinations);
    }

    @Override
    public void finish(AnalysisContext context, List<Finding> findings) {
        for (VxlanDestinations.Judgement j : destinations.silentDestinations(context)) {
            if (!j.mirroring()) {
                continue;
            }
            findings.add(new Finding(kind(), Severity.INFO,
                    j.packets() + " VXLAN packets went to " + j.address() + ", which never sent anything in these "
                            + "captures, carrying both directions of " + j.twoWayInnerPairs() + " conversation"
                            + (j.twoWayInnerPairs() == 1 ? "" : "s") + " (" + String.join(", ", j.innerExamples())
                            + "): a one-way traffic mirroring session to a collector, which never answers.",
                    j.points(), j.evidence(), j.packets(),
                    "Nothing to fix if " + j.address() + " collects mirrored traffic. If it should not, find the "
                            + "mirror on the sending host ('tc filter show dev <interface> ingress' and 'egress' for "
                            + "a mirred action to a VXLAN device, or the cloud's traffic mirroring sessions).",
                    Basis.INFERRED, j.receiveSideVisible() ? Confidence.HIGH : Confidence.MEDIUM,
                    UnknownVtepRule.checked(j),
                    j.receiveSideVisible() ? List.of()
                            : List.of("a capture that sees the sending node's incoming traffic too, to show that "
                                    + j.address() + " sends nothing back")));
        }
    }
}
