package io.tunnelscope.anomaly;

import io.tunnelscope.report.Evidence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The first few packets that show something, in the merged order of the captures, each once: a
 * later sighting of a packet already kept (the same identity at another capture point) is listed
 * among its sightings instead of taking a place of its own. Each capture file keeps its own first
 * packets (with the sightings that file shows of them), and {@link #list} merges them: so a sample
 * gathered by one instance over every file and samples gathered per file and merged
 * ({@link #mergeFrom}) give the same list.
 */
final class EvidenceSample {
    /** Sightings kept per packet, beyond its first. */
    private static final int MAX_SIGHTINGS = 16;

    private final int max;
    /** The packets of each capture file, by file. */
    private final Map<String, Part> parts = new LinkedHashMap<>();

    EvidenceSample(int max) {
        this.max = max;
    }

    /** A sighting, and where it stands in the merged order. */
    private record Seen(Evidence evidence, PacketOrder order) {
    }

    /** The first packets one capture file showed, each with its further sightings in that file. */
    private final class Part {
        final List<Seen> firsts = new ArrayList<>();
        long[] identities = new long[4];
        /** Per kept packet, its further sightings (null until one). */
        final List<List<Seen>> more = new ArrayList<>();

        void add(Seen seen, long identity) {
            int at = indexOf(identity);
            if (at >= 0) {
                sighting(at, seen);
            } else if (firsts.size() < max) {
                keep(seen, identity, null);
            }
        }

        void keep(Seen seen, long identity, List<Seen> sightings) {
            int n = firsts.size();
            firsts.add(seen);
            if (identities.length == n) {
                identities = Arrays.copyOf(identities, n * 2);
            }
            identities[n] = identity;
            more.add(sightings == null ? null : new ArrayList<>(sightings));
        }

        void sighting(int at, Seen seen) {
            List<Seen> list = more.get(at);
            if (list == null) {
                list = new ArrayList<>(2);
                more.set(at, list);
            }
            if (list.size() < MAX_SIGHTINGS) {
                list.add(seen);
            }
        }

        int indexOf(long identity) {
            if (identity == 0) {
                return -1;
            }
            for (int i = 0; i < firsts.size(); i++) {
                if (identities[i] == identity) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** Keeps {@code packet} among its file's first packets, or as a further sighting of one. */
    void add(PacketContext packet) {
        part(packet.file()).add(new Seen(packet.evidence(), packet.order()), packet.identity());
    }

    /** Keeps a packet seen earlier (its identity unknown) among its file's first packets. */
    void add(Evidence packet, PacketOrder order) {
        part(packet.file()).add(new Seen(packet, order), 0);
    }

    private Part part(String file) {
        return parts.computeIfAbsent(file, f -> new Part());
    }

    /**
     * The first packets of all files in the merged order, each once with all its sightings (in
     * that order) when it had several.
     */
    List<Evidence> list() {
        Part merged = new Part();
        List<Part> all = new ArrayList<>(parts.values());
        int[] next = new int[all.size()];
        while (true) {
            int best = -1;
            for (int p = 0; p < all.size(); p++) {
                Part part = all.get(p);
                if (next[p] < part.firsts.size() && (best < 0 || part.firsts.get(next[p]).order()
                        .compareTo(all.get(best).firsts.get(next[best]).order()) < 0)) {
                    best = p;
                }
            }
            if (best < 0) {
                break;
            }
            Part part = all.get(best);
            int i = next[best]++;
            Seen first = part.firsts.get(i);
            long identity = part.identities[i];
            List<Seen> sightings = part.more.get(i);
            int at = merged.indexOf(identity);
            if (at >= 0) {
                // The same packet, seen in another file: a sighting of the one kept first.
                merged.sighting(at, first);
                if (sightings != null) {
                    sightings.forEach(seen -> merged.sighting(at, seen));
                }
            } else if (merged.firsts.size() < max) {
                merged.keep(first, identity, sightings);
            }
        }
        List<Evidence> out = new ArrayList<>(merged.firsts.size());
        for (int i = 0; i < merged.firsts.size(); i++) {
            Evidence first = merged.firsts.get(i).evidence();
            List<Seen> sightings = merged.more.get(i);
            if (sightings == null) {
                out.add(first);
                continue;
            }
            List<Seen> sorted = new ArrayList<>(sightings);
            sorted.sort((a, b) -> a.order().compareTo(b.order()));
            List<Evidence> listed = new ArrayList<>(sorted.size() + 1);
            listed.add(first);
            sorted.forEach(seen -> listed.add(seen.evidence()));
            out.add(new Evidence(first.point(), first.file(), first.frame(), List.copyOf(listed)));
        }
        return out;
    }

    /**
     * The packets two parts of one file kept (packets of a file shared out between instances):
     * every sighting of both in the merged order, kept again as they come.
     */
    private Part merged(Part a, Part b) {
        List<Seen> all = new ArrayList<>();
        List<Long> identities = new ArrayList<>();
        for (Part part : List.of(a, b)) {
            for (int i = 0; i < part.firsts.size(); i++) {
                all.add(part.firsts.get(i));
                identities.add(part.identities[i]);
                if (part.more.get(i) != null) {
                    for (Seen seen : part.more.get(i)) {
                        all.add(seen);
                        identities.add(part.identities[i]);
                    }
                }
            }
        }
        Integer[] order = new Integer[all.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> all.get(x).order().compareTo(all.get(y).order()));
        Part out = new Part();
        for (int i : order) {
            out.add(all.get(i), identities.get(i));
        }
        return out;
    }

    /** Takes in the packets another sample kept (of other files, or of packets of a file shared out). */
    void mergeFrom(EvidenceSample other) {
        other.parts.forEach((file, part) -> {
            Part mine = parts.get(file);
            parts.put(file, mine == null ? part : merged(mine, part));
        });
    }
}
