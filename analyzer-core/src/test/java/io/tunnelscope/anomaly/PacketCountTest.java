package io.tunnelscope.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PacketCountTest {
    @Test
    void aPacketSeenAtSeveralPointsCountsOnce() {
        PacketCount count = new PacketCount();
        assertTrue(count.add(42, "host1-pod"));
        assertFalse(count.add(42, "host1-docker0"));
        assertFalse(count.add(42, "host1-any:ifindex3"));
        assertEquals(1, count.count());
    }

    @Test
    void copiesAlikeAtOnePointArePacketsOfTheirOwn() {
        // Two copies alike in every identifying field, each seen at two points: two packets.
        PacketCount count = new PacketCount();
        assertTrue(count.add(7, "a"));
        assertTrue(count.add(7, "a"));
        assertFalse(count.add(7, "b"));
        assertFalse(count.add(7, "b"));
        assertEquals(2, count.count());
        // A third copy seen only at b.
        assertTrue(count.add(7, "b"));
        assertEquals(3, count.count());
    }

    @Test
    void countsGatheredApartMergeAsOne() {
        PacketCount first = new PacketCount();
        first.add(7, "a");
        first.add(7, "a");
        first.add(9, "a");
        PacketCount second = new PacketCount();
        second.add(7, "b");
        second.add(7, "b");
        second.add(0, "b");
        assertEquals(4, PacketCount.union(List.of(first, second)), "7 twice, 9, and one without identity");
    }
}
