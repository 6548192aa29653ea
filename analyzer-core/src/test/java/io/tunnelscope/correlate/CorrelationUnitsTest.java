package io.tunnelscope.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pieces of correlation on their own: percentiles, clock offsets, pairing, hop order. */
class CorrelationUnitsTest {

    @Test
    void percentilesStayWithinTheBucketPrecision() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (long v = 1; v <= 100_000; v++) {
            histogram.record(v * 1000);
        }
        long p50 = histogram.percentile(0.50);
        long p99 = histogram.percentile(0.99);
        assertTrue(Math.abs(p50 - 50_000_000L) <= 50_000_000L / 16, "p50 " + p50);
        assertTrue(Math.abs(p99 - 99_000_000L) <= 99_000_000L / 16, "p99 " + p99);
        assertEquals(100_000, histogram.count());
    }

    @Test
    void negativeLatenciesAreKeptNegative() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(-5000);
        histogram.record(-5000);
        histogram.record(100);
        assertTrue(histogram.percentile(0.5) < 0);
        assertEquals(0, new LatencyHistogram().percentile(0.5));
    }

    @Test
    void clocksThatAgreeGetNoOffsetDespiteAsymmetricPaths() {
        // Egress takes 15 us, ingress 4 us: the NTP midpoint would invent a 5.5 us offset.
        assertEquals(0, ClockOffsets.offset(15_000, -4_000));
        assertEquals(0, ClockOffsets.offset(-4_000, 15_000));
    }

    @Test
    void aRealOffsetIsMeasuredFromBothDirections() {
        long offset = 3_000_000_000L;
        ClockOffsets clocks = new ClockOffsets(3);
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            long t = i * 1_000_000L;
            long there = 100_000 + random.nextInt(20_000);
            long back = 120_000 + random.nextInt(20_000);
            // requests point 0 -> point 1 (point 1's clock is 3 s ahead), replies back
            clocks.sample(0, t, 1, t + there + offset, true);
            clocks.sample(1, t + offset, 0, t + back, false);
            // point 2 shares point 1's clock and sits 50 us after it
            clocks.sample(1, t + offset, 2, t + offset + 50_000, true);
            clocks.sample(2, t + offset + 60_000, 1, t + offset + 110_000, false);
        }
        long[] estimate = clocks.estimate();
        assertEquals(0, estimate[0]);
        assertTrue(Math.abs(estimate[1] - offset) < 30_000, "offset of point 1: " + estimate[1]);
        assertEquals(estimate[1], estimate[2], "point 2 shares point 1's clock");
        assertEquals(2, clocks.estimatedPairs().size());
    }

    private static Observation seen(int point, long nanos, long identity) {
        Observation o = new Observation();
        o.point = point;
        o.timestampNanos = nanos;
        o.adjustedNanos = nanos;
        o.identity = identity;
        o.ttl = 64;
        return o;
    }

    @Test
    void identicalPacketsInFlightArePairedFirstInFirstOut() {
        List<List<Observation>> journeys = new ArrayList<>();
        JourneyAssembler assembler = new JourneyAssembler(1_000_000_000L, 100, p -> false, journeys::add);
        // Three identical resets leave point 0 before the first reaches point 1.
        assembler.add(seen(0, 0, 42));
        assembler.add(seen(0, 10, 42));
        assembler.add(seen(0, 20, 42));
        assembler.add(seen(1, 1000, 42));
        assembler.add(seen(1, 1010, 42));
        assembler.add(seen(1, 1020, 42));
        assembler.flush();
        assertEquals(3, journeys.size());
        for (List<Observation> journey : journeys) {
            assertEquals(2, journey.size());
            assertEquals(1000, journey.get(1).timestampNanos - journey.get(0).timestampNanos);
        }
    }

    @Test
    void theWindowClosesJourneysAndTheBoundIsCounted() {
        List<List<Observation>> journeys = new ArrayList<>();
        JourneyAssembler assembler = new JourneyAssembler(1_000, 2, p -> false, journeys::add);
        assembler.add(seen(0, 0, 1));
        assembler.add(seen(1, 5_000, 1));
        assertEquals(1, journeys.size(), "the first sighting's window had ended");
        assembler.add(seen(0, 5_001, 2));
        assembler.add(seen(0, 5_002, 3));
        assertEquals(1, assembler.evictedEarly(), "a third open journey evicts the oldest early");
        assembler.flush();
        assertEquals(4, journeys.size());
    }

    @Test
    void anyCaptureMaySeeAPacketTwice() {
        List<List<Observation>> journeys = new ArrayList<>();
        JourneyAssembler assembler = new JourneyAssembler(1_000_000, 10, p -> p == 5, journeys::add);
        assembler.add(seen(5, 0, 9));
        assembler.add(seen(5, 10, 9));
        assembler.add(seen(1, 20, 9));
        assembler.flush();
        assertEquals(1, journeys.size());
        assertEquals(3, journeys.get(0).size());
    }

    @Test
    void sightingsInOneMicrosecondAreOrderedByTtlTunnelAndDeviceRole() {
        List<CapturePoint> points = List.of(
                new CapturePoint(0, "h1-pod", "a", 1, null), new CapturePoint(1, "h1-docker0", "b", 1, null),
                new CapturePoint(2, "h1-flannel.1", "c", 1, null), new CapturePoint(3, "h1-eth0", "d", 1, null),
                new CapturePoint(4, "h2-eth0", "e", 1, null), new CapturePoint(5, "h2-flannel.1", "f", 1, null));
        Observation pod = seen(0, 1_000_400, 7);
        Observation bridge = seen(1, 1_000_100, 7);
        Observation overlay = seen(2, 1_000_900, 7);
        overlay.ttl = 63;
        Observation underlay = seen(3, 2_000_000, 7);
        underlay.ttl = 63;
        underlay.encapsulation = 0;
        Observation remoteUnderlay = seen(4, 3_000_000, 7);
        remoteUnderlay.ttl = 63;
        remoteUnderlay.encapsulation = 0;
        remoteUnderlay.resolutionNanos = 1;
        Observation remoteOverlay = seen(5, 3_000_000, 7);
        remoteOverlay.ttl = 63;
        for (Observation o : List.of(pod, bridge, overlay, underlay, remoteUnderlay, remoteOverlay)) {
            o.resolutionNanos = 1000;
        }
        List<Observation> ordered = JourneyAnalysis.order(
                List.of(remoteOverlay, overlay, underlay, bridge, remoteUnderlay, pod), points);
        List<Integer> order = new ArrayList<>();
        ordered.forEach(o -> order.add(o.point));
        assertEquals(List.of(0, 1, 2, 3, 4, 5), order);
    }
}
