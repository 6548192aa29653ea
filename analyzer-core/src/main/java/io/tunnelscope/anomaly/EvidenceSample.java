package io.tunnelscope.anomaly;

import io.tunnelscope.report.Evidence;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The first few packets that show something, in the merged order of the captures, each once: a
 * later sighting of a packet already kept (the same identity at another capture point) is added
 * to its sightings instead of taking a place of its own. Two samples gathered from different
 * files merge into the sample one instance would have kept.
 */
final class EvidenceSample {
    /** Sightings kept per packet, beyond its first. */
    private static final int MAX_SIGHTINGS = 16;

    private final int max;
    private final List<Evidence> evidence = new ArrayList<>();
    private final List<PacketOrder> orders = new ArrayList<>();
    private long[] identities = new long[4];
    /** Per kept packet, its further sightings (null until it has one). */
    private final List<List<Evidence>> sightings = new ArrayList<>();

    EvidenceSample(int max) {
        this.max = max;
    }

    /** Keeps {@code packet} while the sample is not full, or records it as a packet's further sighting. */
    void add(PacketContext packet) {
        long identity = packet.identity();
        int at = indexOf(identity);
        if (at >= 0) {
            sighting(at, packet.evidence());
        } else if (evidence.size() < max) {
            keep(packet.evidence(), packet.order(), identity, null);
        }
    }

    /** Keeps a packet seen earlier while the sample is not full. */
    void add(Evidence packet, PacketOrder order) {
        if (evidence.size() < max) {
            keep(packet, order, 0, null);
        }
    }

    private void keep(Evidence packet, PacketOrder order, long identity, List<Evidence> more) {
        int n = evidence.size();
        evidence.add(packet);
        orders.add(order);
        if (identities.length == n) {
            identities = Arrays.copyOf(identities, n * 2);
        }
        identities[n] = identity;
        sightings.add(more == null ? null : new ArrayList<>(more));
    }

    private void sighting(int at, Evidence seen) {
        List<Evidence> more = sightings.get(at);
        if (more == null) {
            more = new ArrayList<>(2);
            sightings.set(at, more);
        }
        if (more.size() < MAX_SIGHTINGS) {
            more.add(seen);
        }
    }

    private int indexOf(long identity) {
        if (identity == 0) {
            return -1;
        }
        for (int i = 0; i < evidence.size(); i++) {
            if (identities[i] == identity) {
                return i;
            }
        }
        return -1;
    }

    boolean isFull() {
        return evidence.size() >= max;
    }

    int size() {
        return evidence.size();
    }

    /** The packets kept, first seen first, each with all its sightings when it had several. */
    List<Evidence> list() {
        List<Evidence> out = new ArrayList<>(evidence.size());
        for (int i = 0; i < evidence.size(); i++) {
            Evidence first = evidence.get(i);
            List<Evidence> more = sightings.get(i);
            if (more == null) {
                out.add(first);
            } else {
                List<Evidence> all = new ArrayList<>(more.size() + 1);
                all.add(first);
                all.addAll(more);
                out.add(new Evidence(first.point(), first.file(), first.frame(), List.copyOf(all)));
            }
        }
        return out;
    }

    /** Keeps the first packets of both samples; a packet both kept has the sightings of both. */
    void mergeFrom(EvidenceSample other) {
        List<Evidence> mine = new ArrayList<>(evidence);
        List<PacketOrder> myOrders = new ArrayList<>(orders);
        long[] myIdentities = Arrays.copyOf(identities, evidence.size());
        List<List<Evidence>> mySightings = new ArrayList<>(sightings);
        evidence.clear();
        orders.clear();
        sightings.clear();
        int i = 0;
        int j = 0;
        while (i < mine.size() || j < other.evidence.size()) {
            boolean takeMine = j == other.evidence.size()
                    || i < mine.size() && myOrders.get(i).compareTo(other.orders.get(j)) <= 0;
            Evidence packet = takeMine ? mine.get(i) : other.evidence.get(j);
            PacketOrder order = takeMine ? myOrders.get(i) : other.orders.get(j);
            long identity = takeMine ? myIdentities[i] : other.identities[j];
            List<Evidence> more = takeMine ? mySightings.get(i) : other.sightings.get(j);
            if (takeMine) {
                i++;
            } else {
                j++;
            }
            int at = indexOf(identity);
            if (at >= 0) {
                // The same packet, seen in the other file: a sighting of the one kept first.
                sighting(at, packet);
                if (more != null) {
                    more.forEach(seen -> sighting(at, seen));
                }
            } else if (evidence.size() < max) {
                keep(packet, order, identity, more);
            }
        }
    }
}
