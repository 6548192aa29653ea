package io.tunnelscope.anomaly;

import java.util.ArrayList;
import java.util.List;

/**
 * Faults of the analysis itself: a rule (or another part of the per-packet analysis) that threw
 * on a packet. The packet is left out of that part only, the report goes on, and each failing part
 * becomes one line of the report's {@code errors} (so the report says it is incomplete: exit
 * status 2). Keeps the first failure of each part, in the merged order of the captures, and how
 * many packets failed.
 */
final class Failures {
    /** The first failure of one part and the packets it failed on. */
    private static final class Failure {
        String firstPacket;
        PacketOrder order;
        RuntimeException first;
        long packets;

        void mergeFrom(Failure other) {
            packets += other.packets;
            if (other.order.compareTo(order) < 0) {
                firstPacket = other.firstPacket;
                order = other.order;
                first = other.first;
            }
        }
    }

    private final FirstSeen<String, Failure> byPart = new FirstSeen<>();

    /** Records that {@code part} threw {@code e} on {@code packet}. */
    void packet(String part, PacketContext packet, RuntimeException e) {
        Failure failure = byPart.computeIfAbsent(part, packet, k -> {
            Failure f = new Failure();
            f.firstPacket = packet.file() + " frame " + packet.record().frameNumber();
            f.order = packet.order();
            f.first = e;
            return f;
        });
        failure.packets++;
    }

    /** Takes in the failures of another instance (other files), keeping the earliest first. */
    void mergeFrom(Failures other) {
        byPart.mergeFrom(other.byPart, Failure::mergeFrom, Integer.MAX_VALUE);
    }

    /** One line per failing part, for the report's {@code errors}. */
    List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (var entry : byPart.map().entrySet()) {
            Failure f = entry.getValue();
            lines.add("analysis fault: " + entry.getKey() + " failed on " + f.packets + " packet"
                    + (f.packets == 1 ? "" : "s") + ", first " + f.firstPacket + " (" + describe(f.first)
                    + "); what it reports leaves " + (f.packets == 1 ? "that packet" : "those packets") + " out");
        }
        return lines;
    }

    /** An exception as one line: its class and message. */
    static String describe(RuntimeException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
