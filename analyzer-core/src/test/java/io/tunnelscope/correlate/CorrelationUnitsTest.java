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

    /** One journey across two hosts: sightings at {@code ts} on {@code hosts} with {@code ttls}. */
    private static void journey(ClockOffsets clocks, int[] hosts, long[] ts, int[] ttls, boolean classX) {
        clocks.journey(hosts, ts, ttls, hosts.length, classX);
    }

    @Test
    void clocksThatAgreeGetNoOffsetDespiteAsymmetricPaths() {
        // Egress takes 15 us, ingress 4 us: the NTP midpoint would invent a 5.5 us offset.
        ClockOffsets clocks = new ClockOffsets(2);
        for (int i = 0; i < 50; i++) {
            long t = i * 1_000_000L;
            journey(clocks, new int[] {0, 0, 1, 1}, new long[] {t, t + 10, t + 15_010, t + 15_020},
                    new int[] {64, 63, 63, 62}, true);
            journey(clocks, new int[] {1, 1, 0, 0}, new long[] {t + 500, t + 510, t + 4_510, t + 4_520},
                    new int[] {64, 63, 63, 62}, false);
        }
        ClockOffsets.Estimate estimate = clocks.estimate(0);
        assertEquals(0, estimate.offsets()[1]);
        assertEquals("two-way", estimate.bases()[1]);
        assertEquals("reference", estimate.bases()[0]);
    }

    @Test
    void aRealOffsetIsMeasuredFromBothDirectionsAtTheWireCrossing() {
        long offset = 3_000_000_000L;
        ClockOffsets clocks = new ClockOffsets(3);
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            long t = i * 1_000_000L;
            long wire = 40_000 + random.nextInt(20_000);
            long back = 40_000 + random.nextInt(20_000);
            // pod, bridge, NIC of host 0, then NIC, bridge, pod of host 1 (its clock 3 s ahead): the
            // time spent inside the hosts (hundreds of us) must not count as a delay between them.
            journey(clocks, new int[] {0, 0, 0, 1, 1, 1},
                    new long[] {t, t + 200_000, t + 300_000, t + 300_000 + wire + offset,
                        t + 500_000 + wire + offset, t + 700_000 + wire + offset},
                    new int[] {64, 64, 63, 63, 62, 62}, true);
            journey(clocks, new int[] {1, 1, 0, 0},
                    new long[] {t + offset, t + 300_000 + offset, t + 300_000 + back, t + 600_000 + back},
                    new int[] {64, 63, 63, 62}, false);
        }
        ClockOffsets.Estimate estimate = clocks.estimate(0);
        assertEquals(0, estimate.offsets()[0]);
        assertTrue(Math.abs(estimate.offsets()[1] - offset) < 10_000, "offset of host 1: " + estimate.offsets()[1]);
        assertEquals("none", estimate.bases()[2], "no packet reached host 2");
    }

    @Test
    void equalTtlsAreDirectedByTheConsistentAssignmentOfAddressClasses() {
        // Only the NICs were captured (same inner TTL on both): the classes' direction is unknown.
        long offset = -4_200_000_000L;
        ClockOffsets clocks = new ClockOffsets(2);
        for (int i = 0; i < 100; i++) {
            long t = i * 1_000_000L;
            journey(clocks, new int[] {0, 1}, new long[] {t, t + 30_000 + offset}, new int[] {63, 63}, true);
            journey(clocks, new int[] {1, 0}, new long[] {t + 500 + offset, t + 500 + 50_000}, new int[] {63, 63}, false);
        }
        ClockOffsets.Estimate estimate = clocks.estimate(0);
        assertTrue(Math.abs(estimate.offsets()[1] - offset) < 20_000, "offset: " + estimate.offsets()[1]);
    }

    @Test
    void oneWayTrafficBoundsTheOffsetByCausality() {
        // host 1's clock is 2 s behind and packets only go 0 -> 1: no latency may come out negative.
        ClockOffsets clocks = new ClockOffsets(2);
        for (int i = 0; i < 20; i++) {
            long t = i * 1_000_000L;
            journey(clocks, new int[] {0, 1}, new long[] {t, t + 40_000 - 2_000_000_000L}, new int[] {64, 63}, true);
        }
        ClockOffsets.Estimate estimate = clocks.estimate(0);
        assertEquals("one-way", estimate.bases()[1]);
        assertTrue(estimate.offsets()[1] <= -2_000_000_000L + 40_000 && estimate.offsets()[1] > -2_100_000_000L,
                "offset " + estimate.offsets()[1]);
    }

    private static Observation seen(int point, long nanos, long identity) {
        Observation o = new Observation();
        o.point = point;
        o.device = -1;
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
    void hopsAreOrderedAsThePathGoesWhateverTheTimestamps() {
        HostModel model = new HostModel(List.of(), HostModel.Plan.NONE);
        List<CapturePoint> points = new ArrayList<>();
        for (String name : List.of("h1-pod", "h1-docker0", "h1-flannel.1", "h1-eth0", "h2-eth0", "h2-flannel.1",
                "h2-docker0", "h2-pod", "h1-any")) {
            CapturePoint point = new CapturePoint(points.size(), name, name, 1, null);
            model.place(point, new HostModel.PointFacts(name, java.nio.file.Path.of(name + ".pcap"), name, 1, null, 1,
                    null, null));
            points.add(point);
        }
        // The any capture's interface is the docker0 bridge of h1.
        model.move(points.get(8), points.get(1).host, points.get(1).device);
        assertEquals(2, model.hosts.size());
        Observation pod = seen(0, 1_000_400, 7);
        Observation bridge = seen(1, 1_000_100, 7);
        Observation bridgeAgain = seen(8, 1_000_100, 7);
        Observation overlay = seen(2, 1_000_900, 7);
        overlay.ttl = 63;
        Observation underlay = seen(3, 2_000_000, 7);
        underlay.ttl = 63;
        underlay.encapsulation = 0;
        // h2's clock was corrected badly: its NIC seems to see the packet before h1's overlay did.
        Observation remoteUnderlay = seen(4, 900_000, 7);
        remoteUnderlay.ttl = 63;
        remoteUnderlay.encapsulation = 0;
        Observation remoteOverlay = seen(5, 900_000, 7);
        remoteOverlay.ttl = 63;
        Observation remoteBridge = seen(6, 910_000, 7);
        remoteBridge.ttl = 62;
        Observation remotePod = seen(7, 905_000, 7);
        remotePod.ttl = 62;
        Observation[] hops = {remoteOverlay, overlay, underlay, bridge, remoteUnderlay, pod, remotePod, bridgeAgain,
            remoteBridge};
        CausalOrder order = new CausalOrder(points, model.devices);
        int groups = order.order(hops, hops.length);
        List<Integer> sequence = new ArrayList<>();
        for (Observation hop : hops) {
            sequence.add(hop.point);
        }
        assertEquals(List.of(0, 1, 8, 2, 3, 4, 5, 6, 7), sequence);
        assertEquals(8, groups, "docker0 seen twice is one hop");
        assertEquals(points.get(1).device.index, order.device(1));
        assertEquals(3, order.start(2));
    }
}
