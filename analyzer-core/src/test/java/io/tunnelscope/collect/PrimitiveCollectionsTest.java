package io.tunnelscope.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The primitive collections against the boxed ones from java.util, on the same operations. */
class PrimitiveCollectionsTest {

    @Test
    void longObjectMapAgreesWithHashMapThroughGrowthAndRemoval() {
        LongObjectMap<String> map = new LongObjectMap<>(2);
        Map<Long, String> expected = new HashMap<>();
        Random random = new Random(11);
        for (int i = 0; i < 200_000; i++) {
            // Small keys collide in the low bits; sequential ones probe in runs.
            long key = switch (i % 3) {
                case 0 -> random.nextInt(5000);
                case 1 -> (long) random.nextInt(5000) << 40;
                default -> random.nextLong();
            };
            int op = random.nextInt(10);
            if (op < 6) {
                assertEquals(expected.put(key, "v" + i), map.put(key, "v" + i));
            } else if (op < 8) {
                assertEquals(expected.remove(key), map.remove(key));
            } else {
                assertEquals(expected.get(key), map.get(key));
            }
            assertEquals(expected.size(), map.size());
        }
        for (Map.Entry<Long, String> e : expected.entrySet()) {
            assertEquals(e.getValue(), map.get(e.getKey()));
        }
        map.clear();
        assertTrue(map.isEmpty());
        assertNull(map.get(expected.keySet().iterator().next()));
    }

    @Test
    void longObjectMapKeepsKeyZeroApartFromFreeSlots() {
        LongObjectMap<String> map = new LongObjectMap<>();
        assertNull(map.get(0));
        assertNull(map.put(0, "zero"));
        assertNull(map.put(1L << 32, "shifted"));
        assertEquals(2, map.size());
        assertEquals("zero", map.put(0, "nought"));
        assertEquals("nought", map.get(0));
        assertEquals("nought", map.remove(0));
        assertNull(map.get(0));
        assertEquals("shifted", map.get(1L << 32));
        assertEquals(1, map.size());
        map.put(0, "again");
        map.clear();
        assertTrue(map.isEmpty());
        assertNull(map.get(0));
    }

    @Test
    void longObjectMapFindsEveryKeyOfALongProbeRunAfterRemovals() {
        // Keys sharing one home slot form a run; removing from its middle must shift the rest back.
        LongObjectMap<Long> map = new LongObjectMap<>(64);
        int capacity = 128;
        int home = LongObjectMap.slot(1) & (capacity - 1);
        List<Long> sameHome = new ArrayList<>();
        for (long key = 2; sameHome.size() < 20; key++) {
            if ((LongObjectMap.slot(key) & (capacity - 1)) == home) {
                sameHome.add(key);
            }
        }
        for (long key : sameHome) {
            map.put(key, key);
        }
        for (int i = 0; i < sameHome.size(); i += 3) {
            assertEquals(sameHome.get(i), map.remove(sameHome.get(i)));
        }
        for (int i = 0; i < sameHome.size(); i++) {
            assertEquals(i % 3 == 0 ? null : sameHome.get(i), map.get(sameHome.get(i)), "key " + i);
        }
    }

    @Test
    void longHashSetAgreesWithHashSetIncludingZero() {
        LongHashSet set = new LongHashSet(1);
        Set<Long> expected = new HashSet<>();
        Random random = new Random(5);
        for (int i = 0; i < 100_000; i++) {
            long value = i % 2 == 0 ? random.nextInt(3000) - 1500 : random.nextLong();
            assertEquals(expected.add(value), set.add(value), "add " + value);
            assertEquals(expected.size(), set.size());
        }
        for (int i = 0; i < 10_000; i++) {
            long value = random.nextInt(3000) - 1500;
            assertEquals(expected.contains(value), set.contains(value), "contains " + value);
        }
        assertTrue(set.contains(0));
        assertFalse(new LongHashSet().contains(0));
        LongHashSet zero = new LongHashSet();
        assertTrue(zero.add(0));
        assertFalse(zero.add(0));
        assertEquals(1, zero.size());

        Set<Long> listed = new HashSet<>();
        for (long value : set.toArray()) {
            assertTrue(listed.add(value), "listed once: " + value);
        }
        assertEquals(expected, listed, "toArray lists every value, 0 included");
        LongHashSet merged = new LongHashSet();
        merged.add(42);
        merged.addAll(set);
        merged.addAll(zero);
        Set<Long> union = new HashSet<>(expected);
        union.add(42L);
        assertEquals(union.size(), merged.size());
        for (long value : union) {
            assertTrue(merged.contains(value), "merged holds " + value);
        }
    }

    @Test
    void longCounterCountsInFirstSeenOrderAndGrowsPastItsFirstTables() {
        LongCounter counter = new LongCounter();
        Map<Long, Long> expected = new LinkedHashMap<>();
        Random random = new Random(3);
        for (int i = 0; i < 50_000; i++) {
            long key = random.nextInt(20_000) * 256L;
            long times = 1 + random.nextInt(3);
            counter.add(key, times);
            expected.merge(key, times, Long::sum);
        }
        assertEquals(expected.size(), counter.size());
        int n = 0;
        for (Map.Entry<Long, Long> e : expected.entrySet()) {
            assertEquals(e.getKey(), counter.key(n));
            assertEquals(e.getValue(), counter.count(n));
            n++;
        }
    }

    @Test
    void longCounterIgnoresNewKeysBeyondItsBound() {
        LongCounter counter = new LongCounter(3);
        for (long key : new long[] {7, 8, 7, 9, 10, 11, 8, 10}) {
            counter.add(key);
        }
        assertEquals(3, counter.size());
        assertEquals(List.of(7L, 8L, 9L), List.of(counter.key(0), counter.key(1), counter.key(2)));
        assertEquals(List.of(2L, 2L, 1L), List.of(counter.count(0), counter.count(1), counter.count(2)));
    }

    @Test
    void longTupleMapTellsApartTuplesWhoseHashesCollide() {
        // Four hash bits: thousands of tuples share sixteen hashes and are told apart in full.
        LongTupleMap<Integer> map = new LongTupleMap<>(3, 0xF);
        Map<List<Long>, Integer> expected = new HashMap<>();
        Random random = new Random(9);
        long[] key = new long[3];
        for (int i = 0; i < 20_000; i++) {
            key[0] = random.nextInt(20);
            key[1] = random.nextInt(20);
            key[2] = random.nextInt(20);
            List<Long> boxed = List.of(key[0], key[1], key[2]);
            if (random.nextBoolean()) {
                assertEquals(expected.put(boxed, i), map.put(key, i));
            } else {
                assertEquals(expected.get(boxed), map.get(key));
            }
        }
        assertEquals(expected.size(), map.size());
    }

    @Test
    void longTupleMapCopiesTheKeyAndComparesOnlyItsWidth() {
        LongTupleMap<String> map = new LongTupleMap<>(2);
        long[] key = {1, 2, 99};
        map.put(key, "a");
        key[0] = 5;
        assertNull(map.get(key), "the stored key is a copy");
        assertSame("a", map.get(new long[] {1, 2, -7}), "elements past the width do not count");
        List<String> values = new ArrayList<>();
        values.add(map.put(new long[] {1, 2}, "b"));
        values.add(map.get(new long[] {1, 2}));
        assertEquals(List.of("a", "b"), values);
        assertEquals(1, map.size());
    }
}
