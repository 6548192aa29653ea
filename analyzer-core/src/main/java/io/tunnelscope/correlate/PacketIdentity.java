package io.tunnelscope.correlate;

import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.PacketView;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The identity of a packet that survives encapsulation, SNAT/DNAT and routing, made of the
 * innermost IP packet's fields that tunnels and NAT leave alone: IP version and protocol, IPv4
 * identification and fragment fields (or the IPv6 fragment header), total length, and per
 * transport: TCP sequence and acknowledgment; UDP length; ICMP type, code and echo sequence.
 * Addresses, ports, TTL and checksums are left out (NAT and routers rewrite them), and so are the
 * ICMP echo identifier (MASQUERADE remaps it as it remaps ports: the vxlan-3host sample shows
 * 10244 become 15623) and the bytes an ICMP error quotes (NAT rewrites the quoted header too).
 *
 * <p>It degrades with the snapshot length. A sighting has two digests: {@code ipIdentity} of the IP
 * fields alone, and {@code identity} of the IP and transport fields — or the IP fields alone, and
 * {@code partial} set, when the capture cut the transport fields off (an {@code any} capture of a
 * VXLAN packet at {@code -s 96} keeps six bytes of the inner TCP header). Beside the digests is
 * what a shorter capture may lack ({@link #payload}): the transport fields again (with the TCP
 * flags), then the first bytes of the payload, as far as the capture has them. Two sightings are
 * one packet when their digests agree and one's bytes are a prefix of the other's
 * ({@link Observation#samePayload}); {@link JourneyAssembler} finds partial sightings by their IP
 * digest. Allocates nothing.
 */
final class PacketIdentity {
    /** Bytes kept beside the digest: enough to tell packets apart, few enough to survive small snaplens. */
    static final int PAYLOAD_BYTES = 64;
    /** Marks an IP-fields-only digest, so it never equals a full one by construction. */
    private static final long IP_ONLY = 0x5DEECE66DL;

    private PacketIdentity() {
    }

    /**
     * Sets {@code o}'s {@code ipIdentity}, {@code identity} and {@code partial} for the packet whose
     * innermost IP layer is {@code ip}.
     */
    static void identify(LayerStack stack, PacketView view, int ip, Observation o) {
        long h = 0x9E3779B97F4A7C15L;
        h = mix(h, view.ipVersion(ip));
        h = mix(h, view.ipProtocol(ip));
        h = mix(h, view.ipId(ip));
        h = mix(h, view.fragmentOffset(ip));
        h = mix(h, view.moreFragments(ip) ? 1 : 0);
        h = mix(h, view.ipTotalLength(ip));
        o.ipIdentity = h ^ IP_ONLY;
        int transport = view.transportLayer(ip);
        boolean fragment = view.fragmentOffset(ip) > 0;
        if (transport < 0 || stack.isQuoted(transport)) {
            int protocol = view.ipProtocol(ip);
            boolean known = protocol == 6 || protocol == 17 || protocol == 1 || protocol == 58;
            // A TCP/UDP/ICMP packet whose transport header the capture cut off entirely.
            o.partial = known && !fragment && stack.end(ip) <= stack.payloadOffset(ip);
            o.identity = o.partial ? o.ipIdentity : h;
            return;
        }
        long full;
        switch (stack.type(transport)) {
            case LayerType.TCP:
                o.partial = view.tcpAcknowledgment(transport) < 0;
                full = mix(mix(h, view.tcpSequence(transport)), view.tcpAcknowledgment(transport));
                break;
            case LayerType.UDP:
                o.partial = view.udpLength(transport) < 0;
                full = mix(h, view.udpLength(transport));
                break;
            case LayerType.ICMP:
            case LayerType.ICMPV6:
                o.partial = view.icmpSequence(transport) < 0;
                full = mix(h, view.icmpType(transport));
                full = mix(full, view.icmpCode(transport));
                full = mix(full, view.icmpSequence(transport));
                if (view.quotedIpLayer(transport) >= 0) {
                    // An error: its quote is rewritten by NAT, so identify it by what it says.
                    int quoted = view.quotedIpLayer(transport);
                    full = mix(full, view.icmpMtu(transport));
                    full = mix(full, view.ipId(quoted));
                    full = mix(full, view.ipProtocol(quoted));
                    full = mix(full, view.ipTotalLength(quoted));
                }
                break;
            default:
                o.partial = false;
                full = h;
                break;
        }
        o.identity = o.partial ? o.ipIdentity : full;
    }

    /**
     * Keeps in {@code o} the first {@value #PAYLOAD_BYTES} bytes of what a shorter capture of the
     * packet whose innermost IP layer is {@code ip} may lack, as far as this capture has them: the
     * transport fields of the identity (TCP sequence, acknowledgment and flags; UDP length; ICMP
     * type, code and sequence), then the transport payload (after the ICMP header's 8 bytes), or
     * the IP payload when there is no transport header we know. ICMP errors keep none (their quote
     * is rewritten by NAT, and the identity already names what they quote).
     */
    static void payload(LayerStack stack, PacketView view, int ip, Observation o) {
        Bytes bytes = new Bytes(o);
        int transport = view.transportLayer(ip);
        ByteBuffer buffer = stack.buffer();
        if (transport < 0 || stack.isQuoted(transport)) {
            bytes.copy(buffer, stack.payloadOffset(ip), stack.end(ip), stack.end(ip));
            bytes.finish();
            return;
        }
        int at = stack.offset(transport);
        int end = Math.min(stack.end(transport), buffer.limit());
        switch (stack.type(transport)) {
            case LayerType.TCP:
                // sequence, acknowledgment, then the flags byte: each only while all before it was captured
                if (bytes.copy(buffer, at + 4, at + 12, end) && bytes.copy(buffer, at + 13, at + 14, end)) {
                    bytes.copy(buffer, stack.payloadOffset(transport), end, end);
                }
                break;
            case LayerType.UDP:
                if (bytes.copy(buffer, at + 4, at + 6, end)) {
                    bytes.copy(buffer, stack.payloadOffset(transport), end, end);
                }
                break;
            case LayerType.ICMP:
            case LayerType.ICMPV6:
                if (view.quotedIpLayer(transport) >= 0) {
                    break;
                }
                if (bytes.copy(buffer, at, at + 2, end) && bytes.copy(buffer, at + 6, at + 8, end)) {
                    bytes.copy(buffer, at + 8, end, end);
                }
                break;
            default:
                bytes.copy(buffer, at, end, end);
                break;
        }
        bytes.finish();
    }

    /** Fills an observation's payload words byte by byte (big-endian), up to {@value #PAYLOAD_BYTES}. */
    private static final class Bytes {
        private final Observation o;
        private int length;
        private int word;
        private long w;
        private int shift = 56;

        Bytes(Observation o) {
            this.o = o;
        }

        /**
         * Appends {@code buffer[from, to)} as far as it was captured (up to {@code captured}) and
         * there is room; true when all of it was captured.
         */
        boolean copy(ByteBuffer buffer, int from, int to, int captured) {
            int available = Math.min(captured, buffer.limit());
            int limit = Math.min(to, available);
            for (int i = from; i < limit && length < PAYLOAD_BYTES; i++) {
                w |= (buffer.get(i) & 0xFFL) << shift;
                length++;
                shift -= 8;
                if (shift < 0) {
                    o.payloadWord(word++, w);
                    w = 0;
                    shift = 56;
                }
            }
            return available >= to;
        }

        void finish() {
            o.payloadLength = length;
            if (shift != 56) {
                o.payloadWord(word++, w);
            }
            for (; word < PAYLOAD_BYTES / Long.BYTES; word++) {
                o.payloadWord(word, 0);
            }
        }
    }

    /**
     * The identity of a sighting as analyses that count packets use it: the identity with the
     * first eight bytes kept beside it when the capture kept them (packets whose headers alone are
     * alike, such as datagrams with IP ID 0, still count apart); never 0.
     */
    static long ofSighting(Observation o) {
        long h = o.payloadLength >= Long.BYTES ? mix(o.identity, o.payload0) : o.identity;
        return h == 0 ? 1 : h;
    }

    /** Mixes {@code value} into the hash {@code h} (a SplitMix64 finaliser step). */
    static long mix(long h, long value) {
        long x = h ^ (value * 0xBF58476D1CE4E5B9L);
        x ^= x >>> 31;
        x *= 0x94D049BB133111EBL;
        return x ^ (x >>> 29);
    }
}
