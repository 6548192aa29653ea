package io.tunnelscope.report;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One diagnosis: what is wrong ({@code kind}, e.g. {@code SNAT}), how bad, one sentence saying it,
 * the capture points involved, a bounded sample of the packets that show it, how many packets
 * (or events) it covers, and what to do about it. One finding per cause, never one per packet.
 */
@JsonPropertyOrder({"kind", "severity", "summary", "points", "evidence", "count", "recommendation"})
public record Finding(String kind, Severity severity, String summary, List<String> points,
                      List<Evidence> evidence, long count, String recommendation) {
}
