package io.tunnelscope.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * A packet that shows something: the capture point, its file and the 1-based frame number; when
 * several captures saw the packet, {@code sightings} lists them all (this one among them), so a
 * packet is evidence once however many captures saw it.
 */
@JsonPropertyOrder({"point", "file", "frame", "sightings"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Evidence(String point, String file, long frame, List<Evidence> sightings) {
    /** A packet seen once (or whose other sightings are not known here). */
    public Evidence(String point, String file, long frame) {
        this(point, file, frame, null);
    }

    @Override
    public String toString() {
        return point + " frame " + frame;
    }
}
