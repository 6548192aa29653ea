package io.tunnelscope.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tunnelscope.report.Evidence;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * First-seen keys and evidence samples gathered in parts merge into what one instance that saw
 * every packet keeps, limits included.
 */
class FirstSeenTest {
    private static PacketOrder at(long packet) {
        return new PacketOrder(packet, 0);
    }

    @Test
    void mergedKeysComeInTheOrderTheirFirstPacketCame() {
        FirstSeen<String, long[]> a = new FirstSeen<>();
        FirstSeen<String, long[]> b = new FirstSeen<>();
        a.add("x", new long[] {1}, at(5));
        a.add("y", new long[] {2}, at(1));
        b.add("z", new long[] {4}, at(3));
        b.add("y", new long[] {8}, at(0));
        a.mergeFrom(b, (mine, theirs) -> mine[0] += theirs[0], Integer.MAX_VALUE);
        assertEquals(List.of("y", "z", "x"), new ArrayList<>(a.keys()));
        assertEquals(10, a.get("y")[0]);
        assertEquals(at(0), a.first("y"));
    }

    /**
     * Random packets with keys go to one instance keeping its first {@code limit} keys, and to
     * three instances doing the same with their share; merged, the three keep the same keys in the
     * same order. When every key is one part's (as a capture point is one file's), the counts are
     * the same too; a key split among parts may miss the packets of a part whose table was full
     * before the key came there.
     */
    @Test
    void limitedInstancesMergeIntoTheLimitedWhole() {
        Random random = new Random(7);
        for (int round = 0; round < 100; round++) {
            boolean keyed = round % 2 == 0;
            int limit = 1 + random.nextInt(6);
            FirstSeen<Integer, long[]> whole = new FirstSeen<>();
            List<FirstSeen<Integer, long[]>> parts = List.of(new FirstSeen<>(), new FirstSeen<>(), new FirstSeen<>());
            for (long packet = 0; packet < 60; packet++) {
                int key = random.nextInt(12);
                count(whole, key, packet, limit);
                count(parts.get(keyed ? key % 3 : random.nextInt(3)), key, packet, limit);
            }
            FirstSeen<Integer, long[]> merged = parts.get(2);
            merged.mergeFrom(parts.get(0), (mine, theirs) -> mine[0] += theirs[0], limit);
            merged.mergeFrom(parts.get(1), (mine, theirs) -> mine[0] += theirs[0], limit);
            assertEquals(new ArrayList<>(whole.keys()), new ArrayList<>(merged.keys()), "round " + round);
            for (Integer key : whole.keys()) {
                assertEquals(whole.first(key), merged.first(key), "round " + round + " key " + key);
                if (keyed) {
                    assertEquals(whole.get(key)[0], merged.get(key)[0], "round " + round + " key " + key);
                }
            }
        }
    }

    private static void count(FirstSeen<Integer, long[]> seen, int key, long packet, int limit) {
        if (seen.size() < limit || seen.contains(key)) {
            if (!seen.contains(key)) {
                seen.add(key, new long[1], at(packet));
            }
            seen.get(key)[0]++;
        }
    }

    @Test
    void samplesKeepTheFirstPacketsOfBoth() {
        Random random = new Random(11);
        for (int round = 0; round < 50; round++) {
            int max = 1 + random.nextInt(5);
            EvidenceSample whole = new EvidenceSample(max);
            EvidenceSample a = new EvidenceSample(max);
            EvidenceSample b = new EvidenceSample(max);
            for (long packet = 0; packet < 20; packet++) {
                if (random.nextInt(3) > 0) {
                    continue;
                }
                Evidence evidence = new Evidence("p", "f", packet);
                whole.add(evidence, at(packet));
                (random.nextBoolean() ? a : b).add(evidence, at(packet));
            }
            b.mergeFrom(a);
            assertEquals(whole.list(), b.list(), "round " + round);
        }
    }
}
