package io.tunnelscope.decode;

import io.tunnelscope.collect.LongObjectMap;
import io.tunnelscope.proto.InternetChecksum;
import io.tunnelscope.proto.ipv4.Ipv4Header;
import io.tunnelscope.proto.ipv6.Ipv6ExtensionHeader;
import io.tunnelscope.proto.ipv6.Ipv6Header;
import io.tunnelscope.proto.udp.UdpHeader;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Reassembles IP fragments as tshark does with {@code ip.defragment} (RFC 791 section 3.2 and
 * RFC 8200 section 4.5): the first fragmented IP header of a packet (the outer one when the
 * underlay split a tunnel packet), per capture point, by source, destination, protocol and
 * identification. The fragment that completes a datagram is shown as the whole datagram, decoded
 * once (the tunnel in it and the packet inside); every fragment, that one included, keeps its
 * own bytes and frame number, and the others are cut to their IP header and fragment data
 * ({@link #cutToFragment}), as tshark shows them.
 *
 * <p>A reassembled datagram is built in a buffer of this reassembler: the first fragment's link
 * header (and, for an inner datagram, the headers around it, whose IPv4/IPv6/UDP lengths are grown
 * to fit and whose UDP checksum is cleared), its IP header with the length
 * fixed, no more-fragments flag, offset 0 and a new IPv4 header checksum (IPv6: the fragment
 * header kept as an atomic fragment, offset 0 and no more fragments, as tshark shows it), then
 * the payload; it is decoded with the tables given. Fragments whose data
 * was cut by the snaplen are not used. At most {@link #MAX_PENDING} datagrams wait at once and a
 * datagram waits at most {@link #TIMEOUT_NANOS} of capture time; older ones are dropped. Not
 * thread-safe; fragments must be offered in each point's capture order.
 */
public final class IpReassembler {
    /** Datagrams waiting for fragments at once; the oldest is dropped beyond it. */
    public static final int MAX_PENDING = 4096;
    /** How long a datagram waits for its fragments, in capture time (Linux waits 30 s). */
    public static final long TIMEOUT_NANOS = 60_000_000_000L;
    private static final int MAX_DATAGRAM = 65_535 + 40;

    /** A datagram being put together. */
    private static final class Pending {
        long hash;
        int point;
        int protocol;
        long id;
        long srcHigh;
        long srcLow;
        long dstHigh;
        long dstLow;
        long firstTime;
        byte[] data = new byte[2048];
        /** Received ranges of the payload, sorted, as start/end pairs. */
        int[] ranges = new int[8];
        int rangeCount;
        int total = -1;
        /** The first fragment's headers up to its payload (link, outer headers, IP header). */
        byte[] head;
        /** The first fragment's layers around the IP header: type, offset and declared end in {@link #head}. */
        int[] enclosing;
        int headIp;
        int headFragmentHeader = -1;
        long[] frames = new long[4];
        int fragments;
        boolean done;
    }

    /** Reassemblers of datagrams inside a reassembled one (a pod's packet split inside the tunnel packet the underlay split). */
    private static final int MAX_NESTING = 3;

    private final DecodeTables tables;
    private final int nesting;
    private final PacketDecoder decoder;
    private final PacketView view = new PacketView();
    private IpReassembler inside;
    /** Waiting datagrams, shared with the reassemblers of nested datagrams (one IP identity, one entry). */
    private final LongObjectMap<Pending> pending;
    private final ArrayDeque<Pending> order;
    private byte[] out = new byte[MAX_DATAGRAM + 256];
    private ByteBuffer outBuffer = ByteBuffer.wrap(out);
    private long[] lastFrames = new long[0];
    private int lastFragments;
    private int lastLayer = -1;
    private int lastOwnLength;
    private int lastOwnOffset;
    private boolean lastOwnMore;
    private int[] lastOwnLengths = new int[LayerStack.MAX_LAYERS];
    private final int[] ownLengths = new int[LayerStack.MAX_LAYERS];
    private long completed;
    private long dropped;

    /** A reassembler decoding completed datagrams with {@code tables}. */
    public IpReassembler(DecodeTables tables) {
        this(tables, 0, new LongObjectMap<>(), new ArrayDeque<>());
    }

    private IpReassembler(DecodeTables tables, int nesting, LongObjectMap<Pending> pending, ArrayDeque<Pending> order) {
        this.tables = tables;
        this.nesting = nesting;
        this.decoder = new PacketDecoder(tables);
        this.pending = pending;
        this.order = order;
    }

    /** Datagrams completed so far. */
    public long completed() {
        return completed + (inside == null ? 0 : inside.completed());
    }

    /** Datagrams given up (timed out, or too many waiting). */
    public long dropped() {
        return dropped + (inside == null ? 0 : inside.dropped());
    }

    /** Forgets every waiting datagram. */
    public void clear() {
        pending.clear();
        order.clear();
        lastFragments = 0;
        if (inside != null) {
            inside.clear();
        }
    }

    /**
     * The first non-quoted IP layer of a decoded packet that is a fragment, or -1.
     */
    public static int fragmentedIpLayer(PacketView view) {
        LayerStack stack = view.stack();
        for (int i = 0; i < stack.count(); i++) {
            int type = stack.type(i);
            if ((type == LayerType.IPV4 || type == LayerType.IPV6) && !stack.isQuoted(i)
                    && (view.moreFragments(i) || view.fragmentOffset(i) > 0)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Offers a decoded packet seen at capture point {@code point}.
     *
     * @param stack the packet as decoded; when it is a fragment it is cut to its IP header and
     *              fragment data ({@link #cutToFragment}); it must not be this reassembler's own
     * @return the stack to show: the reassembled datagram when this fragment completed one (this
     *         reassembler's own stack, valid until the next call; {@link #lastFragmentCount()} and
     *         {@link #lastFragmentFrame(int)} name its fragments), else {@code stack}
     */
    public LayerStack offer(int point, LayerStack stack, long frame, long timeNanos) {
        lastFragments = 0;
        lastLayer = -1;
        expire(timeNanos);
        view.wrap(stack);
        int ip = fragmentedIpLayer(view);
        if (ip < 0) {
            return stack;
        }
        int fragmentHeader = fragmentHeader(stack, ip);
        int payloadStart = fragmentHeader >= 0 ? stack.payloadOffset(fragmentHeader) : stack.payloadOffset(ip);
        int offset = view.fragmentOffset(ip);
        boolean more = view.moreFragments(ip);
        int declaredEnd = stack.declaredEnd(ip);
        int end = stack.end(ip);
        long id = view.ipId(ip);
        int protocol = view.ipProtocol(ip);
        int ownLength = view.ipLengthField(ip);
        for (int j = 0; j <= ip; j++) {
            ownLengths[j] = LayerType.isIp(stack.type(j)) ? view.ipLengthField(j) : -1;
        }
        cutToFragment(stack, ip);
        if (end < declaredEnd || id < 0 || payloadStart > end || offset + end - payloadStart > MAX_DATAGRAM) {
            return stack; // cut by the snaplen, or nonsense: cannot be completed
        }
        long srcHigh = view.addressHigh(ip, true);
        long srcLow = view.addressLow(ip, true);
        long dstHigh = view.addressHigh(ip, false);
        long dstLow = view.addressLow(ip, false);
        long hash = hash(point, protocol, id, srcHigh, srcLow, dstHigh, dstLow);
        Pending p = pending.get(hash);
        if (p != null && (p.point != point || p.protocol != protocol || p.id != id || p.srcHigh != srcHigh
                || p.srcLow != srcLow || p.dstHigh != dstHigh || p.dstLow != dstLow)) {
            drop(p); // another datagram with the same hash: rare, the older one gives way
            p = null;
        }
        if (p == null) {
            p = new Pending();
            p.hash = hash;
            p.point = point;
            p.protocol = protocol;
            p.id = id;
            p.srcHigh = srcHigh;
            p.srcLow = srcLow;
            p.dstHigh = dstHigh;
            p.dstLow = dstLow;
            p.firstTime = timeNanos;
            pending.put(hash, p);
            order.addLast(p);
            if (pending.size() > MAX_PENDING) {
                drop(order.peekFirst());
            }
        }
        ByteBuffer buf = stack.buffer();
        int length = end - payloadStart;
        if (p.data.length < offset + length) {
            p.data = Arrays.copyOf(p.data, Math.max(offset + length, Math.min(MAX_DATAGRAM, p.data.length * 2)));
        }
        buf.get(payloadStart, p.data, offset, length);
        addRange(p, offset, offset + length);
        if (!more) {
            p.total = offset + length;
        }
        if (offset == 0) {
            p.head = new byte[payloadStart - stack.start()];
            buf.get(stack.start(), p.head, 0, p.head.length);
            p.headIp = stack.offset(ip) - stack.start();
            p.headFragmentHeader = fragmentHeader >= 0 ? stack.offset(fragmentHeader) - stack.start() : -1;
            p.enclosing = new int[ip * 3];
            for (int i = 0; i < ip; i++) {
                p.enclosing[i * 3] = stack.type(i);
                p.enclosing[i * 3 + 1] = stack.offset(i) - stack.start();
                p.enclosing[i * 3 + 2] = stack.declaredEnd(i) - stack.start();
            }
        }
        if (p.fragments == p.frames.length) {
            p.frames = Arrays.copyOf(p.frames, p.fragments * 2);
        }
        p.frames[p.fragments++] = frame;
        if (p.total < 0 || p.head == null || p.rangeCount != 2 || p.ranges[0] != 0 || p.ranges[1] < p.total) {
            return stack;
        }
        p.done = true;
        pending.remove(p.hash);
        order.remove(p);
        completed++;
        LayerStack shown = build(p, stack);
        IpReassembler nested = null;
        if (nesting + 1 < MAX_NESTING) {
            if (inside == null) {
                inside = new IpReassembler(tables, nesting + 1, pending, order);
            }
            shown = inside.offer(point, shown, frame, timeNanos);
            nested = inside;
        }
        remember(p, nested);
        lastLayer = ip;
        java.util.Arrays.fill(lastOwnLengths, -1);
        System.arraycopy(ownLengths, 0, lastOwnLengths, 0, ip + 1);
        lastOwnLength = ownLength;
        lastOwnOffset = offset;
        lastOwnMore = more;
        return shown;
    }

    /**
     * The IP layer, in the stack the last {@link #offer} returned, of the datagram that frame
     * completed; -1 when it completed none. The accessors below give that frame's own fragment
     * header (what Wireshark shows as the frame's {@code ip.len}, {@code ip.frag_offset},
     * {@code ip.flags.mf}).
     */
    public int lastReassembledLayer() {
        return lastLayer;
    }

    /**
     * Per layer of the returned stack, the completing frame's own IPv4 total length (IPv6 payload
     * length) field for the IP headers up to the reassembled one (rebuilt longer), -1 elsewhere.
     * Valid until the next offer.
     */
    public int[] lastOwnIpLengths() {
        return lastOwnLengths;
    }

    /** The completing frame's own IPv4 total length (IPv6 payload length) field. */
    public int lastOwnIpLength() {
        return lastOwnLength;
    }

    /** The completing frame's own fragment offset in bytes. */
    public int lastOwnFragmentOffset() {
        return lastOwnOffset;
    }

    /** The completing frame's own more-fragments flag. */
    public boolean lastOwnMoreFragments() {
        return lastOwnMore;
    }

    /** Keeps the fragments of the datagram just completed (and of one completed inside it) for the accessors. */
    private void remember(Pending p, IpReassembler nested) {
        int n = p.fragments + (nested == null ? 0 : nested.lastFragments);
        if (lastFrames.length < n) {
            lastFrames = new long[Math.max(n, 8)];
        }
        System.arraycopy(p.frames, 0, lastFrames, 0, p.fragments);
        lastFragments = p.fragments;
        if (nested != null) {
            for (int k = 0; k < nested.lastFragments; k++) {
                long f = nested.lastFrames[k];
                boolean known = false;
                for (int j = 0; j < lastFragments && !known; j++) {
                    known = lastFrames[j] == f;
                }
                if (!known) {
                    lastFrames[lastFragments++] = f;
                }
            }
        }
    }

    /**
     * Fragments of the datagrams the last {@link #offer} completed (the one it completed and any
     * completed inside it), 0 when it completed none.
     */
    public int lastFragmentCount() {
        return lastFragments;
    }

    /** Frame number of fragment {@code k} (in arrival order) of the last completed datagrams. */
    public long lastFragmentFrame(int k) {
        return lastFrames[k];
    }

    private static long hash(int point, int protocol, long id, long srcHigh, long srcLow, long dstHigh, long dstLow) {
        long h = mix(0x9E3779B97F4A7C15L, (long) point << 32 | protocol);
        h = mix(h, id);
        h = mix(h, srcHigh);
        h = mix(h, srcLow);
        h = mix(h, dstHigh);
        return mix(h, dstLow);
    }

    private static long mix(long h, long v) {
        long x = (h ^ v) * 0xBF58476D1CE4E5B9L;
        return x ^ x >>> 29;
    }

    private void expire(long now) {
        while (!order.isEmpty() && now - order.peekFirst().firstTime > TIMEOUT_NANOS) {
            drop(order.peekFirst());
        }
    }

    private void drop(Pending p) {
        pending.remove(p.hash);
        order.remove(p);
        dropped++;
    }

    private static void addRange(Pending p, int from, int to) {
        int[] r = p.ranges;
        int n = p.rangeCount;
        int[] merged = new int[n * 2 + 2];
        int m = 0;
        boolean placed = false;
        for (int k = 0; k < n; k += 2) {
            int a = r[k];
            int b = r[k + 1];
            if (b < from) {
                merged[m++] = a;
                merged[m++] = b;
            } else if (a > to) {
                if (!placed) {
                    merged[m++] = from;
                    merged[m++] = to;
                    placed = true;
                }
                merged[m++] = a;
                merged[m++] = b;
            } else {
                from = Math.min(from, a);
                to = Math.max(to, b);
            }
        }
        if (!placed) {
            merged[m++] = from;
            merged[m++] = to;
        }
        p.ranges = merged;
        p.rangeCount = m;
    }

    /** The IPv6 fragment header after an IPv6 layer, or -1 (IPv4). */
    private static int fragmentHeader(LayerStack stack, int ip) {
        if (stack.type(ip) != LayerType.IPV6) {
            return -1;
        }
        for (int j = ip + 1; j < stack.count() && LayerType.isIpv6Extension(stack.type(j)); j++) {
            if (stack.type(j) == LayerType.IPV6_FRAGMENT) {
                return j;
            }
        }
        return -1;
    }

    /**
     * Cuts a decoded fragment to what a fragment shows once reassembly is on: its layers up to
     * the IP header (and IPv6 extension headers up to the fragment header), then the fragment's
     * data as one {@link LayerType#FRAGMENT_DATA} layer; a tunnel in a first fragment is not
     * followed (it is decoded once, in the reassembled datagram).
     */
    public static void cutToFragment(LayerStack stack, int ip) {
        int last = ip;
        int fragmentHeader = fragmentHeader(stack, ip);
        if (fragmentHeader >= 0) {
            last = fragmentHeader;
        }
        if (last + 1 < stack.count() && stack.type(last + 1) == LayerType.FRAGMENT_DATA) {
            return;
        }
        int start = stack.payloadOffset(last);
        stack.truncate(last + 1);
        int end = stack.end(ip);
        if (start < end) {
            stack.push(LayerType.FRAGMENT_DATA, start, 0, end,
                    end < stack.declaredEnd(ip) ? LayerStatus.TRUNCATED : LayerStatus.OK, stack.depth(ip), false);
        }
    }

    /** Builds the datagram from its first fragment's headers and every fragment's data, and decodes it. */
    private LayerStack build(Pending p, LayerStack completing) {
        byte[] head = p.head;
        int headLength = head.length;
        int total = headLength + p.total;
        if (out.length < total) {
            out = new byte[total];
            outBuffer = ByteBuffer.wrap(out);
        }
        System.arraycopy(head, 0, out, 0, headLength);
        System.arraycopy(p.data, 0, out, headLength, p.total);
        int ip = p.headIp;
        int ipLength;
        if ((out[ip] & 0xF0) == 0x40) {
            int ihl = (out[ip + Ipv4Header.VERSION_IHL_OFFSET] & 0x0F) * 4;
            ipLength = ihl + p.total;
            putShort(ip + Ipv4Header.TOTAL_LENGTH_OFFSET, ipLength);
            // Keep DF, clear MF and the offset.
            putShort(ip + Ipv4Header.FLAGS_FRAGMENT_OFFSET, getShort(ip + Ipv4Header.FLAGS_FRAGMENT_OFFSET) & Ipv4Header.FLAG_DF);
            putShort(ip + Ipv4Header.CHECKSUM_OFFSET, 0);
            putShort(ip + Ipv4Header.CHECKSUM_OFFSET,
                InternetChecksum.complement(InternetChecksum.add(0, outBuffer, ip, ip + ihl)));
        } else {
            // The fragment header stays, as an atomic fragment (offset 0, no more): tshark shows it too.
            putShort(p.headFragmentHeader + Ipv6ExtensionHeader.FRAGMENT_OFFSET_OFFSET, 0);
            ipLength = total - ip;
            putShort(ip + Ipv6Header.PAYLOAD_LENGTH_OFFSET, ipLength - Ipv6Header.LENGTH);
        }
        growEnclosingLengths(p.enclosing, ip, ipLength);
        return decoder.decode(outBuffer, 0, total, total, completing.linkType());
    }

    /**
     * An inner datagram sits in outer headers sized for one fragment: their IPv4/IPv6/UDP lengths
     * are grown to the datagram (and UDP checksums cleared), so the decoder follows into it.
     */
    private void growEnclosingLengths(int[] enclosing, int ipAt, int ipLength) {
        for (int k = 0; k < enclosing.length; k += 3) {
            int at = enclosing[k + 1];
            int grow = ipAt + ipLength - enclosing[k + 2];
            if (grow <= 0) {
                continue;
            }
            switch (enclosing[k]) {
                case LayerType.IPV4 -> {
                    int length = at + Ipv4Header.TOTAL_LENGTH_OFFSET;
                    putShort(length, (getShort(length) + grow) & 0xFFFF);
                    int ihl = (out[at + Ipv4Header.VERSION_IHL_OFFSET] & 0x0F) * 4;
                    putShort(at + Ipv4Header.CHECKSUM_OFFSET, 0);
                    putShort(at + Ipv4Header.CHECKSUM_OFFSET,
                        InternetChecksum.complement(InternetChecksum.add(0, outBuffer, at, at + ihl)));
                }
                case LayerType.IPV6 -> {
                    int length = at + Ipv6Header.PAYLOAD_LENGTH_OFFSET;
                    putShort(length, (getShort(length) + grow) & 0xFFFF);
                }
                case LayerType.UDP -> {
                    int length = at + UdpHeader.LENGTH_OFFSET;
                    putShort(length, (getShort(length) + grow) & 0xFFFF);
                    putShort(at + UdpHeader.CHECKSUM_OFFSET, 0);
                }
                default -> {
                }
            }
        }
    }

    private int getShort(int at) {
        return (out[at] & 0xFF) << 8 | out[at + 1] & 0xFF;
    }

    private void putShort(int at, int value) {
        out[at] = (byte) (value >>> 8);
        out[at + 1] = (byte) value;
    }
}
