package io.tunnelscope.anomaly;

import io.tunnelscope.report.Evidence;
import java.util.ArrayList;
import java.util.List;

/**
 * The first few packets that show something, in the merged order of the captures. Two samples
 * gathered from different files merge into the sample one instance would have kept.
 */
final class EvidenceSample {
    private final int max;
    private final List<Evidence> evidence = new ArrayList<>();
    private final List<PacketOrder> orders = new ArrayList<>();

    EvidenceSample(int max) {
        this.max = max;
    }

    /** Keeps {@code packet} while the sample is not full. */
    void add(PacketContext packet) {
        if (evidence.size() < max) {
            evidence.add(packet.evidence());
            orders.add(packet.order());
        }
    }

    /** Keeps a packet seen earlier while the sample is not full. */
    void add(Evidence packet, PacketOrder order) {
        if (evidence.size() < max) {
            evidence.add(packet);
            orders.add(order);
        }
    }

    boolean isFull() {
        return evidence.size() >= max;
    }

    int size() {
        return evidence.size();
    }

    /** The packets kept, first seen first. */
    List<Evidence> list() {
        return evidence;
    }

    /** Keeps the first packets of both samples. */
    void mergeFrom(EvidenceSample other) {
        List<Evidence> mine = new ArrayList<>(evidence);
        List<PacketOrder> myOrders = new ArrayList<>(orders);
        evidence.clear();
        orders.clear();
        int i = 0;
        int j = 0;
        while (evidence.size() < max && (i < mine.size() || j < other.evidence.size())) {
            if (j == other.evidence.size() || i < mine.size() && myOrders.get(i).compareTo(other.orders.get(j)) <= 0) {
                add(mine.get(i), myOrders.get(i));
                i++;
            } else {
                add(other.evidence.get(j), other.orders.get(j));
                j++;
            }
        }
    }
}
