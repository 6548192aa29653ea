package io.tunnelscope.anomaly;

import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.Note;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.report.Evidence;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Packet sizes per capture point, the raw material of every MTU judgement: the largest regular
 * packet (innermost IP length), GSO/TSO and BIG TCP super-frames kept apart (a frame larger than
 * any MTU, captured before the NIC or veth segments it), the largest outer packet, and the
 * next-hop MTUs that fragmentation-needed messages reported.
 */
final class SizeFacts {
    private static final int MAX_FRAG_NEEDED = 256;
    /** The largest regular Ethernet payload; bigger TCP/UDP packets are offload super-frames. */
    static final int ETHERNET_MTU = 1500;

    /** Sizes at one capture point. */
    static final class PointSizes {
        int largestPacket;
        Evidence largestEvidence;
        long superFrames;
        int largestSuperFrame;
        Evidence superFrameEvidence;
    }

    /** One fragmentation-needed (or Packet Too Big) message: MTU and the packet it quoted. */
    record FragNeeded(int mtu, String icmpSource, int quotedSource, int quotedDestination,
                      String quotedSourceText, String quotedDestinationText) {
    }

    /** By point; a point's packets all come from one file. */
    private final FirstSeen<String, PointSizes> points = new FirstSeen<>();
    /** The first {@value #MAX_FRAG_NEEDED} distinct messages. */
    private final FirstSeen<FragNeeded, Void> fragNeeded = new FirstSeen<>();

    /**
     * True for a BIG TCP packet, and for a TCP/UDP packet larger than an Ethernet MTU whose
     * checksum does not say it went on the wire at that size (see
     * {@link ChecksumFaults#offloadOrUnverified}): a jumbo frame with a checksum verified right, or
     * damaged, is a packet of its size, not a super-frame.
     */
    static boolean isSuperFrame(LayerStack stack, PacketView view, int ip) {
        for (int n = 0; n < stack.noteCount(); n++) {
            if (stack.note(n) == Note.BIG_TCP_PRESUMED) {
                return true;
            }
        }
        int protocol = view.ipProtocol(ip);
        return (protocol == 6 || protocol == 17) && view.ipTotalLength(ip) > ETHERNET_MTU
                && ChecksumFaults.offloadOrUnverified(stack, view, ip);
    }

    void packet(PacketContext packet) {
        PacketView view = packet.view();
        int inner = view.innerIpLayer();
        if (inner < 0) {
            return;
        }
        PointSizes sizes = points.computeIfAbsent(packet.point(), packet, k -> new PointSizes());
        int length = view.ipTotalLength(inner);
        if (isSuperFrame(packet.stack(), view, inner)) {
            sizes.superFrames++;
            if (length > sizes.largestSuperFrame) {
                sizes.largestSuperFrame = length;
                sizes.superFrameEvidence = packet.evidence();
            }
        } else if (length > sizes.largestPacket && !view.moreFragments(inner) && view.fragmentOffset(inner) == 0) {
            sizes.largestPacket = length;
            sizes.largestEvidence = packet.evidence();
        }
        int transport = view.transportLayer(inner);
        if (transport >= 0 && fragNeeded.size() < MAX_FRAG_NEEDED && isFragNeeded(packet.stack(), view, transport)) {
            int quoted = view.quotedIpLayer(transport);
            StringBuilder source = new StringBuilder();
            view.appendSource(inner, source);
            StringBuilder quotedSource = new StringBuilder();
            StringBuilder quotedDestination = new StringBuilder();
            boolean ipv4 = quoted >= 0 && view.ipVersion(quoted) == 4;
            if (quoted >= 0) {
                view.appendSource(quoted, quotedSource);
                view.appendDestination(quoted, quotedDestination);
            }
            FragNeeded event = new FragNeeded((int) view.icmpMtu(transport), source.toString(),
                    ipv4 ? view.ipv4Source(quoted) : 0, ipv4 ? view.ipv4Destination(quoted) : 0,
                    quotedSource.toString(), quotedDestination.toString());
            fragNeeded.add(event, packet);
        }
    }

    /** Takes in the sizes another instance gathered from other files (so at other points). */
    void mergeFrom(SizeFacts other) {
        points.mergeFrom(other.points, (mine, theirs) -> {
            throw new IllegalStateException("a capture point's packets come from one file");
        }, Integer.MAX_VALUE);
        fragNeeded.mergeFrom(other.fragNeeded, MAX_FRAG_NEEDED);
    }

    /** ICMP destination unreachable / fragmentation needed, or ICMPv6 Packet Too Big. */
    static boolean isFragNeeded(LayerStack stack, PacketView view, int transport) {
        int type = view.icmpType(transport);
        if (stack.type(transport) == LayerType.ICMP) {
            return type == 3 && view.icmpCode(transport) == 4;
        }
        return stack.type(transport) == LayerType.ICMPV6 && type == 2;
    }

    /** Sizes by point, in the order the points' first IP packets came. */
    Map<String, PointSizes> points() {
        return points.map();
    }

    /** Distinct fragmentation-needed messages, first seen first. */
    List<FragNeeded> fragNeeded() {
        return new ArrayList<>(fragNeeded.keys());
    }
}
