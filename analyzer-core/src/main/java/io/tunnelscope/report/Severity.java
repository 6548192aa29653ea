package io.tunnelscope.report;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How much a finding hurts: information, a warning, or an error. Ordered from least to most. */
public enum Severity {
    INFO,
    WARNING,
    ERROR;

    /** Lower-case, as the JSON contract and {@code --fail-on} spell it. */
    @JsonValue
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code info}, {@code warning} or {@code error} (any case). */
    public static Severity parse(String text) {
        for (Severity s : values()) {
            if (s.jsonName().equalsIgnoreCase(text)) {
                return s;
            }
        }
        throw new IllegalArgumentException("severity must be info, warning or error, not '" + text + "'");
    }
}
