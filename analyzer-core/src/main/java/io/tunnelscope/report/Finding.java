package io.tunnelscope.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One diagnosis: what is wrong ({@code kind}, e.g. {@code SNAT}), how bad, one sentence saying it,
 * the capture points involved, a bounded sample of the packets that show it, how many packets
 * (or events) it covers, and what to do about it. One finding per cause, never one per packet.
 *
 * <p>Each finding also says what it rests on ({@link Basis}), how sure it is ({@link Confidence}),
 * what was looked for to support or refute it ({@code checked}: each item says what the captures
 * showed), and what would have made it stronger ({@code strongerWith}, e.g. a capture on the
 * destination node too).
 */
@JsonPropertyOrder({"kind", "severity", "basis", "confidence", "summary", "points", "evidence", "count", "checked",
    "strongerWith", "recommendation"})
public record Finding(String kind, Severity severity, String summary, List<String> points,
                      List<Evidence> evidence, long count, String recommendation, Basis basis,
                      Confidence confidence, List<String> checked, List<String> strongerWith) {

    /** Lists are copied (and may not hold nulls); basis and confidence are required. */
    public Finding {
        points = List.copyOf(points);
        evidence = List.copyOf(evidence);
        checked = List.copyOf(checked);
        strongerWith = List.copyOf(strongerWith);
        if (basis == null || confidence == null) {
            throw new IllegalArgumentException("a finding states its basis and confidence: " + kind);
        }
    }

    /**
     * This finding matched by node state (for the collectors of node state: an iptables rule, a
     * configured MTU, an FDB entry): basis {@link Basis#CONFIRMED}, confidence {@link
     * Confidence#HIGH}, and {@code what} added to {@code checked}.
     */
    public Finding confirmedBy(String what) {
        List<String> more = new ArrayList<>(checked);
        more.add(what);
        return new Finding(kind, severity, summary, points, evidence, count, recommendation, Basis.CONFIRMED,
                Confidence.HIGH, more, strongerWith);
    }

    /** This finding with another confidence and one more item checked (a sanity check that failed). */
    public Finding withConfidence(Confidence lower, String why) {
        List<String> more = new ArrayList<>(checked);
        more.add(why);
        return new Finding(kind, severity, summary, points, evidence, count, recommendation, basis, lower, more,
                strongerWith);
    }
}
