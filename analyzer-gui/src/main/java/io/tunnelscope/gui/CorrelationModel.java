package io.tunnelscope.gui;

import io.tunnelscope.report.CorrelationReport;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A correlation report tied to the loaded packets: which journey each packet took part in, the
 * packet each hop stands for, the role and clock offset of each point, the hop-to-hop latencies
 * (primitive arrays per pair of points) and which packets had an address rewritten (NAT) since the
 * previous hop of their journey.
 */
final class CorrelationModel {
    /** Latencies of one hop (a pair of points), in nanoseconds, in a growable primitive array. */
    static final class Latencies {
        private long[] values = new long[16];
        private int size;

        int size() {
            return size;
        }

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        /** The values sorted (a copy). */
        long[] sorted() {
            long[] out = Arrays.copyOf(values, size);
            Arrays.sort(out);
            return out;
        }
    }

    private final CorrelationReport report;
    private final PacketStore store;
    /** Journey index per packet index, -1 when none. */
    private final int[] journeyOf;
    private final Map<String, String> roles = new HashMap<>();
    private final Map<String, Long> offsets = new HashMap<>();
    private final Map<String, Integer> fileByPoint = new HashMap<>();
    /** Every hop-to-hop latency, keyed "from → to", in the order the hops were first seen. */
    private final Map<String, Latencies> hopLatencies = new LinkedHashMap<>();

    CorrelationModel(CorrelationReport report, PacketStore store) {
        this.report = report;
        this.store = store;
        this.journeyOf = new int[store.size()];
        Arrays.fill(journeyOf, -1);
        Map<String, Integer> fileIndex = new HashMap<>();
        for (int f = 0; f < store.files().size(); f++) {
            fileIndex.put(store.files().get(f).toString(), f);
        }
        if (report.points() != null) {
            for (CorrelationReport.Point p : report.points()) {
                roles.put(p.name(), p.role());
                Integer f = fileIndex.get(p.file());
                if (f == null) {
                    f = fileIndex.get(Path.of(p.file()).toString());
                }
                if (f == null) {
                    int byPath = store.fileIndex(p.file());
                    f = byPath >= 0 ? byPath : null;
                }
                if (f != null) {
                    fileByPoint.put(p.name(), f);
                }
            }
        }
        if (report.clockOffsets() != null) {
            for (CorrelationReport.ClockOffset o : report.clockOffsets()) {
                offsets.put(o.point(), o.offsetNanos());
            }
        }
        List<CorrelationReport.Journey> journeys = report.journeys() == null ? List.of() : report.journeys();
        for (int j = 0; j < journeys.size(); j++) {
            List<CorrelationReport.Hop> hops = journeys.get(j).hops();
            for (int h = 0; h < hops.size(); h++) {
                CorrelationReport.Hop hop = hops.get(h);
                int packet = packetOf(hop);
                if (packet >= 0) {
                    journeyOf[packet] = j;
                }
                if (h > 0) {
                    CorrelationReport.Hop prev = hops.get(h - 1);
                    if (packet >= 0 && !(Objects.equals(prev.src(), hop.src()) && Objects.equals(prev.dst(), hop.dst()))) {
                        store.markNat(packet);
                    }
                    hopLatencies.computeIfAbsent(prev.point() + " → " + hop.point(), k -> new Latencies())
                            .add(adjusted(hop) - adjusted(prev));
                }
            }
        }
    }

    /** The correlation report this model ties to the packets. */
    CorrelationReport report() {
        return report;
    }

    /** Every hop-to-hop latency, keyed "from → to", in the order the hops were first seen. */
    Map<String, Latencies> hopLatencies() {
        return hopLatencies;
    }

    /** The loaded packet a hop stands for, or -1. */
    int packetOf(CorrelationReport.Hop hop) {
        Integer f = fileByPoint.get(hop.point());
        return f == null ? -1 : store.indexOf(f, hop.frame());
    }

    /** A hop's time on the reference clock. */
    long adjusted(CorrelationReport.Hop hop) {
        return hop.tsNanos() - offsets.getOrDefault(hop.point(), 0L);
    }

    /** The journey of packet {@code i}, or null. */
    CorrelationReport.Journey journey(int i) {
        int j = i >= 0 && i < journeyOf.length ? journeyOf[i] : -1;
        return j < 0 ? null : report.journeys().get(j);
    }

    String role(String point) {
        return roles.getOrDefault(point, "?");
    }
}
