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
        /** The key of its chain in {@code open}: the full identity, or the IP digest while only partial sightings came. */
        long identity;
        final long ipIdentity;
        /** Only sightings whose transport fields were cut off joined it so far. */
        boolean partialOnly;
        /** Whether it is the one {@code byIp} maps its IP digest to, and the next younger there. */
        boolean ipHead;
        Journey ipYounger;
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

        Journey(long identity, long ipIdentity, long firstNanos) {
            this.identity = identity;
            this.ipIdentity = ipIdentity;
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
    /**
     * The oldest open journey of each IP digest, younger ones hanging off it: made when the first
     * sighting whose transport fields were cut off comes (null before, so whole captures pay
     * nothing for it), then kept for every open journey.
     */
    private LongObjectMap<Journey> byIp;
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
        for (Journey j = open.get(o.identity); j != null; j = j.younger) {
            if (fits(j, o)) {
                join(j, o);
                return;
            }
        }
        if (o.partial || byIp != null) {
            // A sighting cut short joins any journey of its IP digest; a whole one, a journey
            // only cut-short sightings have joined yet.
            if (byIp == null) {
                indexByIp();
            }
            for (Journey j = byIp.get(o.ipIdentity); j != null; j = j.ipYounger) {
                if ((o.partial || j.partialOnly) && fits(j, o)) {
                    join(j, o);
                    return;
                }
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
        }
        Journey fresh = new Journey(o.identity, o.ipIdentity, o.adjustedNanos);
        fresh.partialOnly = o.partial;
        fresh.add(o);
        link(fresh);
        if (byIp != null) {
            linkByIp(fresh);
        }
        byAge.addLast(fresh);
        openJourneys++;
    }

    private boolean fits(Journey j, Observation o) {
        return (!j.hasPoint(o.point) || repeats(o.point)) && o.adjustedNanos - j.firstNanos <= windowNanos
                && o.samePayload(j.reference);
    }

    /** Adds a sighting; the first whole sighting of a journey files it under its full identity. */
    private void join(Journey j, Observation o) {
        j.add(o);
        if (j.partialOnly && !o.partial) {
            unlink(j);
            j.identity = o.identity;
            j.partialOnly = false;
            link(j);
        }
    }

    /** Appends a journey to the chain of its identity (chains go oldest first). */
    private void link(Journey journey) {
        Journey head = open.get(journey.identity);
        if (head == null) {
            journey.head = true;
            open.put(journey.identity, journey);
            return;
        }
        if (journey.firstNanos < head.firstNanos) {
            head.head = false;
            journey.head = true;
            journey.younger = head;
            open.put(journey.identity, journey);
            return;
        }
        Journey at = head;
        while (at.younger != null && at.younger.firstNanos <= journey.firstNanos) {
            at = at.younger;
        }
        journey.younger = at.younger;
        at.younger = journey;
    }

    private void indexByIp() {
        byIp = new LongObjectMap<>(1024);
        for (Journey journey : byAge) {
            if (!journey.finished) {
                linkByIp(journey);
            }
        }
    }

    private void linkByIp(Journey journey) {
        Journey head = byIp.get(journey.ipIdentity);
        if (head == null) {
            journey.ipHead = true;
            byIp.put(journey.ipIdentity, journey);
            return;
        }
        Journey tail = head;
        while (tail.ipYounger != null) {
            tail = tail.ipYounger;
        }
        tail.ipYounger = journey;
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
        if (byIp != null) {
            byIp.clear();
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
        openJourneys--;
        if (byAge.peekFirst() == journey) {
            byAge.pollFirst();
        }
        unlink(journey);
        if (byIp != null) {
            unlinkByIp(journey);
        }
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
            journey.younger = null;
            return;
        }
        for (Journey j = open.get(journey.identity); j != null; j = j.younger) {
            if (j.younger == journey) {
                j.younger = journey.younger;
                journey.younger = null;
                return;
            }
        }
    }

    /** Takes a journey out of its IP digest's chain. */
    private void unlinkByIp(Journey journey) {
        if (journey.ipHead) {
            journey.ipHead = false;
            if (journey.ipYounger == null) {
                byIp.remove(journey.ipIdentity);
            } else {
                journey.ipYounger.ipHead = true;
                byIp.put(journey.ipIdentity, journey.ipYounger);
            }
            journey.ipYounger = null;
            return;
        }
        for (Journey j = byIp.get(journey.ipIdentity); j != null; j = j.ipYounger) {
            if (j.ipYounger == journey) {
                j.ipYounger = journey.ipYounger;
                journey.ipYounger = null;
                return;
            }
        }
    }
}
