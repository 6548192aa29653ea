package io.tunnelscope.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** A packet that shows something: the capture point, its file and the 1-based frame number. */
@JsonPropertyOrder({"point", "file", "frame"})
public record Evidence(String point, String file, long frame) {
    @Override
    public String toString() {
        return point + " frame " + frame;
    }
}
