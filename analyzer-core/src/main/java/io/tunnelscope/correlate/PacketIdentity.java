package io.tunnelscope.correlate;

import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.PacketView;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The identity of a packet that survives encapsulation, SNAT/DNAT and routing: a 64-bit digest of
 * the innermost IP packet's header fields that tunnels and NAT leave alone — IP version and
 * protocol, IPv4 identification and fragment fields (or the IPv6 fragment header), total length,
 * and per transport: TCP sequence and acknowledgment; UDP length; ICMP type, code and echo
 * sequence — all within the first twelve bytes of the transport header, so a capture that keeps 96
 * bytes of a VXLAN packet still has them. Addresses, ports, TTL and checksums are left out (NAT and routers rewrite them), and so
 * are the ICMP echo identifier (MASQUERADE remaps it as it remaps ports: the vxlan-3host sample
 * shows 10244 become 15623) and the bytes an ICMP error quotes (NAT rewrites the quoted header too).
 *
 * <p>What may be cut off is not in the digest: the TCP flags and the transport payload are kept
 * beside it ({@link #payload}: the flags byte, then the payload's first bytes, as far as the
 * capture has them), so a sighting cut short by a small snaplen still matches the full sighting it
 * is a prefix of ({@link Observation#samePayload}), while two packets with equal headers and
 * different flags or payloads do not. Allocates nothing.
 */
final class PacketIdentity {
    /** Payload bytes kept: enough to tell packets apart, few enough to survive small snaplens. */
    static final int PAYLOAD_BYTES = 64;

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
            return h;
        }
        switch (stack.type(transport)) {
            case LayerType.TCP:
                h = mix(h, view.tcpSequence(transport));
                return mix(h, view.tcpAcknowledgment(transport));
            case LayerType.UDP:
                return mix(h, view.udpLength(transport));
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
                return h;
            default:
                return h;
        }
    }

    /**
     * Keeps in {@code o} the first {@value #PAYLOAD_BYTES} bytes of what may be cut off the packet
     * whose innermost IP layer is {@code ip}, as far as the capture has them: for TCP its flags
     * byte, then the transport payload (after the ICMP header's 8 bytes), or the IP payload when
     * there is no transport header we know. ICMP errors keep none (their quote is rewritten by NAT,
     * and the header identity already names what they quote).
     */
    static void payload(LayerStack stack, PacketView view, int ip, Observation o) {
        int transport = view.transportLayer(ip);
        int from;
        int end;
        int flags = -1;
        if (transport < 0 || stack.isQuoted(transport)) {
            from = stack.payloadOffset(ip);
            end = stack.end(ip);
        } else {
            int type = stack.type(transport);
            if ((type == LayerType.ICMP || type == LayerType.ICMPV6) && view.quotedIpLayer(transport) >= 0) {
                o.payloadLength = 0;
                return;
            }
            from = type == LayerType.TCP || type == LayerType.UDP ? stack.payloadOffset(transport)
                    : type == LayerType.ICMP || type == LayerType.ICMPV6 ? stack.offset(transport) + 8
                    : stack.offset(transport);
            end = stack.end(transport);
            if (type == LayerType.TCP) {
                flags = view.tcpFlags(transport);
            }
        }
        ByteBuffer buffer = stack.buffer();
        boolean swap = buffer.order() == ByteOrder.LITTLE_ENDIAN;
        int word = 0;
        int length = 0;
        long w = 0;
        int shift = 56;
        if (flags >= 0) {
            w = (long) flags << shift;
            shift -= 8;
            length = 1;
        }
        int to = Math.min(Math.min(end, from + PAYLOAD_BYTES - length), buffer.limit());
        int i = from;
        if (length == 0) {
            for (; i + Long.BYTES <= to; i += Long.BYTES) {
                long v = buffer.getLong(i);
                o.payloadWord(word++, swap ? Long.reverseBytes(v) : v);
            }
        }
        for (; i < to; i++) {
            w |= (buffer.get(i) & 0xFFL) << shift;
            shift -= 8;
            if (shift < 0) {
                o.payloadWord(word++, w);
                w = 0;
                shift = 56;
            }
        }
        length += Math.max(0, to - from);
        o.payloadLength = length;
        if (shift != 56) {
            o.payloadWord(word++, w);
        }
        for (; word < PAYLOAD_BYTES / Long.BYTES; word++) {
            o.payloadWord(word, 0);
        }
    }

    /**
     * The identity of a sighting as analyses that count packets use it: the header identity with
     * the first eight payload bytes when the capture kept them (packets whose headers alone are
     * alike, such as datagrams with IP ID 0, still count apart); never 0.
     */
    static long ofSighting(Observation o) {
        long h = o.payloadLength >= Long.BYTES ? mix(o.identity, o.payload0) : o.identity;
        return h == 0 ? 1 : h;
    }

    private static long mix(long h, long value) {
        long x = h ^ (value * 0xBF58476D1CE4E5B9L);
        x ^= x >>> 31;
        x *= 0x94D049BB133111EBL;
        return x ^ (x >>> 29);
    }
}
