package io.tunnelscope.flow;

import io.tunnelscope.collect.LongTupleMap;
import io.tunnelscope.decode.LayerStack;
import io.tunnelscope.decode.LayerType;
import io.tunnelscope.decode.PacketView;
import io.tunnelscope.proto.tcp.TcpHeader;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * TCP sequence analysis per capture point, with Wireshark's semantics ({@code tcp.analysis.*},
 * {@code epan/dissectors/packet-tcp.c}, {@code tcp_analyze_sequence_number}): retransmission, fast
 * and spurious retransmission, out-of-order, previous segment not captured, ACKed unseen segment,
 * duplicate ACK, zero window and its probes, window full, window update, keep-alive and its ACK,
 * and the round-trip time from a segment to the ACK that covers it exactly ({@code ack_rtt}).
 *
 * <p>A conversation is the TCP segment of the innermost IP header (inside the tunnel for
 * tunnelled packets) <em>at one capture point</em>: the same segment seen at the pod and at the
 * host NIC belongs to two conversations, so a packet seen twice by an {@code any} capture is not a
 * retransmission, while a segment the sender really repeated is one at every point that saw both
 * copies. Packets must be given in each point's capture order (file order). TCP segments in IP
 * fragments, in ICMP error quotes or whose header was cut are not analysed.
 *
 * <p>Per packet nothing is allocated but the first time a conversation is seen (its state, and
 * the arrays of unacknowledged segments it keeps for the RTT, which grow to the window in flight,
 * at most {@link #MAX_UNACKED} per direction as in Wireshark). At most {@code maxConversations}
 * are tracked; packets of further ones are counted ({@link #untrackedPackets()}). Not
 * thread-safe.
 */
public final class TcpAnalysis {
    /** A segment that repeats sequence space already sent ({@code tcp.analysis.retransmission}). */
    public static final int RETRANSMISSION = 1;
    /** A retransmission after two or more duplicate ACKs asked for it (also {@link #RETRANSMISSION}). */
    public static final int FAST_RETRANSMISSION = 1 << 1;
    /** A retransmission of data the peer had already acknowledged (also {@link #RETRANSMISSION}). */
    public static final int SPURIOUS_RETRANSMISSION = 1 << 2;
    /** Sequence space behind the highest seen, soon after it (under the first RTT, or 3 ms). */
    public static final int OUT_OF_ORDER = 1 << 3;
    /** A sequence number past the next expected one: the segment(s) before were not captured. */
    public static final int LOST_SEGMENT = 1 << 4;
    /** An ACK of data this point never saw sent. */
    public static final int ACK_LOST_SEGMENT = 1 << 5;
    /** The same ACK, window and sequence again with no data. */
    public static final int DUPLICATE_ACK = 1 << 6;
    /** A receive window of 0. */
    public static final int ZERO_WINDOW = 1 << 7;
    /** One byte sent into a peer's zero window. */
    public static final int ZERO_WINDOW_PROBE = 1 << 8;
    /** The ACK of a zero-window probe. */
    public static final int ZERO_WINDOW_PROBE_ACK = 1 << 9;
    /** Data that fills the peer's advertised window exactly. */
    public static final int WINDOW_FULL = 1 << 10;
    /** No data, same ACK, a new window. */
    public static final int WINDOW_UPDATE = 1 << 11;
    /** Zero or one byte one below the next sequence number. */
    public static final int KEEP_ALIVE = 1 << 12;
    /** The ACK of a keep-alive. */
    public static final int KEEP_ALIVE_ACK = 1 << 13;
    /** A new SYN on the ports of an earlier connection. */
    public static final int REUSED_PORTS = 1 << 14;

    /** Flags that point at a problem on the path or at an end (what rows are coloured for). */
    public static final int PROBLEMS = RETRANSMISSION | OUT_OF_ORDER | LOST_SEGMENT | ACK_LOST_SEGMENT
            | DUPLICATE_ACK | ZERO_WINDOW | WINDOW_FULL;

    /** Unacknowledged segments kept per direction, as Wireshark's {@code TCP_MAX_UNACKED_SEGMENTS}. */
    public static final int MAX_UNACKED = 10_000;

    /** One analysis flag: its bit, its Wireshark field name and the label Wireshark shows. */
    public record Flag(int bit, String field, String label) {
    }

    /** Every flag, in the order Wireshark's Info column shows them. */
    public static final List<Flag> FLAGS = List.of(
            new Flag(REUSED_PORTS, "tcp.analysis.reused_ports", "TCP Port numbers reused"),
            new Flag(LOST_SEGMENT, "tcp.analysis.lost_segment", "TCP Previous segment not captured"),
            new Flag(ACK_LOST_SEGMENT, "tcp.analysis.ack_lost_segment", "TCP ACKed unseen segment"),
            new Flag(KEEP_ALIVE, "tcp.analysis.keep_alive", "TCP Keep-Alive"),
            new Flag(KEEP_ALIVE_ACK, "tcp.analysis.keep_alive_ack", "TCP Keep-Alive ACK"),
            new Flag(DUPLICATE_ACK, "tcp.analysis.duplicate_ack", "TCP Dup ACK"),
            new Flag(ZERO_WINDOW_PROBE, "tcp.analysis.zero_window_probe", "TCP ZeroWindowProbe"),
            new Flag(ZERO_WINDOW_PROBE_ACK, "tcp.analysis.zero_window_probe_ack", "TCP ZeroWindowProbeAck"),
            new Flag(ZERO_WINDOW, "tcp.analysis.zero_window", "TCP ZeroWindow"),
            new Flag(WINDOW_FULL, "tcp.analysis.window_full", "TCP Window Full"),
            new Flag(WINDOW_UPDATE, "tcp.analysis.window_update", "TCP Window Update"),
            new Flag(FAST_RETRANSMISSION, "tcp.analysis.fast_retransmission", "TCP Fast Retransmission"),
            new Flag(SPURIOUS_RETRANSMISSION, "tcp.analysis.spurious_retransmission", "TCP Spurious Retransmission"),
            new Flag(RETRANSMISSION, "tcp.analysis.retransmission", "TCP Retransmission"),
            new Flag(OUT_OF_ORDER, "tcp.analysis.out_of_order", "TCP Out-Of-Order"));

    private static final long DEFAULT_OUT_OF_ORDER_NANOS = 3_000_000L;
    private static final long FAST_RETRANSMISSION_NANOS = 20_000_000L;

    /** One direction of a conversation: what its sender has sent and acknowledged. */
    private static final class Direction {
        boolean baseSet;
        int baseSeq;
        boolean sawSyn;
        /** Next sequence number expected (0: none yet, as in Wireshark). */
        int nextSeq;
        long nextSeqTime;
        long nextSeqFrame;
        int maxSeqToBeAcked;
        int lastAck;
        long lastAckTime;
        long window = -1;
        /** Window scale shift; -1 unknown (no SYN seen), -2 the handshake had no scaling. */
        int windowScale = -1;
        int lastSegmentFlags;
        int duplicateAcks;
        long lastNonDuplicateAck;
        /** Unacknowledged segments, oldest first: per segment its sequence numbers (seq, next), frame and time. */
        int unacked;
        long[] segments = new long[3 * 4];

        void addUnacked(int seq, int next, long frame, long time) {
            if (3 * unacked == segments.length) {
                segments = Arrays.copyOf(segments, segments.length * 2);
            }
            int at = 3 * unacked;
            segments[at] = (long) seq << 32 | next & 0xFFFF_FFFFL;
            segments[at + 1] = frame;
            segments[at + 2] = time;
            unacked++;
        }

        int seq(int k) {
            return (int) (segments[3 * k] >>> 32);
        }

        int next(int k) {
            return (int) segments[3 * k];
        }

        void seq(int k, int seq) {
            segments[3 * k] = (long) seq << 32 | segments[3 * k] & 0xFFFF_FFFFL;
        }
    }

    /** Both directions of one TCP connection at one point. */
    private static final class Conversation {
        final int stream;
        final Direction[] directions = {new Direction(), new Direction()};
        long lastSynTime = -1;
        long firstRttNanos = -1;

        Conversation(int stream) {
            this.stream = stream;
        }
    }

    private final int maxConversations;
    private final boolean roundTrips;
    private final LongTupleMap<Conversation> conversations = new LongTupleMap<>(6);
    private final long[] key = new long[6];
    private int streams;
    private long untracked;

    /** An analysis that tracks up to {@code maxConversations} connections, with round-trip times. */
    public TcpAnalysis(int maxConversations) {
        this(maxConversations, true);
    }

    /**
     * An analysis that tracks up to {@code maxConversations} connections; without
     * {@code roundTrips} it keeps no unacknowledged segments (the flags need none), so
     * {@link TcpFacts#ackRttNanos()} and {@link TcpFacts#ackedFrame()} stay -1 and it costs less.
     */
    public TcpAnalysis(int maxConversations, boolean roundTrips) {
        this.maxConversations = maxConversations;
        this.roundTrips = roundTrips;
    }

    /** An analysis that tracks up to 200,000 connections, with round-trip times. */
    public TcpAnalysis() {
        this(200_000);
    }

    /** Connections seen (the next {@code tcp.stream} number). */
    public int streams() {
        return streams;
    }

    /** TCP packets of connections beyond the limit, not analysed. */
    public long untrackedPackets() {
        return untracked;
    }

    /**
     * Analyses the TCP segment of a packet seen at capture point {@code point} (any small number
     * naming it), filling {@code facts}.
     *
     * @param view      the packet's decoded view
     * @param frame     its frame number in its file (for the "acknowledges frame N" facts)
     * @param timeNanos its capture time
     * @return true when the packet had a TCP segment that was analysed
     */
    public boolean analyze(int point, PacketView view, long frame, long timeNanos, TcpFacts facts) {
        facts.clear();
        quotedStream(point, view, facts);
        int ip = view.innerIpLayer();
        if (ip < 0 || view.moreFragments(ip) || view.fragmentOffset(ip) > 0) {
            return false;
        }
        int tcp = view.transportLayer(ip);
        LayerStack stack = view.stack();
        if (tcp < 0 || stack.type(tcp) != LayerType.TCP || stack.isQuoted(tcp) || view.tcpWindow(tcp) < 0) {
            return false;
        }
        int segmentLength = view.tcpPayloadLength(tcp);
        if (segmentLength < 0) {
            return false;
        }
        int sport = view.sourcePort(tcp);
        int dport = view.destinationPort(tcp);
        int from = key(point, view.addressHigh(ip, true), view.addressLow(ip, true), view.addressHigh(ip, false),
                view.addressLow(ip, false), sport, dport);
        int flags = view.tcpFlags(tcp);
        int seq = (int) view.tcpSequence(tcp);
        int ack = (int) view.tcpAcknowledgment(tcp);
        int window = view.tcpWindow(tcp);
        Conversation c = conversations.get(key);
        int reused = 0;
        if (c != null && (flags & (TcpHeader.SYN | TcpHeader.ACK)) == TcpHeader.SYN) {
            Direction d = c.directions[from];
            if (d.sawSyn && d.baseSeq != seq) {
                c = null;
                reused = REUSED_PORTS;
            }
        }
        if (c == null) {
            if (conversations.size() >= maxConversations && reused == 0) {
                untracked++;
                return false;
            }
            c = new Conversation(streams++);
            conversations.put(key, c);
        }
        Direction fwd = c.directions[from];
        Direction rev = c.directions[1 - from];
        if ((flags & TcpHeader.SYN) != 0) {
            if ((flags & TcpHeader.ACK) == 0) {
                c.lastSynTime = timeNanos;
            }
            int scale = windowScale(stack, tcp);
            if (scale >= 0) {
                fwd.windowScale = Math.min(scale, 14);
            }
            if (fwd.windowScale == -1) {
                fwd.windowScale = -2;
                rev.windowScale = -2;
            } else if ((flags & TcpHeader.ACK) != 0 && rev.windowScale == -2) {
                fwd.windowScale = -2;
            }
        } else if ((flags & TcpHeader.ACK) != 0 && c.lastSynTime >= 0 && c.firstRttNanos < 0) {
            c.firstRttNanos = timeNanos - c.lastSynTime;
        }
        int analysis = reused | sequenceAnalysis(c, fwd, rev, frame, timeNanos, seq, ack, segmentLength, flags,
                window, roundTrips, facts);
        long relativeAck = (flags & TcpHeader.ACK) != 0 && rev.baseSet ? (ack - rev.baseSeq) & 0xFFFF_FFFFL : -1;
        long scaled = (flags & TcpHeader.SYN) != 0 || fwd.windowScale < 0 ? window : (long) window << fwd.windowScale;
        facts.set(analysis, c.stream, segmentLength, (seq - fwd.baseSeq) & 0xFFFF_FFFFL, relativeAck, scaled);
        return true;
    }

    /** The stream of a TCP header quoted by an ICMP error, looked up (never created). */
    private void quotedStream(int point, PacketView view, TcpFacts facts) {
        LayerStack stack = view.stack();
        for (int i = 0, n = stack.count(); i < n; i++) {
            if (!stack.isQuoted(i) || !LayerType.isIp(stack.type(i))) {
                continue;
            }
            int tcp = view.transportLayer(i);
            if (tcp < 0 || stack.type(tcp) != LayerType.TCP || view.destinationPort(tcp) < 0) {
                return;
            }
            key(point, view.addressHigh(i, true), view.addressLow(i, true), view.addressHigh(i, false),
                    view.addressLow(i, false), view.sourcePort(tcp), view.destinationPort(tcp));
            Conversation c = conversations.get(key);
            if (c != null) {
                facts.quoted(c.stream);
            }
            return;
        }
    }

    /** Fills {@link #key} with a conversation's canonical key; returns the direction (0: source is the lower end). */
    private int key(int point, long srcHigh, long srcLow, long dstHigh, long dstLow, int sport, int dport) {
        int order = Long.compare(srcHigh, dstHigh);
        if (order == 0) {
            order = Long.compareUnsigned(srcLow, dstLow);
        }
        if (order == 0) {
            order = Integer.compare(sport, dport);
        }
        int from = order <= 0 ? 0 : 1;
        key[0] = point;
        key[1] = from == 0 ? srcHigh : dstHigh;
        key[2] = from == 0 ? srcLow : dstLow;
        key[3] = from == 0 ? dstHigh : srcHigh;
        key[4] = from == 0 ? dstLow : srcLow;
        key[5] = from == 0 ? ((long) sport << 16) | dport : ((long) dport << 16) | sport;
        return from;
    }

    /** The window scale option of a SYN, or -1. */
    private static int windowScale(LayerStack stack, int tcp) {
        ByteBuffer buf = stack.buffer();
        int start = stack.offset(tcp);
        int end = start + Math.min(stack.headerLength(tcp), 60);
        int at = start + TcpHeader.MIN_LENGTH;
        while (at < end) {
            int kind = buf.get(at) & 0xFF;
            if (kind == TcpHeader.OPTION_END) {
                return -1;
            }
            if (kind == TcpHeader.OPTION_NOP) {
                at++;
                continue;
            }
            if (at + 1 >= end) {
                return -1;
            }
            int length = buf.get(at + 1) & 0xFF;
            if (length < 2 || at + length > end) {
                return -1;
            }
            if (kind == TcpHeader.OPTION_WINDOW_SCALE && length == 3) {
                return buf.get(at + 2) & 0xFF;
            }
            at += length;
        }
        return -1;
    }

    private static boolean after(int a, int b) {
        return b - a < 0;
    }

    private static boolean before(int a, int b) {
        return a - b < 0;
    }

    /** Wireshark's {@code tcp_analyze_sequence_number}, step by step; returns the flags. */
    private static int sequenceAnalysis(Conversation c, Direction fwd, Direction rev, long frame, long now, int seq,
                                        int ack, int seglen, int flags, int window, boolean roundTrips,
                                        TcpFacts facts) {
        boolean syn = (flags & TcpHeader.SYN) != 0;
        boolean fin = (flags & TcpHeader.FIN) != 0;
        boolean rst = (flags & TcpHeader.RST) != 0;
        boolean ackFlag = (flags & TcpHeader.ACK) != 0;
        boolean synFinRst = syn || fin || rst;
        if (!fwd.baseSet) {
            fwd.baseSeq = syn ? seq : seq - 1;
            fwd.sawSyn = syn && !ackFlag;
            fwd.baseSet = true;
        }
        if (!rev.baseSet && ackFlag) {
            rev.baseSeq = ack - 1;
            rev.baseSet = true;
        }
        int a = 0;
        analysis:
        {
            if (seglen == 1 && seq == fwd.nextSeq && rev.window == 0) {
                a |= ZERO_WINDOW_PROBE;
                break analysis;
            }
            if (window == 0 && !synFinRst) {
                a |= ZERO_WINDOW;
            }
            if (fwd.nextSeq != 0 && after(seq, fwd.nextSeq) && !rst) {
                a |= LOST_SEGMENT;
            }
            if ((seglen == 0 || seglen == 1) && seq == fwd.nextSeq - 1 && !synFinRst) {
                a |= KEEP_ALIVE;
            }
            boolean sameAckAndSeq = seq == fwd.nextSeq && ack == fwd.lastAck && !synFinRst;
            if (seglen == 0 && window != 0 && window != fwd.window && sameAckAndSeq) {
                a |= WINDOW_UPDATE;
            }
            if (seglen > 0 && rev.windowScale != -1 && !synFinRst
                    && seq + seglen == rev.lastAck + (int) (rev.window << (rev.windowScale == -2 ? 0 : rev.windowScale))) {
                a |= WINDOW_FULL;
            }
            if (seglen == 0 && window != 0 && window == fwd.window && sameAckAndSeq
                    && (rev.lastSegmentFlags & KEEP_ALIVE) != 0) {
                a |= KEEP_ALIVE_ACK;
                break analysis;
            }
            if (seglen == 0 && window == 0 && window == fwd.window && sameAckAndSeq
                    && (rev.lastSegmentFlags & ZERO_WINDOW_PROBE) != 0) {
                a |= ZERO_WINDOW_PROBE_ACK;
                break analysis;
            }
            if (seglen == 0 && window != 0 && window == fwd.window && sameAckAndSeq) {
                fwd.duplicateAcks++;
                a |= DUPLICATE_ACK;
                facts.duplicate(fwd.duplicateAcks, fwd.lastNonDuplicateAck);
            }
        }
        if (ack != fwd.lastAck) {
            fwd.lastNonDuplicateAck = frame;
            fwd.duplicateAcks = 0;
        }
        if (rev.maxSeqToBeAcked != 0 && after(ack, rev.maxSeqToBeAcked) && ackFlag) {
            a |= ACK_LOST_SEGMENT;
            rev.maxSeqToBeAcked = rev.nextSeq;
        }
        if ((seglen > 0 || syn || fin) && fwd.nextSeq != 0 && before(seq, fwd.nextSeq) && (a & KEEP_ALIVE) == 0) {
            long outOfOrder = c.firstRttNanos > 0 ? c.firstRttNanos : DEFAULT_OUT_OF_ORDER_NANOS;
            // A SYN or FIN takes a sequence number: one sent again at once is a retransmission, as
            // Wireshark has it, not out of order.
            if (rev.duplicateAcks >= 2 && rev.lastAck == seq && now - rev.lastAckTime < FAST_RETRANSMISSION_NANOS) {
                a |= FAST_RETRANSMISSION | RETRANSMISSION;
            } else if (now - fwd.nextSeqTime < outOfOrder && fwd.nextSeq != seq + seglen + (syn || fin ? 1 : 0)) {
                a |= OUT_OF_ORDER;
            } else if (seglen > 0 && Integer.compareUnsigned(seq + seglen, rev.lastAck) <= 0) {
                a |= SPURIOUS_RETRANSMISSION | RETRANSMISSION;
            } else {
                a |= RETRANSMISSION;
            }
        }
        int nextSeq = seq + seglen;
        if (seglen > 0 || syn || fin) {
            if (syn || fin) {
                nextSeq++;
            }
            if (roundTrips && fwd.unacked < MAX_UNACKED) {
                fwd.addUnacked(seq, nextSeq, frame, now);
            }
        }
        boolean probe = (a & ZERO_WINDOW_PROBE) != 0;
        if ((after(nextSeq, fwd.nextSeq) || fwd.nextSeq == 0) && !probe) {
            fwd.nextSeq = nextSeq;
            fwd.nextSeqFrame = frame;
            fwd.nextSeqTime = now;
        }
        if ((seq == fwd.maxSeqToBeAcked || fwd.maxSeqToBeAcked == 0) && !probe) {
            fwd.maxSeqToBeAcked = fwd.nextSeq;
        }
        fwd.window = window;
        fwd.lastAck = ack;
        fwd.lastAckTime = now;
        fwd.lastSegmentFlags = a;
        if (roundTrips) {
            acknowledge(rev, ack, now, facts);
        }
        return a;
    }

    /**
     * Drops the peer's segments this ACK covers, newest first as Wireshark walks them; the one it
     * acknowledges exactly gives the RTT.
     */
    private static void acknowledge(Direction rev, int ack, long now, TcpFacts facts) {
        int kept = rev.unacked;
        for (int i = rev.unacked - 1; i >= 0; i--) {
            int next = rev.next(i);
            if (ack == next) {
                long rtt = now - rev.segments[3 * i + 2];
                facts.acked(rev.segments[3 * i + 1], rtt > 0 ? rtt : -1);
            } else if (after(ack, rev.seq(i)) && !after(ack, next)) {
                rev.seq(i, ack);
                continue;
            } else if (after(next, ack)) {
                continue;
            }
            int tail = kept - i - 1;
            if (tail > 0) {
                System.arraycopy(rev.segments, 3 * (i + 1), rev.segments, 3 * i, 3 * tail);
            }
            kept--;
        }
        rev.unacked = kept;
    }

    /** Appends Wireshark's Info-column labels of the flags, e.g. {@code [TCP Retransmission]}. */
    public static void appendLabels(int flags, int duplicateAckNumber, StringBuilder sb) {
        for (Flag f : FLAGS) {
            if ((flags & f.bit()) == 0) {
                continue;
            }
            if (f.bit() == RETRANSMISSION && (flags & (FAST_RETRANSMISSION | SPURIOUS_RETRANSMISSION)) != 0) {
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ' ') {
                sb.append(' ');
            }
            sb.append('[').append(f.label());
            if (f.bit() == DUPLICATE_ACK && duplicateAckNumber > 0) {
                sb.append(" #").append(duplicateAckNumber);
            }
            sb.append(']');
        }
    }

    /** The short names of the flags ({@code retransmission}, {@code duplicate_ack}, ...), for JSON. */
    public static List<String> names(int flags) {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        for (Flag f : FLAGS) {
            if ((flags & f.bit()) != 0) {
                out.add(f.field().substring("tcp.analysis.".length()));
            }
        }
        return out;
    }
}
