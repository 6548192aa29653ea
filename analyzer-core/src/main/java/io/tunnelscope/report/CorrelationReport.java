package io.tunnelscope.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * What correlating several captures found: the capture points and their roles, the paths packets
 * took, the NAT translations between points, the tunnels and the inner flows they carry, the
 * inferred topology, underlay losses and clock offsets. {@code errors} name inputs that could not be
 * fully read; {@code limits} name bounded tables that had to forget entries (everything was read,
 * but some matches may be missing). Serialised as the {@code correlate --json} contract;
 * {@code journeys} only when asked for.
 */
@JsonPropertyOrder({"points", "topology", "paths", "nat", "tunnels", "losses", "clockOffsets", "errors", "limits",
    "journeys"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CorrelationReport(
        List<Point> points,
        Topology topology,
        List<Path> paths,
        List<Nat> nat,
        List<Tunnel> tunnels,
        List<Loss> losses,
        List<ClockOffset> clockOffsets,
        List<String> errors,
        List<String> limits,
        List<Journey> journeys) {

    /** A capture point: a file, or one interface of a multi-interface or {@code any} capture. */
    @JsonPropertyOrder({"name", "file", "role", "linkType", "packets"})
    public record Point(String name, String file, String role, String linkType, long packets) {
    }

    /** The same sequence of points taken by {@code packets} packets, with per-hop latency. */
    @JsonPropertyOrder({"points", "packets", "hopLatencyNanos"})
    public record Path(List<String> points, long packets, List<HopLatency> hopLatencyNanos) {
    }

    /** Latency between two consecutive points of a path (p50/p99 in nanoseconds). */
    @JsonPropertyOrder({"from", "to", "p50", "p99"})
    public record HopLatency(String from, String to, long p50, long p99) {
    }

    /**
     * An address translation between two points: {@code SNAT} rewrites the source, {@code DNAT}
     * the destination. {@code replyPackets} counts the reverse translation of the replies;
     * {@code peers} are the addresses at the other end (destinations of SNATed packets, sources of
     * DNATed ones).
     */
    @JsonPropertyOrder({"kind", "original", "translated", "from", "to", "packets", "replyPackets", "peers",
        "evidence"})
    public record Nat(String kind, String original, String translated, String from, String to,
                      long packets, long replyPackets, List<String> peers, List<Evidence> evidence) {
    }

    /** A tunnel between two endpoints, with the inner flows it carried. */
    @JsonPropertyOrder({"encap", "vni", "outerSrc", "outerDst", "outerPorts", "packets", "innerFlows"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Tunnel(String encap, Long vni, String outerSrc, String outerDst, List<Integer> outerPorts,
                         long packets, List<InnerFlow> innerFlows) {
    }

    /** One inner flow carried in a tunnel: its 5-tuple as seen inside and its packet count. */
    @JsonPropertyOrder({"proto", "src", "dst", "packets"})
    public record InnerFlow(String proto, String src, String dst, long packets) {
    }

    /** The hosts the captures show. */
    public record Topology(List<Host> hosts) {
    }

    /**
     * A host of the overlay: its pod subnet, overlay device address (the {@code .0}), bridge
     * gateway (the {@code .1}), VTEP address and MAC. {@code seen} lists which of the addresses
     * appeared in the captures; the others follow flannel's conventions.
     */
    @JsonPropertyOrder({"subnet", "overlayAddress", "gateway", "vtep", "vtepMac", "backend", "seen"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Host(String subnet, String overlayAddress, String gateway, String vtep, String vtepMac,
                       String backend, List<String> seen) {
    }

    /**
     * Tunnel packets that left {@code from}'s underlay and never showed at {@code to}'s;
     * {@code evidence} names some of the missing ones as {@code from} saw them.
     */
    @JsonPropertyOrder({"from", "to", "sent", "missing", "evidence"})
    public record Loss(String from, String to, long sent, long missing, List<Evidence> evidence) {
    }

    /** How far a point's clock is ahead of the reference point's. */
    @JsonPropertyOrder({"point", "offsetNanos"})
    public record ClockOffset(String point, long offsetNanos) {
    }

    /** One packet followed across capture points. */
    public record Journey(List<Hop> hops) {
    }

    /** One sighting of a packet: where, which frame, when, and how it looked there. */
    @JsonPropertyOrder({"point", "frame", "tsNanos", "src", "dst", "ttl", "encap", "vni"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Hop(String point, long frame, long tsNanos, String src, String dst, int ttl,
                      String encap, Long vni) {
    }
}
