package io.tunnelscope.correlate;

import io.tunnelscope.collect.LongObjectMap;
import java.util.AbstractList;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;
import java.util.function.IntPredicate;

/**
 * Groups the sightings of the same packet into journeys: observations with the same
 * {@link PacketIdentity} and payloads that agree as far as both were captured (a sighting cut by a
 * small snaplen joins the full one it is a prefix of), within a time window, at most one per
 * capture point (a second sighting at the same point is another packet, except at points that see
 * every packet once per interface).
 * Identical packets in flight at once (TCP resets with IP ID 0 are byte-for-byte copies) are
 * paired first-in first-out: a sighting joins the oldest open journey of its identity that has not
 * been seen at its point yet.
 *
 * <p>Observations must arrive in (adjusted) time order, as the merge of all captures delivers
 * them; a journey is finished once the merge has moved a window past its first sighting, so
 * memory holds only one window of packets. Counts the journeys it had to close early because the
 * open set reached its bound.
 */
final class JourneyAssembler {
    /** Receives each finished journey, its hops in arrival order. */
    interface Sink {
        void journey(List<Observation> hops);
    }

    /**
     * One open or finished journey; it is itself the list of its hops handed to the sink (the
     * first two hops in fields, so the common journey needs no array).
     */
    private static final class Journey extends AbstractList<Observation> implements RandomAccess {
        final long identity;
        final long firstNanos;
        private Observation first;
        private Observation second;
        /** Hops from the third on, or null. */
        private Observation[] more;
        private int size;
        /** The hop with the longest captured payload: every hop's payload is a prefix of its. */
        Observation reference;
        long pointMask;
        boolean finished;
        /** Whether this journey is the one {@code open} maps its identity to. */
        boolean head;
        /** The next younger open journey with the same identity. */
        Journey younger;

        Journey(long identity, long firstNanos) {
            this.identity = identity;
            this.firstNanos = firstNanos;
        }

        @Override
        public Observation get(int index) {
            if (index < 0 || index >= size) {
                throw new IndexOutOfBoundsException(index);
            }
            return index == 0 ? first : index == 1 ? second : more[index - 2];
        }

        @Override
        public int size() {
            return size;
        }

        boolean hasPoint(int point) {
            if (point < 64) {
                return (pointMask & (1L << point)) != 0;
            }
            for (int i = 0; i < size; i++) {
                if (get(i).point == point) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public boolean add(Observation o) {
            if (size == 0) {
                first = o;
            } else if (size == 1) {
                second = o;
            } else {
                if (more == null) {
                    more = new Observation[2];
                } else if (size - 2 == more.length) {
                    more = Arrays.copyOf(more, more.length * 2);
                }
                more[size - 2] = o;
            }
            size++;
            if (reference == null || o.payloadLength > reference.payloadLength) {
                reference = o;
            }
            if (o.point < 64) {
                pointMask |= 1L << o.point;
            }
            return true;
        }
    }

    private final long windowNanos;
    private final int maxOpen;
    /**
     * Points that see one packet several times (an {@code any} capture without interface index);
     * a fixed property of each point, so the answers for points below 64 are kept as bits.
     */
    private final IntPredicate repeatsAllowed;
    private long repeatsAsked;
    private long repeatingPoints;
    private final Sink sink;
    /** The oldest open journey of each identity; younger ones hang off it. */
    private final LongObjectMap<Journey> open = new LongObjectMap<>(1024);
    private final ArrayDeque<Journey> byAge = new ArrayDeque<>();
    private int openJourneys;
    private long evictedEarly;

    JourneyAssembler(long windowNanos, int maxOpen, IntPredicate repeatsAllowed, Sink sink) {
        this.windowNanos = windowNanos;
        this.maxOpen = maxOpen;
        this.repeatsAllowed = repeatsAllowed;
        this.sink = sink;
    }

    void add(Observation o) {
        finishOlderThan(o.adjustedNanos - windowNanos);
        Journey head = open.get(o.identity);
        for (Journey j = head; j != null; j = j.younger) {
            if ((!j.hasPoint(o.point) || repeats(o.point))
                    && o.adjustedNanos - j.firstNanos <= windowNanos && o.samePayload(j.reference)) {
                j.add(o);
                return;
            }
        }
        if (openJourneys >= maxOpen) {
            while (openJourneys >= maxOpen && !byAge.isEmpty()) {
                Journey oldest = byAge.peekFirst();
                if (!oldest.finished) {
                    evictedEarly++;
                }
                finish(oldest);
            }
            // A journey closed to make room may have been the head.
            head = open.get(o.identity);
        }
        Journey fresh = new Journey(o.identity, o.adjustedNanos);
        fresh.add(o);
        if (head == null) {
            fresh.head = true;
            open.put(o.identity, fresh);
        } else {
            Journey tail = head;
            while (tail.younger != null) {
                tail = tail.younger;
            }
            tail.younger = fresh;
        }
        byAge.addLast(fresh);
        openJourneys++;
    }

    /** Whether {@code point} sees one packet several times: asked once per point below 64. */
    private boolean repeats(int point) {
        if (point >= 64) {
            return repeatsAllowed.test(point);
        }
        long bit = 1L << point;
        if ((repeatsAsked & bit) == 0) {
            repeatsAsked |= bit;
            if (repeatsAllowed.test(point)) {
                repeatingPoints |= bit;
            }
        }
        return (repeatingPoints & bit) != 0;
    }

    /** Finishes every journey still open. */
    void flush() {
        // Every open journey ends here, so the table is emptied once at the end rather than
        // entry by entry (each removal would shift its neighbours back).
        Journey journey;
        while ((journey = byAge.pollFirst()) != null) {
            if (!journey.finished) {
                journey.finished = true;
                openJourneys--;
                sink.journey(journey);
            }
        }
        open.clear();
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
        openJourneys--;
        if (byAge.peekFirst() == journey) {
            byAge.pollFirst();
        }
        unlink(journey);
        sink.journey(journey);
    }

    /** Takes a journey out of its identity's chain of open journeys. */
    private void unlink(Journey journey) {
        if (journey.head) {
            // The usual case: journeys finish oldest first, so this is the oldest of its identity.
            journey.head = false;
            if (journey.younger == null) {
                open.remove(journey.identity);
            } else {
                journey.younger.head = true;
                open.put(journey.identity, journey.younger);
            }
            return;
        }
        for (Journey j = open.get(journey.identity); j != null; j = j.younger) {
            if (j.younger == journey) {
                j.younger = journey.younger;
                return;
            }
        }
    }
}
