package io.tunnelscope.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One inner flow: protocol, source and destination ({@code ip} or {@code ip:port}), its packets
 * and bytes (IP lengths) at the point that saw most of it, first and last sighting, the tunnels
 * that carried it and the points it was seen at.
 */
@JsonPropertyOrder({"proto", "src", "dst", "packets", "bytes", "firstNanos", "lastNanos", "tunnels", "points"})
public record FlowSummary(
        @com.fasterxml.jackson.annotation.JsonProperty("proto") String protocol,
        @com.fasterxml.jackson.annotation.JsonProperty("src") String source,
        @com.fasterxml.jackson.annotation.JsonProperty("dst") String destination,
        long packets, long bytes, long firstNanos, long lastNanos, List<String> tunnels, List<String> points) {
}
