package io.tunnelscope.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One diagnosis: what is wrong ({@code kind}, e.g. {@code SNAT}), how bad, one sentence saying it,
 * the capture points involved, a bounded sample of the packets that show it, how many packets
 * (or events) it covers, and what to do about it. One finding per cause, never one per packet.
 * With recorded node state, {@code state} says whether the state confirms it, quoting it (absent
 * from the JSON otherwise).
 */
@JsonPropertyOrder({"kind", "severity", "summary", "points", "evidence", "count", "recommendation", "state"})
public record Finding(String kind, Severity severity, String summary, List<String> points,
                      List<Evidence> evidence, long count, String recommendation,
                      @JsonInclude(JsonInclude.Include.NON_NULL) StateCheck state) {

    /** A finding the node state has not been asked about. */
    public Finding(String kind, Severity severity, String summary, List<String> points, List<Evidence> evidence,
                   long count, String recommendation) {
        this(kind, severity, summary, points, evidence, count, recommendation, null);
    }

    /** This finding with what the node state says about it. */
    public Finding withState(StateCheck check) {
        return new Finding(kind, severity, summary, points, evidence, count, recommendation, check);
    }
}
