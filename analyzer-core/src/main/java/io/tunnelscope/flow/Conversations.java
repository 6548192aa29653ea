package io.tunnelscope.flow;

import io.tunnelscope.collect.LongTupleMap;
import io.tunnelscope.decode.Encapsulation;
import io.tunnelscope.decode.PacketView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * IP conversations and endpoints per capture point, as Wireshark's Statistics → Conversations and
 * Endpoints (and {@code tshark -z conv,ip}) count them, with the tunnel level kept apart: every
 * packet counts in the conversation of its outer IP header (the only one when it is not
 * tunnelled), and a tunnelled packet also in the conversation of its innermost IP header
 * <em>inside that tunnel</em> (encapsulation, VNI and the tunnel's outer endpoints). Bytes are
 * frame bytes on the wire, as Wireshark counts them. Feed each packet after IP reassembly
 * ({@link io.tunnelscope.decode.IpReassembler}), so a tunnel the underlay split counts inside once.
 *
 * <p>A conversation's A is the source of its first packet. Nothing is allocated per packet except
 * for a conversation seen for the first time; at most {@code maxConversations} are kept (packets
 * of further ones are counted, {@link #untrackedPackets()}); the endpoints are summed from the
 * conversations when asked for. Not thread-safe.
 */
public final class Conversations {
    /** The outer (first) IP header of a packet: the only one of an untunnelled packet. */
    public static final int OUTER = 0;
    /** The innermost IP header inside a tunnel. */
    public static final int INNER = 1;

    /** One conversation between two addresses at one capture point and level. */
    public static final class Conversation {
        private final int point;
        private final int level;
        private final int encapsulation;
        private final int vni;
        private final String tunnelA;
        private final String tunnelB;
        private final String addressA;
        private final String addressB;
        private final boolean ipv6;
        long packetsAtoB;
        long packetsBtoA;
        long bytesAtoB;
        long bytesBtoA;
        long firstNanos;
        long lastNanos;
        long aHigh;
        long aLow;

        Conversation(int point, int level, int encapsulation, int vni, String tunnelA, String tunnelB,
                     String addressA, String addressB, boolean ipv6, long firstNanos) {
            this.point = point;
            this.level = level;
            this.encapsulation = encapsulation;
            this.vni = vni;
            this.tunnelA = tunnelA;
            this.tunnelB = tunnelB;
            this.addressA = addressA;
            this.addressB = addressB;
            this.ipv6 = ipv6;
            this.firstNanos = firstNanos;
            this.lastNanos = firstNanos;
        }

        /** The capture point number given to {@link Conversations#add}. */
        public int point() { return point; }

        /** {@link #OUTER} or {@link #INNER}. */
        public int level() { return level; }

        /** The tunnel's {@link Encapsulation} constant (0 at the outer level). */
        public int encapsulation() { return encapsulation; }

        /** The tunnel's VNI, or -1. */
        public int vni() { return vni; }

        /** The tunnel's outer source of the conversation's first packet, or null at the outer level. */
        public String tunnelA() { return tunnelA; }

        /** The tunnel's other outer endpoint, or null at the outer level. */
        public String tunnelB() { return tunnelB; }

        /** The source of the first packet. */
        public String addressA() { return addressA; }

        /** The other address. */
        public String addressB() { return addressB; }

        /** True for IPv6 addresses. */
        public boolean isIpv6() { return ipv6; }

        public long packetsAtoB() { return packetsAtoB; }

        public long packetsBtoA() { return packetsBtoA; }

        public long bytesAtoB() { return bytesAtoB; }

        public long bytesBtoA() { return bytesBtoA; }

        public long packets() { return packetsAtoB + packetsBtoA; }

        public long bytes() { return bytesAtoB + bytesBtoA; }

        /** Time of the first packet (epoch nanoseconds). */
        public long firstNanos() { return firstNanos; }

        /** Time of the last packet. */
        public long lastNanos() { return lastNanos; }

        public long durationNanos() { return lastNanos - firstNanos; }

        /** Bits per second from A to B over the conversation's duration, or -1 when it lasted no time. */
        public double bitsPerSecondAtoB() { return rate(bytesAtoB); }

        /** Bits per second from B to A, or -1. */
        public double bitsPerSecondBtoA() { return rate(bytesBtoA); }

        private double rate(long bytes) {
            long d = durationNanos();
            return d <= 0 ? -1 : bytes * 8e9 / d;
        }

        /**
         * A display filter for this conversation's packets at its point, in the language of
         * {@link io.tunnelscope.filter.Filter}: {@code outer.addr == A && outer.addr == B}, inner
         * conversations also with their tunnel ({@code encap}, {@code vni}).
         */
        public String filter(String pointName) {
            StringBuilder f = new StringBuilder();
            String prefix = level == INNER ? "inner." : "outer.";
            f.append(prefix).append("addr == ").append(addressA).append(" && ").append(prefix).append("addr == ")
                    .append(addressB);
            if (level == INNER) {
                f.append(" && encap == ").append(Encapsulation.name(encapsulation));
                if (vni >= 0) {
                    f.append(" && vni == ").append(vni);
                }
                f.append(" && outer.addr == ").append(tunnelA).append(" && outer.addr == ").append(tunnelB);
            }
            if (pointName != null) {
                f.append(" && point == \"").append(pointName.replace("\\", "\\\\").replace("\"", "\\\""))
                        .append('"');
            }
            return f.toString();
        }
    }

    /** One address at one capture point and level, with what it sent and received. */
    public static final class Endpoint {
        private final int point;
        private final int level;
        private final String address;
        long packetsSent;
        long packetsReceived;
        long bytesSent;
        long bytesReceived;

        Endpoint(int point, int level, String address) {
            this.point = point;
            this.level = level;
            this.address = address;
        }

        public int point() { return point; }

        public int level() { return level; }

        public String address() { return address; }

        public long packetsSent() { return packetsSent; }

        public long packetsReceived() { return packetsReceived; }

        public long bytesSent() { return bytesSent; }

        public long bytesReceived() { return bytesReceived; }

        public long packets() { return packetsSent + packetsReceived; }

        public long bytes() { return bytesSent + bytesReceived; }
    }

    private final int maxConversations;
    private final LongTupleMap<Conversation> byKey = new LongTupleMap<>(12);
    private final List<Conversation> conversations = new ArrayList<>();
    private final long[] key = new long[12];
    private long untracked;

    /** Conversations kept at most. */
    public Conversations(int maxConversations) {
        this.maxConversations = maxConversations;
    }

    /** Up to 200,000 conversations. */
    public Conversations() {
        this(200_000);
    }

    /** Packets of conversations beyond the limit, not counted. */
    public long untrackedPackets() {
        return untracked;
    }

    /**
     * Counts a packet seen at capture point {@code point}.
     *
     * @param wireLength the frame's length on the wire
     */
    public void add(int point, PacketView view, long timeNanos, long wireLength) {
        int outer = view.outerIpLayer();
        if (outer < 0) {
            return;
        }
        count(point, OUTER, 0, -1, -1, view, outer, timeNanos, wireLength);
        int inner = view.innerIpLayer();
        if (inner != outer && view.encapsulationCount() > 0) {
            count(point, INNER, view.encapsulation(0), (int) view.vni(), outer, view, inner, timeNanos, wireLength);
        }
    }

    private void count(int point, int level, int encapsulation, int vni, int tunnelIp, PacketView view, int ip,
                       long time, long bytes) {
        long srcHigh = view.addressHigh(ip, true);
        long srcLow = view.addressLow(ip, true);
        long dstHigh = view.addressHigh(ip, false);
        long dstLow = view.addressLow(ip, false);
        boolean srcFirst = srcHigh < dstHigh || srcHigh == dstHigh && Long.compareUnsigned(srcLow, dstLow) <= 0;
        key[0] = (long) point << 40 | (long) level << 32 | (long) encapsulation << 24 | vni & 0xFFFFFFL;
        key[1] = srcFirst ? srcHigh : dstHigh;
        key[2] = srcFirst ? srcLow : dstLow;
        key[3] = srcFirst ? dstHigh : srcHigh;
        key[4] = srcFirst ? dstLow : srcLow;
        if (tunnelIp >= 0) {
            long aHigh = view.addressHigh(tunnelIp, true);
            long aLow = view.addressLow(tunnelIp, true);
            long bHigh = view.addressHigh(tunnelIp, false);
            long bLow = view.addressLow(tunnelIp, false);
            boolean aFirst = aHigh < bHigh || aHigh == bHigh && Long.compareUnsigned(aLow, bLow) <= 0;
            key[5] = aFirst ? aHigh : bHigh;
            key[6] = aFirst ? aLow : bLow;
            key[7] = aFirst ? bHigh : aHigh;
            key[8] = aFirst ? bLow : aLow;
        } else {
            key[5] = 0;
            key[6] = 0;
            key[7] = 0;
            key[8] = 0;
        }
        Conversation c = byKey.get(key);
        if (c == null) {
            if (conversations.size() >= maxConversations) {
                untracked++;
                return;
            }
            c = new Conversation(point, level, encapsulation, vni,
                    tunnelIp >= 0 ? address(view, tunnelIp, true) : null,
                    tunnelIp >= 0 ? address(view, tunnelIp, false) : null,
                    address(view, ip, true), address(view, ip, false), view.ipVersion(ip) == 6, time);
            c.aHigh = srcHigh;
            c.aLow = srcLow;
            byKey.put(key, c);
            conversations.add(c);
        }
        boolean fromA = srcHigh == c.aHigh && srcLow == c.aLow;
        if (fromA) {
            c.packetsAtoB++;
            c.bytesAtoB += bytes;
        } else {
            c.packetsBtoA++;
            c.bytesBtoA += bytes;
        }
        c.firstNanos = Math.min(c.firstNanos, time);
        c.lastNanos = Math.max(c.lastNanos, time);
    }

    private static String address(PacketView view, int ip, boolean source) {
        StringBuilder sb = new StringBuilder(40);
        if (source) {
            view.appendSource(ip, sb);
        } else {
            view.appendDestination(ip, sb);
        }
        return sb.toString();
    }

    /** The conversations in the order they were first seen. */
    public List<Conversation> conversations() {
        return Collections.unmodifiableList(conversations);
    }

    /**
     * The endpoints, in the order their conversations were first seen: what each address sent and
     * received at a point and level, summed over its conversations (so over every tunnel).
     */
    public List<Endpoint> endpoints() {
        java.util.Map<String, Endpoint> byKey = new java.util.LinkedHashMap<>();
        for (Conversation c : conversations) {
            Endpoint a = byKey.computeIfAbsent(c.point + "/" + c.level + "/" + c.addressA,
                    k -> new Endpoint(c.point, c.level, c.addressA));
            Endpoint b = byKey.computeIfAbsent(c.point + "/" + c.level + "/" + c.addressB,
                    k -> new Endpoint(c.point, c.level, c.addressB));
            a.packetsSent += c.packetsAtoB;
            a.bytesSent += c.bytesAtoB;
            a.packetsReceived += c.packetsBtoA;
            a.bytesReceived += c.bytesBtoA;
            b.packetsSent += c.packetsBtoA;
            b.bytesSent += c.bytesBtoA;
            b.packetsReceived += c.packetsAtoB;
            b.bytesReceived += c.bytesAtoB;
        }
        return List.copyOf(byKey.values());
    }
}
