package io.tunnelscope.correlate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tunnelscope.decode.Encapsulation;
import org.junit.jupiter.api.Test;

/** The outer-header table: which points saw a tunnel packet, for as long as it is kept. */
class OuterSightingsTest {

    private static Observation tunnelled(int point, long nanos, long ipId) {
        Observation o = new Observation();
        o.point = point;
        o.adjustedNanos = nanos;
        o.encapsulation = Encapsulation.VXLAN;
        o.outerSrcLow = 0x0000_FFFF_C0A8_3201L;
        o.outerDstLow = 0x0000_FFFF_C0A8_3202L;
        o.outerIpId = ipId;
        o.outerSourcePort = 40000;
        return o;
    }

    @Test
    void remembersEveryPointOfManyPacketsThroughGrowth() {
        OuterSightings outer = new OuterSightings(Long.MAX_VALUE / 4, 1 << 20);
        int packets = 50_000;
        for (int id = 0; id < packets; id++) {
            outer.add(tunnelled(0, id, id));
            if (id % 3 != 0) {
                outer.add(tunnelled(5, id, id));
            }
        }
        for (int id = 0; id < packets; id++) {
            assertTrue(outer.seen(tunnelled(9, 0, id), 0), "point 0, packet " + id);
            assertEquals(id % 3 != 0, outer.seen(tunnelled(9, 0, id), 5), "point 5, packet " + id);
            assertFalse(outer.seen(tunnelled(9, 0, id), 1));
        }
        assertFalse(outer.seen(tunnelled(0, 0, packets + 1), 0));
        assertFalse(outer.seen(tunnelled(0, 0, 1), 64), "points from 64 on are not tracked");
        assertEquals(0, outer.forgottenEarly());
    }

    @Test
    void forgetsSightingsOlderThanItKeepsThemButNotOnesSeenAgain() {
        OuterSightings outer = new OuterSightings(1_000, 1 << 20);
        for (int id = 0; id < 3000; id++) {
            outer.add(tunnelled(0, id * 10L, id));
        }
        // Packet 2990's header seen again late keeps it; the time moved on past the others.
        outer.add(tunnelled(1, 30_500, 2990));
        assertTrue(outer.seen(tunnelled(0, 0, 2990), 0));
        assertTrue(outer.seen(tunnelled(0, 0, 2990), 1));
        assertTrue(outer.seen(tunnelled(0, 0, 2960), 0), "within the last 1000 ns");
        assertFalse(outer.seen(tunnelled(0, 0, 2000), 0), "forgotten");
        assertFalse(outer.seen(tunnelled(0, 0, 5), 0), "forgotten");
        assertEquals(0, outer.forgottenEarly());
    }

    @Test
    void countsSightingsDroppedBecauseTheTableWasFull() {
        OuterSightings outer = new OuterSightings(Long.MAX_VALUE / 4, 100);
        for (int id = 0; id < 250; id++) {
            outer.add(tunnelled(0, id, id));
        }
        assertEquals(150, outer.forgottenEarly());
        assertFalse(outer.seen(tunnelled(0, 0, 149), 0));
        assertTrue(outer.seen(tunnelled(0, 0, 150), 0));
        assertTrue(outer.seen(tunnelled(0, 0, 249), 0));
    }
}
