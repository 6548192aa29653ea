package io.tunnelscope.anomaly;

import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.Note;
import io.tunnelscope.decode.PacketView;
import java.nio.ByteBuffer;

/**
 * Tells the two reasons a captured checksum is wrong apart. With checksum offload the kernel
 * hands the packet over CHECKSUM_PARTIAL: the TCP/UDP checksum field holds the folded sum of the
 * pseudo-header only (Linux {@code ~csum_tcpudp_magic(...)}), and the NIC or veth completes it
 * after the capture point; that exact value (with the length, or without it as TSO/GSO leave it)
 * is the signature of an offload artefact. So is a tunnel's outer UDP checksum computed by local
 * checksum offload over an inner packet still to be completed, and any checksum of a super-frame.
 * Any other wrong checksum (and a wrong IPv4 header checksum) is damage.
 */
final class ChecksumFaults {
    /** A transport checksum that is the uncompleted pseudo-header sum. */
    static final int PARTIAL = 1;
    /** A checksum that is simply wrong. */
    static final int DAMAGED = 2;

    private ChecksumFaults() {
    }

    /** PARTIAL, DAMAGED, or 0 when no checksum of the packet is wrong. */
    static int classify(LayerStack stack, PacketView view) {
        boolean partial = false;
        boolean damaged = false;
        boolean tunnelChecksum = false;
        boolean any = false;
        for (int n = 0; n < stack.noteCount(); n++) {
            Note note = stack.note(n);
            int layer = stack.noteLayer(n);
            if (note == Note.TCP_BAD_CHECKSUM || note == Note.UDP_BAD_CHECKSUM) {
                any = true;
                if (isPartial(stack, view, layer)) {
                    partial = true;
                } else if (carriesTunnel(stack, layer)) {
                    tunnelChecksum = true;
                } else {
                    damaged = true;
                }
            } else if (note == Note.IPV4_BAD_CHECKSUM || note == Note.ICMP_BAD_CHECKSUM
                    || note == Note.ICMPV6_BAD_CHECKSUM) {
                any = true;
                damaged = true;
            }
        }
        if (!any) {
            return 0;
        }
        int ip = view.innerIpLayer();
        if (ip >= 0 && SizeFacts.isSuperFrame(stack, view, ip)) {
            // GSO/TSO on the sender, GRO on the receiver: the header checksums of a super-frame
            // belong to no packet that goes on the wire.
            return PARTIAL;
        }
        // Local checksum offload computes a tunnel's outer UDP checksum for the packet as it will
        // be once the NIC completes the inner checksum: wrong now, right on the wire.
        damaged |= tunnelChecksum && !partial;
        return damaged ? DAMAGED : PARTIAL;
    }

    /** True when the UDP layer carries a tunnel (VXLAN, Geneve, flannel UDP). */
    private static boolean carriesTunnel(LayerStack stack, int udp) {
        if (udp < 0 || udp + 1 >= stack.count() || stack.type(udp) != LayerType.UDP) {
            return false;
        }
        int next = stack.type(udp + 1);
        return next == LayerType.VXLAN || next == LayerType.GENEVE || next == LayerType.FLANNEL_UDP;
    }

    private static boolean isPartial(LayerStack stack, PacketView view, int transport) {
        if (transport <= 0) {
            return false;
        }
        int ip = transport - 1;
        while (ip >= 0 && LayerType.isIpv6Extension(stack.type(ip))) {
            ip--;
        }
        if (ip < 0 || !LayerType.isIp(stack.type(ip))) {
            return false;
        }
        int field = stack.type(transport) == LayerType.TCP ? view.tcpChecksum(transport) : view.udpChecksum(transport);
        ByteBuffer b = stack.buffer();
        long sum;
        int length = stack.declaredEnd(ip) - stack.offset(transport);
        int protocol = view.ipProtocol(ip);
        if (stack.type(ip) == LayerType.IPV4) {
            int at = stack.offset(ip);
            sum = (b.getShort(at + 12) & 0xffff) + (b.getShort(at + 14) & 0xffff)
                    + (b.getShort(at + 16) & 0xffff) + (b.getShort(at + 18) & 0xffff) + protocol + (length & 0xffff);
        } else {
            int at = stack.offset(ip) + 8;
            sum = 0;
            for (int i = 0; i < 32; i += 2) {
                sum += b.getShort(at + i) & 0xffff;
            }
            sum += (length >>> 16) + (length & 0xffff) + protocol;
        }
        // TSO/GSO leave the length out of the pseudo-header (the segments' lengths differ).
        return field == fold(sum) || field == fold(sum - (stack.type(ip) == LayerType.IPV4 ? (length & 0xffff)
                : (length >>> 16) + (length & 0xffff)));
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }
}
