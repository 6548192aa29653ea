package io.tunnelscope.anomaly;

import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.Note;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.decode.PseudoHeader;
import io.tunnelscope.proto.InternetChecksum;

/**
 * Tells the two reasons a captured checksum is wrong apart. With checksum offload the kernel
 * hands the packet over CHECKSUM_PARTIAL: the TCP/UDP checksum field holds the folded sum of the
 * pseudo-header only (Linux {@code ~csum_tcpudp_magic(...)}, whose length is 32 bits also over
 * IPv4), and the NIC or veth completes it
 * after the capture point; that exact value (with the length, or without it as TSO/GSO leave it),
 * whatever the packet's size, is the signature of an offload artefact. GSO/TSO and GRO
 * super-frames carry it too. So is a tunnel's outer UDP checksum computed by local checksum
 * offload over an inner packet still to be completed. Any other wrong transport checksum, also on
 * a packet larger than any MTU, and every wrong IPv4 header or ICMP checksum is damage. The
 * pseudo-header is that of the final destination and home address the headers name
 * ({@link PseudoHeader}), as the decoder verified it.
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
        // Local checksum offload computes a tunnel's outer UDP checksum for the packet as it will
        // be once the NIC completes the inner checksum: wrong now, right on the wire.
        damaged |= tunnelChecksum && !partial;
        return damaged ? DAMAGED : PARTIAL;
    }

    /**
     * True when the TCP/UDP checksum of the transport after IP layer {@code ip} is no evidence
     * against an offload super-frame: it is the partial pseudo-header sum (or, on a tunnel's UDP,
     * wrong as local checksum offload leaves it), or it could not be verified (cut by the snaplen,
     * a fragment, a UDP checksum of 0). False when it was verified right or found damaged: then
     * the packet went on the wire at that size.
     */
    static boolean offloadOrUnverified(LayerStack stack, PacketView view, int ip) {
        int transport = view.transportLayer(ip);
        if (transport < 0) {
            return true;
        }
        for (int n = 0; n < stack.noteCount(); n++) {
            if (stack.noteLayer(n) == transport
                    && (stack.note(n) == Note.TCP_BAD_CHECKSUM || stack.note(n) == Note.UDP_BAD_CHECKSUM)) {
                return isPartial(stack, view, transport) || carriesTunnel(stack, transport);
            }
        }
        boolean captured = stack.end(transport) >= stack.declaredEnd(transport);
        boolean fragment = false;
        for (int i = 0; i <= ip; i++) {
            fragment |= LayerType.isIp(stack.type(i)) && (view.moreFragments(i) || view.fragmentOffset(i) > 0);
        }
        boolean unset = stack.type(transport) == LayerType.UDP && view.udpChecksum(transport) == 0;
        return !captured || fragment || unset;
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
        if (ip < 0 || !view.addressesReadable(ip)) {
            return false;
        }
        int field = stack.type(transport) == LayerType.TCP ? view.tcpChecksum(transport) : view.udpChecksum(transport);
        if (field < 0) {
            return false;
        }
        int length = stack.declaredEnd(ip) - stack.offset(transport);
        long sum = PseudoHeader.addressSum(stack, ip) + view.ipProtocol(ip);
        // The kernel adds the length as 32 bits (a BIG TCP super-frame's carries over); the IPv4
        // pseudo-header's 16 bits wrap it; TSO/GSO leave it out (the segments' lengths differ).
        return field == InternetChecksum.fold(sum + (length >>> 16) + (length & 0xffff))
                || field == InternetChecksum.fold(sum + (length & 0xffff)) || field == InternetChecksum.fold(sum);
    }
}
