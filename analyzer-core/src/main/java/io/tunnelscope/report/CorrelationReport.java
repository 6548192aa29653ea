package io.tunnelscope.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * What correlating several captures found: the hosts (one clock each) with their devices (one hop
 * each, however many captures saw it), the capture points and their roles, the paths packets took
 * (one hop per device, in the order the packet crossed them), the NAT translations between
 * devices, the tunnels and the inner flows they carry, the inferred topology, where packets were
 * lost (in the network or only by a capture) and clock offsets. {@code errors} name inputs that
 * could not be fully read; {@code limits} name bounded tables that had to forget entries
 * (everything was read, but some matches may be missing). Serialised as the
 * {@code correlate --json} contract; {@code journeys} only when asked for.
 */
@JsonPropertyOrder({"hosts", "points", "topology", "paths", "nat", "tunnels", "losses", "clockOffsets", "errors",
    "limits", "journeys"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CorrelationReport(
        List<CaptureHost> hosts,
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

    /**
     * A machine with one clock: {@code source} says how it was recognised ({@code given},
     * {@code capture}, {@code directory}, {@code file name}, {@code same instant}, {@code file});
     * {@code clockOffsetNanos} how far its clock is ahead of the reference host's, found as
     * {@code clockBasis} says ({@code reference}, {@code two-way}, {@code one-way}, {@code none});
     * the capture points taken on it and the devices they saw.
     */
    @JsonPropertyOrder({"name", "source", "clockOffsetNanos", "clockBasis", "points", "devices"})
    public record CaptureHost(String name, String source, long clockOffsetNanos, String clockBasis,
                              List<String> points, List<CaptureDevice> devices) {
    }

    /** A device of a host, with its role and the capture points that saw it. */
    @JsonPropertyOrder({"name", "role", "points"})
    public record CaptureDevice(String name, String role, List<String> points) {
    }

    /**
     * A capture point: a file, or one interface of a multi-interface or {@code any} capture, with
     * the host and device it captured on and that device's role.
     */
    @JsonPropertyOrder({"name", "file", "host", "device", "role", "linkType", "packets"})
    public record Point(String name, String file, String host, String device, String role, String linkType,
                        long packets) {
    }

    /**
     * The same sequence of devices taken by {@code packets} packets, in the order they crossed
     * them: {@code hops} one entry per device (with the points that saw it), {@code points} the
     * point that names each device (its own capture rather than an {@code any} capture's
     * interface), with the latency of every step.
     */
    @JsonPropertyOrder({"points", "hops", "packets", "hopLatencyNanos"})
    public record Path(List<String> points, List<PathHop> hops, long packets, List<HopLatency> hopLatencyNanos) {
    }

    /** One device of a path: its host, name, role and the capture points that saw it there. */
    @JsonPropertyOrder({"host", "device", "role", "points"})
    public record PathHop(String host, String device, String role, List<String> points) {
    }

    /**
     * Latency between two consecutive devices of a path (p50/p99 in nanoseconds, over the packets
     * whose times are in causal order; null when none was). A packet that seems to arrive before
     * it left (clocks between hosts, or timestamps one kernel took out of order) is counted in
     * {@code uncertainPackets}, never as a latency; {@code clockUncertaintyNanos} is the largest
     * such contradiction.
     */
    @JsonPropertyOrder({"from", "to", "p50", "p99", "uncertainPackets", "clockUncertaintyNanos"})
    public record HopLatency(String from, String to, Long p50, Long p99, long uncertainPackets,
                             long clockUncertaintyNanos) {
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

    /**
     * The overlay's nodes the captures show, and the cluster's pod network when it is known
     * ({@code --cluster-cidr}, else null).
     */
    @JsonPropertyOrder({"clusterCidr", "hosts"})
    public record Topology(String clusterCidr, List<Host> hosts) {
        public Topology(List<Host> hosts) {
            this(null, hosts);
        }
    }

    /**
     * A node of the overlay: the captured host it is ({@code host}, null when no capture was
     * taken on it), its pod subnet, overlay device address (the {@code .0}), bridge gateway (the
     * {@code .1}), VTEP address and MAC. {@code seen} lists which of the addresses appeared in the
     * captures (and {@code podCapture} when a capture of its pod side showed the subnet); the
     * others follow flannel's conventions.
     */
    @JsonPropertyOrder({"host", "subnet", "overlayAddress", "gateway", "vtep", "vtepMac", "backend", "seen"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Host(String host, String subnet, String overlayAddress, String gateway, String vtep,
                       String vtepMac, String backend, List<String> seen) {
    }

    /**
     * Packets that reached {@code lastSeen} on their way to {@code firstMissing} (the next device
     * on their path whose capture was running) and never showed there: {@code sent} reached
     * {@code lastSeen} while {@code firstMissing} was capturing, {@code missing} (= {@code packets})
     * did not show. {@code kind} {@code network}: the packet did not arrive (nothing further on
     * saw it); {@code capture}: the capture missed it (it was seen further on, later ACKs covered
     * it, the capture dropped packets, or it was not running). {@code from}/{@code to} are the points
     * naming the two devices; {@code reason} what the captures show of the cause, or null;
     * {@code evidence} names some of the missing packets as {@code from} saw them. The underlay
     * pairs of every tunnel are listed, lost or not.
     */
    @JsonPropertyOrder({"from", "to", "kind", "lastSeen", "firstMissing", "sent", "missing", "packets", "reason",
        "evidence"})
    public record Loss(String from, String to, String kind, DeviceRef lastSeen, DeviceRef firstMissing, long sent,
                       long missing, long packets, String reason, List<Evidence> evidence) {
    }

    /** A device by host and name. */
    @JsonPropertyOrder({"host", "device"})
    public record DeviceRef(String host, String device) {
        @Override
        public String toString() {
            return host + " " + device;
        }
    }

    /** How far a point's clock (its host's) is ahead of the reference host's. */
    @JsonPropertyOrder({"point", "offsetNanos"})
    public record ClockOffset(String point, long offsetNanos) {
    }

    /** One packet followed across capture points. */
    public record Journey(List<Hop> hops) {
    }

    /**
     * One sighting of a packet: where (the point, its host and device), which frame, when (as the
     * capture recorded it), and how it looked there.
     */
    @JsonPropertyOrder({"point", "host", "device", "frame", "tsNanos", "src", "dst", "ttl", "encap", "vni"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Hop(String point, String host, String device, long frame, long tsNanos, String src, String dst,
                      int ttl, String encap, Long vni) {
    }
}
