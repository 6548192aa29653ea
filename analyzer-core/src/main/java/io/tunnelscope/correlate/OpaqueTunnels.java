package io.tunnelscope.correlate;

import io.tunnelscope.collect.LongObjectMap;
import io.tunnelscope.proto.ProtocolDescriptor;
import io.tunnelscope.proto.Protocols;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * Ties the sightings of a tunnel whose inner packet cannot be read (encrypted: WireGuard, any
 * {@link ProtocolDescriptor#isOpaqueTunnel()}) to the inner packets they carry, so that journeys
 * cross such a tunnel as they cross VXLAN: pod, bridge, overlay device, NIC | NIC, overlay
 * device, bridge, pod.
 *
 * <ul>
 * <li><b>Leaving a host.</b> A tunnel sighting carrying {@code n} bytes (outer IP length less the
 * tunnel's overhead over that underlay, from its descriptor) is the inner packet of length
 * {@code n} (less up to the tunnel's padding) that a capture of the same host saw shortly before
 * ({@link #TIE_WINDOW_NANOS}), the oldest such packet not tied yet: the tunnel sighting takes that
 * packet's identity and inner fields (as its last sighting before the tunnel had them), as a VXLAN
 * sighting has its inner packet's.</li>
 * <li><b>Arriving.</b> The same encrypted packet on the receiving host's NIC is known by its own
 * bytes (outer digest, tunnel header and the first bytes of the ciphertext: for WireGuard the
 * receiver index and counter make it unique) and takes the same identity; the inner packets that
 * then appear on the receiving host are marked as arrived, so they are never taken for packets
 * leaving it. A second capture of the sending host that saw the same encrypted packet (an
 * {@code any} capture beside the NIC's) takes it the same way.</li>
 * </ul>
 *
 * Observations must come in (adjusted) time order, before the assembler sees them. A tunnel
 * sighting nothing ties keeps its own identity (its NIC-to-NIC journey is still found).
 */
final class OpaqueTunnels {
    /** How long after the inner packet's last sighting its tunnel packet may leave: encryption and queueing. */
    static final long TIE_WINDOW_NANOS = 5_000_000L;
    /** Inner sightings kept per host for the tie window. */
    private static final int RING = 1024;

    private final IntFunction<Object> hostOfPoint;
    private final long keepNanos;
    private final int maxKept;
    private final boolean clocksUncorrected;
    private final IntPredicate namedHost;
    private final Map<Object, HostState> hosts = new IdentityHashMap<>();
    /** Encrypted packets tied on their way out, by their own bytes: what their arrival takes. */
    private final LongObjectMap<Observation> sent = new LongObjectMap<>(1024);
    private final ArrayDeque<Observation> sentByAge = new ArrayDeque<>();
    private final ArrayDeque<Long> sentKeys = new ArrayDeque<>();
    /**
     * Encrypted packets nothing tied, by their own bytes: on clocks not yet corrected (the
     * calibration pass) the arrival may come before its departure, which then keeps its own
     * identity too, so that the two still make the NIC-to-NIC journey the clocks are judged by.
     */
    private final LongObjectMap<Observation> untied = new LongObjectMap<>(1024);
    private final ArrayDeque<Observation> untiedByAge = new ArrayDeque<>();
    private final ArrayDeque<Long> untiedKeys = new ArrayDeque<>();
    private long tied;
    private long arrived;

    /**
     * @param hostOfPoint the host of a point index (compared by identity)
     * @param keepNanos   how long a tied packet waits for its arrival on another host
     * @param maxKept     most tied packets kept waiting
     */
    OpaqueTunnels(IntFunction<Object> hostOfPoint, long keepNanos, int maxKept) {
        this(hostOfPoint, keepNanos, maxKept, null);
    }

    /**
     * @param namedHost the calibration pass, where an arrival may come before its departure (see
     *                  {@link #untied}): whether a point's host is known by name (two points of
     *                  unnamed hosts may be one host, their sightings two captures of one packet)
     */
    OpaqueTunnels(IntFunction<Object> hostOfPoint, long keepNanos, int maxKept, IntPredicate namedHost) {
        this.namedHost = namedHost;
        this.clocksUncorrected = namedHost != null;
        this.hostOfPoint = hostOfPoint;
        this.keepNanos = keepNanos;
        this.maxKept = Math.max(1, maxKept);
    }

    /** Tunnel sightings tied to the inner packet leaving their host. */
    long tied() {
        return tied;
    }

    /** Tunnel sightings known by their own bytes as the arrival of a tied one. */
    long arrived() {
        return arrived;
    }

    /**
     * Sees an observation before the assembler does: a tunnel sighting may take an inner packet's
     * identity. On clocks not yet corrected (the calibration pass) an encrypted packet that comes
     * before it left keeps its own identity, and its journey lacks that hop.
     */
    void accept(Observation o) {
        if (o.opaqueCarried < 0) {
            if (!o.encapsulated()) {
                state(o).add(o);
            }
            return;
        }
        long own = ownKey(o);
        expire(o.adjustedNanos);
        Observation departure = sent.get(own);
        if (departure != null && departure.point != o.point) {
            // Its arrival on another host, or the same departure seen by a second capture of the host.
            takeInner(o, departure);
            if (hostOfPoint.apply(departure.point) != hostOfPoint.apply(o.point)) {
                state(o).arrived(o.identity, o.adjustedNanos);
                arrived++;
            }
            return;
        }
        Observation earlier = clocksUncorrected ? untied.get(own) : null;
        if (earlier != null && earlier.point != o.point && namedHost.test(earlier.point) && namedHost.test(o.point)
                && hostOfPoint.apply(earlier.point) != hostOfPoint.apply(o.point)) {
            // Its arrival came first (clocks not corrected yet): both keep the packet's own identity.
            return;
        }
        if (o.opaqueCarried == 0) {
            keepUntied(own, o);
            return;
        }
        ProtocolDescriptor tunnel = Protocols.byId(o.encapsulation);
        int padding = tunnel == null ? 1 : Math.max(1, tunnel.opaquePadding());
        Observation inner = state(o).take(o.opaqueCarried, padding, o.adjustedNanos - TIE_WINDOW_NANOS);
        if (inner == null) {
            keepUntied(own, o);
            return;
        }
        takeInner(o, inner);
        tied++;
        if (sent.put(own, o) == null) {
            sentByAge.addLast(o);
            sentKeys.addLast(own);
            while (sentByAge.size() > maxKept) {
                forgetOldest();
            }
        }
    }

    private void keepUntied(long own, Observation o) {
        if (!clocksUncorrected) {
            return;
        }
        if (untied.put(own, o) == null) {
            untiedByAge.addLast(o);
            untiedKeys.addLast(own);
            while (untiedByAge.size() > maxKept) {
                forgetOldestUntied();
            }
        }
    }

    private void expire(long now) {
        while (!sentByAge.isEmpty() && sentByAge.peekFirst().adjustedNanos < now - keepNanos) {
            forgetOldest();
        }
        while (!untiedByAge.isEmpty() && untiedByAge.peekFirst().adjustedNanos < now - keepNanos) {
            forgetOldestUntied();
        }
    }

    private void forgetOldestUntied() {
        Observation old = untiedByAge.pollFirst();
        long key = untiedKeys.pollFirst();
        if (untied.get(key) == old) {
            untied.remove(key);
        }
    }

    private void forgetOldest() {
        Observation old = sentByAge.pollFirst();
        long key = sentKeys.pollFirst();
        if (sent.get(key) == old) {
            sent.remove(key);
        }
    }

    private HostState state(Observation o) {
        return hosts.computeIfAbsent(hostOfPoint.apply(o.point), h -> new HostState());
    }

    /**
     * The tunnel packet's own identity: its outer digest and the first bytes of its tunnel payload
     * (header and ciphertext), as the capture has them, before it takes the inner packet's.
     */
    static long ownKey(Observation o) {
        long h = PacketIdentity.mix(o.identity, o.payload0);
        h = PacketIdentity.mix(h, o.payload1);
        h = PacketIdentity.mix(h, o.payload2);
        return PacketIdentity.mix(h, o.payload3);
    }

    /** Gives the tunnel sighting {@code o} the identity and inner fields of {@code inner}. */
    private static void takeInner(Observation o, Observation inner) {
        o.identity = inner.identity;
        o.ipIdentity = inner.ipIdentity;
        o.partial = inner.partial;
        o.copyPayload(inner);
        o.srcHigh = inner.srcHigh;
        o.srcLow = inner.srcLow;
        o.dstHigh = inner.dstHigh;
        o.dstLow = inner.dstLow;
        o.sourcePort = inner.sourcePort;
        o.destinationPort = inner.destinationPort;
        o.protocol = inner.protocol;
        o.ttl = inner.ttl;
        o.ipLength = inner.ipLength;
        o.ipId = inner.ipId;
        o.fragment = inner.fragment;
        o.quotedIpId = inner.quotedIpId;
        o.quotedProtocol = inner.quotedProtocol;
        o.reportedMtu = inner.reportedMtu;
        o.tcpSequence = inner.tcpSequence;
        o.tcpAcknowledgment = inner.tcpAcknowledgment;
        o.tcpFlags = inner.tcpFlags;
        o.tcpPayload = inner.tcpPayload;
        o.outerOnly = false;
    }

    /** One host's recent inner sightings, and the inner packets that arrived through a tunnel. */
    private static final class HostState {
        private final Observation[] ring = new Observation[RING];
        private final boolean[] used = new boolean[RING];
        private int next;
        private int count;
        /** Inner identities that arrived through the tunnel lately, and when. */
        private final LongObjectMap<long[]> arrivals = new LongObjectMap<>(64);
        private final ArrayDeque<long[]> arrivalsByAge = new ArrayDeque<>();

        void add(Observation o) {
            while (!arrivalsByAge.isEmpty() && arrivalsByAge.peekFirst()[1] < o.adjustedNanos - TIE_WINDOW_NANOS * 4) {
                long[] old = arrivalsByAge.pollFirst();
                if (arrivals.get(old[0]) == old) {
                    arrivals.remove(old[0]);
                }
            }
            ring[next] = o;
            used[next] = !arrivals.isEmpty() && arrivals.get(o.identity) != null;
            next = (next + 1) % RING;
            count = Math.min(RING, count + 1);
        }

        void arrived(long identity, long at) {
            long[] entry = {identity, at};
            arrivals.put(identity, entry);
            arrivalsByAge.addLast(entry);
        }

        /**
         * The newest sighting of the oldest packet not yet tied, seen since {@code from}, whose
         * length fits {@code carried} bytes with up to {@code padding - 1} of padding; marks that
         * packet's sightings tied. Null when none fits.
         */
        Observation take(int carried, int padding, long from) {
            int oldest = -1;
            for (int n = 1; n <= count; n++) {
                int i = Math.floorMod(next - n, RING);
                Observation o = ring[i];
                if (o.adjustedNanos < from) {
                    break;
                }
                if (!used[i] && o.ipLength > 0 && o.ipLength <= carried && carried - o.ipLength < padding) {
                    oldest = i;
                }
            }
            if (oldest < 0) {
                return null;
            }
            long identity = ring[oldest].identity;
            Observation newest = null;
            for (int n = 1; n <= count; n++) {
                int i = Math.floorMod(next - n, RING);
                if (ring[i].adjustedNanos < from) {
                    break;
                }
                if (ring[i].identity == identity && ring[i].samePayload(ring[oldest])) {
                    if (newest == null) {
                        newest = ring[i];
                    }
                    used[i] = true;
                }
            }
            return newest;
        }
    }
}
