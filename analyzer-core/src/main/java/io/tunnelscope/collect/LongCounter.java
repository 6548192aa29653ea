package io.tunnelscope.collect;

import java.util.Arrays;

/**
 * Counts occurrences of primitive {@code long} keys, at most {@code maxKeys} distinct keys (later
 * new keys are ignored), remembering the order keys first appeared in. No boxing per count; the
 * tables grow by doubling as keys arrive.
 */
public final class LongCounter {
    private final int maxKeys;
    private long[] keys;
    private int[] slots;
    private long[] counts;
    private int size;
    private int mask;

    /** A counter without a bound on distinct keys (beyond memory). */
    public LongCounter() {
        this(Integer.MAX_VALUE);
    }

    public LongCounter(int maxKeys) {
        this.maxKeys = maxKeys;
        this.keys = new long[Math.min(maxKeys, 16)];
        this.counts = new long[keys.length];
        allocateSlots(LongObjectMap.capacityFor(Math.max(8, keys.length)));
    }

    private void allocateSlots(int capacity) {
        slots = new int[capacity];
        Arrays.fill(slots, -1);
        mask = capacity - 1;
    }

    /** Counts {@code key} once, unless it is new and {@code maxKeys} keys are counted already. */
    public void add(long key) {
        add(key, 1);
    }

    /**
     * Counts {@code key} once and returns its count now, or 0 when it is new and {@code maxKeys}
     * keys are counted already (it is then not counted).
     */
    public long addAndGet(long key) {
        return add(key, 1);
    }

    /**
     * Counts {@code key} {@code times} times, unless it is new and {@code maxKeys} keys are counted
     * already; returns its count now (0 when it was not counted).
     */
    public long add(long key, long times) {
        int i = LongObjectMap.slot(key) & mask;
        int at;
        while ((at = slots[i]) >= 0) {
            if (keys[at] == key) {
                counts[at] += times;
                return counts[at];
            }
            i = (i + 1) & mask;
        }
        if (size >= maxKeys) {
            return 0;
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, (int) Math.min(maxKeys, size * 2L));
            counts = Arrays.copyOf(counts, keys.length);
        }
        keys[size] = key;
        counts[size] = times;
        slots[i] = size++;
        if (size > (slots.length >> 1)) {
            rehash(slots.length * 2);
        }
        return times;
    }

    private void rehash(int capacity) {
        allocateSlots(capacity);
        for (int n = 0; n < size; n++) {
            int i = LongObjectMap.slot(keys[n]) & mask;
            while (slots[i] >= 0) {
                i = (i + 1) & mask;
            }
            slots[i] = n;
        }
    }

    public int size() {
        return size;
    }

    /** The {@code n}th distinct key, in the order keys first appeared. */
    public long key(int n) {
        return keys[n];
    }

    /** The count of the {@code n}th distinct key. */
    public long count(int n) {
        return counts[n];
    }
}
