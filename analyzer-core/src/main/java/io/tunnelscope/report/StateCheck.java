package io.tunnelscope.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * What the recorded node state ({@code tunnelscope collect}'s {@code DIR/NODE/state/}) says about a
 * finding: its basis — {@code packets} (inferred from the captures; the state does not confirm it,
 * or says nothing about it), {@code state} (found in the state alone, before any traffic showed it)
 * or {@code packets and state} (inferred from the captures and confirmed by the state) — one
 * sentence saying what was checked, and the state quoted (each line names the node and what it
 * comes from: the iptables rule, the device and its MTU, the FDB entry, the setting).
 */
@JsonPropertyOrder({"basis", "summary", "quotes"})
public record StateCheck(String basis, String summary, List<String> quotes) {
    /** Inferred from packets; the state does not confirm it. */
    public static final String PACKETS = "packets";
    /** Found in the node state alone. */
    public static final String STATE = "state";
    /** Inferred from packets and confirmed by the node state. */
    public static final String PACKETS_AND_STATE = "packets and state";

    public StateCheck {
        quotes = List.copyOf(quotes);
    }
}
