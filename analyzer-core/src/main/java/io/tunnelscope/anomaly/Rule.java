package io.tunnelscope.anomaly;

import io.tunnelscope.report.Finding;
import java.util.List;

/**
 * One class of problem that overlays suffer from. A rule sees every decoded packet once (with the
 * capture point it was seen at) and, when all captures are read, turns what it gathered — with
 * the correlation's roles, topology, NAT table and losses — into at most a few findings, one per
 * cause. Rules keep bounded state. The packets may be shared out among several instances, one per
 * capture file, whose states are merged before {@code finish} ({@link #mergeFrom}).
 */
public interface Rule {
    /** The finding kind this rule reports, e.g. {@code FRAG_NEEDED}. */
    String kind();

    /** What the rule checks, in one sentence (JUnit test case description). */
    String description();

    /** Sees one packet; the context is valid only during the call. */
    default void packet(PacketContext packet) {
    }

    /**
     * Takes in what another instance of this rule gathered from other capture files (so from other
     * capture points), leaving this instance as if it had seen the packets of both in the merged
     * order of the captures.
     */
    void mergeFrom(Rule other);

    /** Adds this rule's findings. */
    void finish(AnalysisContext context, List<Finding> findings);
}
