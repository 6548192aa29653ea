package io.tunnelscope.correlate;

import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.PacketView;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The identity of a packet that survives encapsulation, SNAT/DNAT and routing: a 64-bit digest of
 * the innermost IP packet's fields that tunnels and NAT leave alone — IP version and protocol,
 * IPv4 identification and fragment fields (or the IPv6 fragment header), total length, and per
 * transport: TCP sequence, acknowledgment and flags; UDP length; ICMP type, code and echo
 * sequence; plus a digest of the first {@value #DIGEST_BYTES} bytes of the transport payload.
 * Addresses, ports, TTL and checksums are left out (NAT and routers rewrite them), and so are the
 * ICMP echo identifier (MASQUERADE remaps it as it remaps ports: the vxlan-3host sample shows
 * 10244 become 15623) and the bytes an ICMP error quotes (NAT rewrites the quoted header too).
 * Allocates nothing.
 */
final class PacketIdentity {
    /** Payload bytes digested: enough to tell packets apart, few enough to survive small snaplens. */
    static final int DIGEST_BYTES = 64;

    private PacketIdentity() {
    }

    /** The identity of the packet whose innermost IP layer is {@code ip}. */
    static long of(LayerStack stack, PacketView view, int ip) {
        long h = 0x9E3779B97F4A7C15L;
        h = mix(h, view.ipVersion(ip));
        h = mix(h, view.ipProtocol(ip));
        h = mix(h, view.ipId(ip));
        h = mix(h, view.fragmentOffset(ip));
        h = mix(h, view.moreFragments(ip) ? 1 : 0);
        h = mix(h, view.ipTotalLength(ip));
        int transport = view.transportLayer(ip);
        if (transport < 0 || stack.isQuoted(transport)) {
            return mix(h, digest(stack.buffer(), stack.payloadOffset(ip), stack.end(ip)));
        }
        int type = stack.type(transport);
        int payload = stack.payloadOffset(transport);
        switch (type) {
            case LayerType.TCP:
                h = mix(h, view.tcpSequence(transport));
                h = mix(h, view.tcpAcknowledgment(transport));
                h = mix(h, view.tcpFlags(transport));
                break;
            case LayerType.UDP:
                h = mix(h, view.udpLength(transport));
                break;
            case LayerType.ICMP:
            case LayerType.ICMPV6:
                h = mix(h, view.icmpType(transport));
                h = mix(h, view.icmpCode(transport));
                h = mix(h, view.icmpSequence(transport));
                if (view.quotedIpLayer(transport) >= 0) {
                    // An error: its quote is rewritten by NAT, so identify it by what it says.
                    int quoted = view.quotedIpLayer(transport);
                    h = mix(h, view.icmpMtu(transport));
                    h = mix(h, view.ipId(quoted));
                    h = mix(h, view.ipProtocol(quoted));
                    return mix(h, view.ipTotalLength(quoted));
                }
                payload = stack.offset(transport) + 8;
                break;
            default:
                payload = stack.offset(transport);
                break;
        }
        return mix(h, digest(stack.buffer(), payload, stack.end(transport)));
    }

    /**
     * A digest of {@code buffer[from, min(end, from + DIGEST_BYTES))}: eight bytes at a time (read
     * in network order whatever the buffer's order, so every capture digests a packet alike), then
     * the bytes left one by one. Each step is a bijection of the state, so two byte strings of
     * the same length differ in digest unless the multiplications happen to cancel.
     */
    private static long digest(ByteBuffer buffer, int from, int end) {
        int to = Math.min(end, from + DIGEST_BYTES);
        to = Math.min(to, buffer.limit());
        boolean swap = buffer.order() == ByteOrder.LITTLE_ENDIAN;
        long h = 0xCBF29CE484222325L;
        int i = from;
        for (int stop = to - (Long.BYTES - 1); i < stop; i += Long.BYTES) {
            long word = buffer.getLong(i);
            h = (h ^ (swap ? Long.reverseBytes(word) : word)) * 0x9E3779B97F4A7C15L;
            h ^= h >>> 32;
        }
        for (; i < to; i++) {
            h ^= buffer.get(i) & 0xff;
            h *= 0x100000001B3L;
        }
        return h;
    }

    private static long mix(long h, long value) {
        long x = h ^ (value * 0xBF58476D1CE4E5B9L);
        x ^= x >>> 31;
        x *= 0x94D049BB133111EBL;
        return x ^ (x >>> 29);
    }
}
