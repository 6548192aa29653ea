package io.tunnelscope.report;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What a finding rests on. {@link #OBSERVED}: the packets at one capture point show it directly (a
 * checksum, a fragmentation-needed message, retransmissions). {@link #INFERRED}: it follows from
 * correlating several capture points (a NAT between two captures, a loss between two devices) or
 * from what the captures did not show. {@link #CONFIRMED}: the state of the nodes matches it (an
 * iptables rule, a configured MTU, an FDB entry); only node state, not packets, can confirm.
 */
public enum Basis {
    OBSERVED,
    INFERRED,
    CONFIRMED;

    /** Lower-case, as the JSON contract spells it. */
    @JsonValue
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
