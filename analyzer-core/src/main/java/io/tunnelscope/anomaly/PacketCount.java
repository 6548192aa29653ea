package io.tunnelscope.anomaly;

import io.tunnelscope.collect.LongCounter;
import io.tunnelscope.collect.LongHashSet;
import java.util.Collection;

/**
 * Counts packets, not sightings: a packet seen at several capture points (the pod, the bridge, an
 * {@code any} capture, the NIC...) carries one identity ({@link PacketContext#identity}) and counts
 * once. Packets alike in every identifying field (a duplicate, a fuzzed capture's copies) share an
 * identity, so the sightings are told apart per point: the nth sighting of an identity at one point
 * is the nth packet with it, the same packet as the nth sighting at any other point. Exact up to
 * {@value #MAX_EXACT} packets; past that, further sightings whose identity was not kept count as
 * packets (an overcount the report's limits would show, bounded memory). A sighting without
 * identity (not followed by correlation) counts as a packet.
 */
final class PacketCount {
    static final int MAX_EXACT = 1 << 16;

    private final LongHashSet identities = new LongHashSet(16);
    /** Sightings per identity and point. */
    private final LongCounter occurrences = new LongCounter(MAX_EXACT);
    private long uncounted;

    /** Counts the packet of a sighting at {@code point}; true when the packet is new. */
    boolean add(long identity, String point) {
        if (identity == 0) {
            uncounted++;
            return true;
        }
        long nth = occurrences.addAndGet(identity * 0x9E3779B97F4A7C15L ^ point.hashCode());
        long key = nth <= 1 ? identity : mix(identity, nth);
        if (identities.contains(key)) {
            return false;
        }
        if (identities.size() >= MAX_EXACT) {
            uncounted++;
            return true;
        }
        identities.add(key);
        return true;
    }

    /** Counts the packet of {@code packet}; true when it is new. */
    boolean add(PacketContext packet) {
        return add(packet.identity(), packet.point());
    }

    /** The key of the {@code nth} packet of an identity (never 0). */
    private static long mix(long identity, long nth) {
        long h = (identity ^ nth * 0xC2B2AE3D27D4EB4FL) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 31;
        return h == 0 ? 1 : h;
    }

    long count() {
        return identities.size() + uncounted;
    }

    /** Takes in the packets another count saw (another file's sightings, keys already told apart). */
    void mergeFrom(PacketCount other) {
        other.identities.forEach(key -> {
            if (!identities.contains(key)) {
                if (identities.size() >= MAX_EXACT) {
                    uncounted++;
                } else {
                    identities.add(key);
                }
            }
        });
        uncounted += other.uncounted;
    }

    /** The packets of all the counts together, each once. */
    static long union(Collection<PacketCount> counts) {
        PacketCount all = new PacketCount();
        for (PacketCount count : counts) {
            all.mergeFrom(count);
        }
        return all.count();
    }
}
