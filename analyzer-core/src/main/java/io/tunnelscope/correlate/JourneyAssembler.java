package io.tunnelscope.correlate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups the sightings of the same packet into journeys: observations with the same
 * {@link PacketIdentity} within a time window, at most one per capture point (a second sighting at
 * the same point is another packet, except at points that see every packet once per interface). Observations must arrive in (adjusted) time order, as the
 * merge of all captures delivers them; a journey is finished once the merge has moved a window
 * past its first sighting, so memory holds only one window of packets. Counts the journeys it had
 * to close early because the open set reached its bound.
 */
final class JourneyAssembler {
    /** Receives each finished journey, its hops in arrival order. */
    interface Sink {
        void journey(List<Observation> hops);
    }

    private static final class Journey {
        final long identity;
        final long firstNanos;
        final List<Observation> hops = new ArrayList<>(4);
        long pointMask;
        boolean finished;

        Journey(long identity, long firstNanos) {
            this.identity = identity;
            this.firstNanos = firstNanos;
        }

        boolean hasPoint(int point) {
            if (point < 64) {
                return (pointMask & (1L << point)) != 0;
            }
            for (Observation hop : hops) {
                if (hop.point == point) {
                    return true;
                }
            }
            return false;
        }

        void add(Observation o) {
            hops.add(o);
            if (o.point < 64) {
                pointMask |= 1L << o.point;
            }
        }
    }

    private final long windowNanos;
    /** Points that see one packet several times (an {@code any} capture without interface index). */
    private final java.util.function.IntPredicate repeatsAllowed;
    private final int maxOpen;
    private final Sink sink;
    private final Map<Long, Journey> open = new HashMap<>();
    private final ArrayDeque<Journey> byAge = new ArrayDeque<>();
    private long evictedEarly;

    JourneyAssembler(long windowNanos, int maxOpen, java.util.function.IntPredicate repeatsAllowed, Sink sink) {
        this.repeatsAllowed = repeatsAllowed;
        this.windowNanos = windowNanos;
        this.maxOpen = maxOpen;
        this.sink = sink;
    }

    void add(Observation o) {
        finishOlderThan(o.adjustedNanos - windowNanos);
        Journey journey = open.get(o.identity);
        if (journey != null && (!journey.hasPoint(o.point) || repeatsAllowed.test(o.point))
                && o.adjustedNanos - journey.firstNanos <= windowNanos) {
            journey.add(o);
            return;
        }
        if (journey != null) {
            finish(journey);
        }
        while (open.size() >= maxOpen && !byAge.isEmpty()) {
            Journey oldest = byAge.peekFirst();
            if (!oldest.finished) {
                evictedEarly++;
            }
            finish(oldest);
        }
        Journey fresh = new Journey(o.identity, o.adjustedNanos);
        fresh.add(o);
        open.put(o.identity, fresh);
        byAge.addLast(fresh);
    }

    /** Finishes every journey still open. */
    void flush() {
        while (!byAge.isEmpty()) {
            finish(byAge.peekFirst());
        }
    }

    /** Journeys closed before their window ended because too many were open at once. */
    long evictedEarly() {
        return evictedEarly;
    }

    private void finishOlderThan(long nanos) {
        while (!byAge.isEmpty()) {
            Journey oldest = byAge.peekFirst();
            if (oldest.finished) {
                byAge.pollFirst();
            } else if (oldest.firstNanos < nanos) {
                finish(oldest);
            } else {
                break;
            }
        }
    }

    private void finish(Journey journey) {
        if (journey.finished) {
            byAge.remove(journey);
            return;
        }
        journey.finished = true;
        if (byAge.peekFirst() == journey) {
            byAge.pollFirst();
        }
        if (open.get(journey.identity) == journey) {
            open.remove(journey.identity);
        }
        sink.journey(journey.hops);
    }
}
