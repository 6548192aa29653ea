package io.tunnelscope.anomaly;

import io.tunnelscope.collect.LongHashSet;
import java.util.Collection;

/**
 * Counts packets, not sightings: a packet seen at several capture points (the pod, the bridge, an
 * {@code any} capture, the NIC...) carries one identity ({@link PacketContext#identity}) and counts
 * once. Exact up to {@value #MAX_EXACT} packets; past that, further sightings whose identity was
 * not kept count as packets (an overcount the report's limits would show, bounded memory). A
 * sighting without identity (not followed by correlation) counts as a packet.
 */
final class PacketCount {
    static final int MAX_EXACT = 1 << 16;

    private final LongHashSet identities = new LongHashSet(16);
    private long uncounted;

    /** Counts the packet of a sighting; true when the packet is new. */
    boolean add(long identity) {
        if (identity == 0) {
            uncounted++;
            return true;
        }
        if (identities.contains(identity)) {
            return false;
        }
        if (identities.size() >= MAX_EXACT) {
            uncounted++;
            return true;
        }
        identities.add(identity);
        return true;
    }

    /** Counts the packet of {@code packet}; true when it is new. */
    boolean add(PacketContext packet) {
        return add(packet.identity());
    }

    long count() {
        return identities.size() + uncounted;
    }

    /** Takes in the packets another count saw (another file's sightings). */
    void mergeFrom(PacketCount other) {
        other.identities.forEach(this::add);
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
