package io.tunnelscope.report;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * destination node too). With recorded node state, {@code state} says what the state says about
 * it, quoting it (absent from the JSON otherwise); a finding the state confirms has basis
 * {@link Basis#CONFIRMED}.
 */
@JsonPropertyOrder({"kind", "severity", "basis", "confidence", "summary", "points", "evidence", "count", "checked",
    "strongerWith", "recommendation", "state"})
public record Finding(String kind, Severity severity, String summary, List<String> points,
                      List<Evidence> evidence, long count, String recommendation, Basis basis,
                      Confidence confidence, List<String> checked, List<String> strongerWith,
                      @JsonInclude(JsonInclude.Include.NON_NULL) StateCheck state) {

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

    /** A finding the node state has not been asked about. */
    public Finding(String kind, Severity severity, String summary, List<String> points, List<Evidence> evidence,
                   long count, String recommendation, Basis basis, Confidence confidence, List<String> checked,
                   List<String> strongerWith) {
        this(kind, severity, summary, points, evidence, count, recommendation, basis, confidence, checked,
                strongerWith, null);
    }

    /**
     * This finding matched by node state (an iptables rule, a configured MTU, an FDB entry): basis
     * {@link Basis#CONFIRMED}, confidence {@link Confidence#HIGH}, and {@code what} added to
     * {@code checked}.
     */
    public Finding confirmedBy(String what) {
        List<String> more = new ArrayList<>(checked);
        more.add(what);
        return new Finding(kind, severity, summary, points, evidence, count, recommendation, Basis.CONFIRMED,
                Confidence.HIGH, more, strongerWith, state);
    }

    /** This finding with another confidence and one more item checked (a sanity check that failed). */
    public Finding withConfidence(Confidence lower, String why) {
        List<String> more = new ArrayList<>(checked);
        more.add(why);
        return new Finding(kind, severity, summary, points, evidence, count, recommendation, basis, lower, more,
                strongerWith, state);
    }

    /**
     * This finding with what the node state says about it: confirmed ({@link Basis#CONFIRMED},
     * high confidence) when the state matches it, otherwise as it was with the state's word added
     * to {@code checked}.
     */
    public Finding withState(StateCheck check) {
        if (!StateCheck.PACKETS.equals(check.basis())) {
            return new Finding(kind, severity, summary, points, evidence, count, recommendation, basis, confidence,
                    checked, strongerWith, check).confirmedBy(check.summary());
        }
        List<String> more = new ArrayList<>(checked);
        more.add(check.summary());
        return new Finding(kind, severity, summary, points, evidence, count, recommendation, basis, confidence, more,
                strongerWith, check);
    }
}
