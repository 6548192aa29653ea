package io.tunnelscope.correlate;

import io.tunnelscope.collect.LongObjectMap;
import io.tunnelscope.report.Evidence;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Causes counted per packet, not per sighting. A per-packet rule tags the sightings it sees a
 * cause in ({@link Sighting#tag}); when the journey of the packet is finished, every tag its
 * sightings carry counts one packet, with the packet as evidence once (its first tagged sighting,
 * the others listed as its sightings). So a SYN seen at eight captures is one SYN.
 *
 * <p>A tag is the rule's number in its top byte and a 56-bit hash of the rule's own cause key
 * below ({@link #tag}): causes of different per-file rule instances meet by their numbers.
 */
public final class CauseTags {
    /** Evidence kept per tag. */
    public static final int MAX_EVIDENCE = 8;

    private static final class Entry {
        long packets;
        final List<Evidence> evidence = new ArrayList<>(2);
    }

    private final LongObjectMap<Entry> entries = new LongObjectMap<>();
    private long[] seen = new long[8];

    /** The tag of cause {@code cause} (any 64-bit key; hashed) of rule number {@code rule} (0-255). */
    public static long tag(int rule, long cause) {
        long h = cause * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        return ((long) rule << 56) | (h & 0x00FF_FFFF_FFFF_FFFFL);
    }

    /** Counts the tags of a finished journey, once each ({@code hops} in causal order). */
    void journey(Observation[] hops, int n, List<CapturePoint> points) {
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            Observation hop = hops[i];
            for (int t = 0; t < hop.tagCount; t++) {
                long tag = hop.tags[t];
                boolean again = false;
                for (int d = 0; d < distinct && !again; d++) {
                    again = seen[d] == tag;
                }
                if (again) {
                    continue;
                }
                if (distinct == seen.length) {
                    seen = java.util.Arrays.copyOf(seen, distinct * 2);
                }
                seen[distinct++] = tag;
                Entry entry = entries.get(tag);
                if (entry == null) {
                    entry = new Entry();
                    entries.put(tag, entry);
                }
                entry.packets++;
                if (entry.evidence.size() < MAX_EVIDENCE) {
                    entry.evidence.add(evidence(hops, n, i, points));
                }
            }
        }
    }

    /** Hop {@code at} of a journey as evidence, with every sighting of the packet when there are several. */
    private static Evidence evidence(Observation[] hops, int n, int at, List<CapturePoint> points) {
        CapturePoint point = points.get(hops[at].point);
        if (n == 1) {
            return new Evidence(point.name, point.file, hops[at].frame);
        }
        List<Evidence> sightings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            CapturePoint p = points.get(hops[i].point);
            sightings.add(new Evidence(p.name, p.file, hops[i].frame));
        }
        return new Evidence(point.name, point.file, hops[at].frame, sightings);
    }

    /** Packets (journeys) tagged with {@code tag}. */
    public long packets(long tag) {
        Entry entry = entries.get(tag);
        return entry == null ? 0 : entry.packets;
    }

    /** The first packets tagged with {@code tag} (at most {@value #MAX_EVIDENCE}), each with its sightings. */
    public List<Evidence> evidence(long tag) {
        Entry entry = entries.get(tag);
        return entry == null ? List.of() : Collections.unmodifiableList(entry.evidence);
    }
}
