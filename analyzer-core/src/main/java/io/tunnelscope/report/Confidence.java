package io.tunnelscope.report;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How sure a finding is: {@link #HIGH} when the counter-evidence it looked for could have shown up
 * in these captures and did not, {@link #MEDIUM} when part of it could not, {@link #LOW} when the
 * captures could not have shown the opposite (one point, few packets, a value outside what real
 * networks allow). Ordered from least to most.
 */
public enum Confidence {
    LOW,
    MEDIUM,
    HIGH;

    /** Lower-case, as the JSON contract spells it. */
    @JsonValue
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
